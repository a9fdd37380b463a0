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
		DaemonFiles.createDirectories(paths);
		for (Path log : new Path[] { paths.stdoutLog(), paths.stderrLog() }) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).as(log.toString())
				.isEqualTo("rw-------");
		}
		// what earlier daemons wrote stays
		Files.writeString(paths.stderrLog(), "Traceback\n");
		DaemonFiles.createDirectories(paths);
		assertThat(paths.stderrLog()).hasContent("Traceback");
	}

}
