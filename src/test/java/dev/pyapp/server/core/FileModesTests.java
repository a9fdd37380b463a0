package dev.pyapp.server.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directories the server makes for an app ({@code data/db/}, its writable
 * directories) have the mode of the app's umask, whatever the server's (022 for a server
 * started by hand).
 */
class FileModesTests {

	@TempDir
	Path dir;

	@Test
	void makesMissingDirectoriesWithTheModeWhateverTheUmask() throws IOException {
		Path db = this.dir.resolve("data/db");

		FileModes.createDirectories(db, AppPaths.APP_DIRECTORY_MODE);

		assertThat(mode(db)).isEqualTo("rwxr-x---");
		assertThat(mode(this.dir.resolve("data"))).isEqualTo("rwxr-x---");
	}

	@Test
	void leavesADirectoryThatExistedAsItWas() throws IOException {
		Path db = Files.createDirectories(this.dir.resolve("db"));
		Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwx------"));

		FileModes.createDirectories(db, AppPaths.APP_DIRECTORY_MODE);

		assertThat(mode(db)).isEqualTo("rwx------");
	}

	private static String mode(Path path) throws IOException {
		return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
	}

}
