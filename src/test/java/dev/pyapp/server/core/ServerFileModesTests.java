package dev.pyapp.server.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's own files are private whatever umask made them, and nothing of the apps is
 * touched (GH-13, item 4).
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerFileModesTests {

	@TempDir
	Path root;

	private Path create(String name, String mode, boolean directory) throws IOException {
		Path path = this.root.resolve(name);
		Files.createDirectories(directory ? path : path.getParent());
		if (!directory) {
			Files.writeString(path, "secret");
		}
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
		return path;
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

	@Test // GH-13 (4)
	void narrowsWhatAWideUmaskLeftOnceAndSaysSo(CapturedOutput output) throws IOException {
		Path db = create("db", "rwxr-xr-x", true);
		Path h2 = create("db/pyapp.mv.db", "rw-r--r--", false);
		Path token = create("api-token", "rw-r--r--", false);
		Path password = create("initial-admin-password", "rw-rw-rw-", false);
		Path key = create("node-secret.key", "rw-r--r--", false);
		Path run = create("run", "rwxr-xr-x", true);
		Path spill = create("run/logs-spill.jsonl", "rw-r--r--", false);
		Path webserver = create("webserver", "rwxr-xr-x", true);
		Path upload = create("tmp/uploads/0123.pyapp", "rw-r--r--", false);
		Path credentials = create("git/app.credentials", "rw-r--r--", false);
		Path appRun = create("apps/guestbook/run", "rwxr-x---", true);
		Path appConfig = create("apps/guestbook/config/config.ini", "rw-r-----", false);
		Files.setPosixFilePermissions(this.root.resolve("tmp"), PosixFilePermissions.fromString("rwxr-xr-x"));

		ServerFileModes modes = new ServerFileModes(new PyappHome(this.root));
		modes.afterSingletonsInstantiated();

		for (Path dir : new Path[] { db, run, this.root.resolve("tmp"), this.root.resolve("tmp/uploads"),
				this.root.resolve("git") }) {
			assertThat(mode(dir)).as(dir.toString()).isEqualTo("rwx------");
		}
		// the web server's workers (www-data) pass through it: its group keeps x only
		assertThat(mode(webserver)).isEqualTo("rwx--x---");
		for (Path file : new Path[] { h2, token, password, key, spill, upload, credentials }) {
			assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
		}
		assertThat(mode(appRun)).isEqualTo("rwxr-x---");
		assertThat(mode(appConfig)).isEqualTo("rw-r-----");
		assertThat(output).containsOnlyOnce("Narrowed the modes of")
			.contains("db rwxr-xr-x→rwx------")
			.contains("api-token rw-r--r--→rw-------");

		// nothing left to do the second time
		assertThat(modes.tighten()).isEmpty();
	}

	@Test // SPEC §10: umask 077 even when the server was started by hand with 022
	void theHomeCreatesTheServersOwnDirectoriesForItsUserOnly() throws IOException {
		PyappHome home = new PyappHome(this.root);
		for (Path dir : new Path[] { home.dropbox(), home.wheels(), home.widgets(), home.logSocketStaging() }) {
			assertThat(mode(dir)).as(dir.toString()).isEqualTo("rwx------");
		}
	}

	@Test
	void narrowsTheDropFolderWheelsAndWidgetsOfAnEarlierStart() throws IOException {
		Path[] wide = { create("dropbox/.work", "rwxr-xr-x", true), create("dropbox/.done", "rwxr-xr-x", true),
				create("dropbox/.failed", "rwxr-xr-x", true), create("wheels", "rwxr-xr-x", true),
				create("widgets", "rwxr-xr-x", true) };
		Files.setPosixFilePermissions(this.root.resolve("dropbox"), PosixFilePermissions.fromString("rwxr-xr-x"));
		new ServerFileModes(new PyappHome(this.root)).tighten();
		assertThat(mode(this.root.resolve("dropbox"))).isEqualTo("rwx------");
		for (Path dir : wide) {
			assertThat(mode(dir)).as(dir.toString()).isEqualTo("rwx------");
		}
	}

	@Test
	void neverFollowsALinkOutOfTheHome(@TempDir Path elsewhere) throws IOException {
		Path outside = Files.writeString(elsewhere.resolve("target"), "x");
		Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
		Files.createSymbolicLink(this.root.resolve("api-token"), outside);
		new ServerFileModes(new PyappHome(this.root)).tighten();
		assertThat(mode(outside)).isEqualTo("rw-r--r--");
	}

}
