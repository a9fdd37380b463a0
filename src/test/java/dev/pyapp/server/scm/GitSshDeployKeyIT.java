package dev.pyapp.server.scm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.TestSshd;
import dev.pyapp.server.scm.internal.ScmProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A private repository over SSH (GH-15): JGit's Apache MINA SSHD transport with the app's
 * deploy key, against the real OpenSSH server the suite runs, with the host key pinned as
 * nodes pin theirs.
 */
@Tag("ssh")
class GitSshDeployKeyIT {

	@TempDir
	static Path dir;

	private static TestSshd sshd;

	private static GitFixture origin;

	@BeforeAll
	static void start() throws Exception {
		sshd = TestSshd.start(Files.createDirectories(dir.resolve("sshd")));
		origin = new GitFixture(dir.resolve("repos"));
		origin.commit(GitFixture.app("private", "1.0"), "first");
	}

	@AfterAll
	static void stop() throws Exception {
		origin.close();
		sshd.close();
	}

	@Test
	void clonesAndFetchesWithTheAppsDeployKeyAndThePinnedHostKey() throws Exception {
		PyappHome home = new PyappHome(dir.resolve("home"));
		DeployKeys keys = new DeployKeys(home);
		GitSources sources = new GitSources(home,
				new ScmProperties(null, Duration.ofSeconds(30), DataSize.ofMegabytes(5), Duration.ofDays(7)), keys);
		AppId app = AppId.of("private");
		String url = "ssh://root@127.0.0.1:" + sshd.port() + origin.bare();
		GitSource source = new GitSource(url, GitStrategy.ALWAYS_LATEST, null, null, false);

		DeployKeys.DeployKey key = keys.create(app);
		assertThat(key.publicKey()).startsWith("ecdsa-sha2-nistp256 AAAA").endsWith(" pyapp-deploy-key-private");
		assertThat(Files.getPosixFilePermissions(home.resolve("git/private.deploy-key")))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(keys.list()).singleElement().satisfies((listed) -> {
			assertThat(listed.publicKey()).as("shown once").isNull();
			assertThat(listed.fingerprint()).isEqualTo(key.fingerprint());
		});
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> keys.create(app))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT));

		// not yet authorized by the repository's server
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> sources.cloneIncoming(source, null, new SshAccess(app, sshd.hostKeyFingerprint(), false)))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("deploy key's public half"));
		sshd.authorize(key.publicKey());

		// a host key nobody vouched for is not trusted
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> sources.cloneIncoming(source, null, new SshAccess(app, null, false)))
			.satisfies((ex) -> assertThat(ex.getProblems()).singleElement()
				.satisfies((problem) -> assertThat(problem.message())
					.contains("presented the host key " + sshd.hostKeyFingerprint())));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(
					() -> sources.cloneIncoming(source, null, new SshAccess(app, "SHA256:" + "A".repeat(43), false)))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("not the pinned SHA256:AAAA"));
		assertThat(keys.pinnedHostKey(app)).isNull();

		GitMirror incoming = sources.cloneIncoming(source, null, new SshAccess(app, sshd.hostKeyFingerprint(), false));
		sources.adopt(incoming, app, null);
		assertThat(keys.pinnedHostKey(app)).isEqualTo(sshd.hostKeyFingerprint());
		String second = origin.commit(GitFixture.app("private", "1.1"), "second");

		// later fetches use the app's key and its pinned host key
		GitRevision revision = sources.select(sources.fetch(app, source), source);

		assertThat(revision.commit()).isEqualTo(second);
		sources.delete(new GitMirror("private"));
		assertThat(keys.find(app)).isEmpty();
	}

}
