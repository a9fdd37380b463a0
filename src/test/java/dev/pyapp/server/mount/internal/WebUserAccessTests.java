package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.pyapp.server.nodes.Isolation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether the web server's user can serve a folder: the way to it searchable, the folder
 * readable, by owner, group or others as the modes say.
 */
class WebUserAccessTests {

	/** A user that owns nothing here and is in no group of these files. */
	private static final Isolation.Account WEB = new Isolation.Account("www-data", 54321, 54321, Path.of("/var/www"));

	@TempDir
	Path dir;

	@Test
	void namesTheDirectoryThatBlocksTheWay() throws IOException {
		Path site = Files.createDirectories(this.dir.resolve("srv/site"));
		mode(this.dir, "rwx------");

		assertThat(WebUserAccess.problem(site, WEB)).isEqualTo(this.dir + " is not searchable by it");
	}

	@Test
	void needsTheFolderReadable() throws IOException {
		Path site = Files.createDirectories(this.dir.resolve("srv/site"));
		mode(this.dir, "rwx--x--x");
		mode(this.dir.resolve("srv"), "rwx--x--x");
		mode(site, "rwx------");

		assertThat(WebUserAccess.problem(site, WEB)).isEqualTo("it cannot list and read it");

		mode(site, "rwxr-xr-x");
		assertThat(WebUserAccess.problem(site, WEB)).isNull();
	}

	private static void mode(Path path, String mode) throws IOException {
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
	}

}
