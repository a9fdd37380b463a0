package dev.pyapp.server.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.pyapp.server.core.AppPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files a daemon writes to.
 */
class DaemonFilesTests {

	@TempDir
	Path root;

	@Test // SPEC §10: the captured output is the server's own, whatever the umask
	void theDaemonsOutputFilesAreTheServersOnly() throws IOException {
		AppPaths paths = new AppPaths(this.root.resolve("apps/hello"));
		DaemonFiles.createDirectories(paths, "1.0-20260101T000000Z");
		for (Path log : new Path[] { paths.stdoutLog("1.0-20260101T000000Z"),
				paths.stderrLog("1.0-20260101T000000Z") }) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).as(log.toString())
				.isEqualTo("rw-------");
		}
		// what earlier daemons wrote stays
		Files.writeString(paths.stderrLog("1.0-20260101T000000Z"), "Traceback\n");
		DaemonFiles.createDirectories(paths, "1.0-20260101T000000Z");
		assertThat(paths.stderrLog("1.0-20260101T000000Z")).hasContent("Traceback");
	}

	@Test // SPEC §10: a line is filed under the release of the daemon that wrote it
	void eachReleasesDaemonsWriteToFilesOfTheirOwn() {
		AppPaths paths = new AppPaths(this.root.resolve("apps/hello"));
		DaemonFiles.createDirectories(paths, "1.0-20260101T000000Z");
		DaemonFiles.createDirectories(paths, "1.1-20260102T000000Z");
		assertThat(paths.logs().resolve("1.0-20260101T000000Z.stdout.log")).exists();
		assertThat(paths.logs().resolve("1.1-20260102T000000Z.stderr.log")).exists();
		assertThat(paths.stdoutLog()).doesNotExist();
	}

}
