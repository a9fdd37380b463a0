package dev.pyapp.server.scm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.scm.internal.ScmProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A private repository over HTTPS-style token auth: {@code git http-backend} behind HTTP
 * Basic auth (a small Python server), cloned and fetched with the app's stored token.
 */
@Tag("process")
class GitHttpsTokenIT {

	private static final String TOKEN = "ghp_t0k3n-that-must-not-leak";

	@TempDir
	static Path dir;

	private static Process server;

	private static String url;

	private static GitFixture origin;

	@BeforeAll
	static void startServer() throws Exception {
		origin = new GitFixture(dir.resolve("repos"));
		origin.commit(GitFixture.app("private", "1.0"), "first");
		Path script = dir.resolve("git_http_server.py");
		Files.copy(new ClassPathResource("scm/git_http_server.py").getInputStream(), script);
		server = new ProcessBuilder("python3", script.toString(), dir.resolve("repos").toString(), "deploy", TOKEN)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
		url = "http://127.0.0.1:" + out.readLine().trim() + "/origin.git";
	}

	@AfterAll
	static void stopServer() throws Exception {
		origin.close();
		server.destroy();
		server.waitFor();
	}

	@Test
	void clonesAndFetchesWithTheStoredTokenAndNeverShowsIt() throws Exception {
		GitSources sources = new GitSources(new PyappHome(dir.resolve("home")),
				new ScmProperties(null, Duration.ofSeconds(30), DataSize.ofMegabytes(5), Duration.ofDays(7)),
				new DeployKeys(new PyappHome(dir.resolve("home"))));
		GitSource source = new GitSource(url, GitStrategy.ALWAYS_LATEST, null, null, false);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> sources.cloneIncoming(source, null))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains(url));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> sources.cloneIncoming(source, new GitCredentials("deploy", "wrong")))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("wrong"));

		GitCredentials credentials = new GitCredentials("deploy", TOKEN);
		GitMirror incoming = sources.cloneIncoming(source, credentials);
		AppId app = AppId.of("private");
		sources.adopt(incoming, app, credentials);
		String second = origin.commit(GitFixture.app("private", "1.1"), "second");

		GitRevision revision = sources.select(sources.fetch(app, source), source);

		assertThat(revision.commit()).isEqualTo(second);
		Path stored = dir.resolve("home/git/private.credentials");
		assertThat(Files.getPosixFilePermissions(stored)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		// the token is kept beside the mirror, never in its git config
		assertThat(filesContaining(dir.resolve("home/git/private.git"), TOKEN)).isEmpty();
	}

	/**
	 * The files under a directory that contain a text. A file that goes while the tree is
	 * read is passed over: JGit's automatic gc after a fetch runs on in the background
	 * (its {@code gc.log.lock} came and went under a plain {@code Files.walk}).
	 */
	private static List<Path> filesContaining(Path root, String text) throws IOException {
		List<Path> found = new ArrayList<>();
		Files.walkFileTree(root, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				try {
					if (attributes.isRegularFile()
							&& new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text)) {
						found.add(file);
					}
				}
				catch (NoSuchFileException ex) {
					// gone meanwhile
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE;
				}
				throw ex;
			}
		});
		return found;
	}

}
