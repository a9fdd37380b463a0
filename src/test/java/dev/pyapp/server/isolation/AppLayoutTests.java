package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The owners and modes of SPEC §10 "Files" below {@code apps/<name>/}, set by a server
 * that runs as root (giving files to another user needs root; CI is root).
 */
@EnabledIf("root")
class AppLayoutTests {

	private static final AppId APP = AppId.of("guestbook");

	/** The app's user. */
	private static final Isolation.Account USER = new Isolation.Account("pyapp-guestbook", 65534, 65534,
			Path.of("/home"));

	private static final int WEB = 33;

	@TempDir
	Path dir;

	private PyappHome home;

	private AppLayout layout;

	static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	@BeforeEach
	void setUp() {
		this.home = new PyappHome(this.dir.resolve("home"));
		HostIsolation host = mock(HostIsolation.class);
		given(host.serverAccount()).willReturn(new Isolation.Account("root", 0, 0, Path.of("/root")));
		given(host.root()).willReturn(true);
		given(host.webUser()).willReturn(Optional.of(new Isolation.Account("www-data", 33, WEB, Path.of("/var/www"))));
		this.layout = new AppLayout(this.home, host);
	}

	@Test
	void givesTheAppItsOwnDirectoriesAndTheWebServerItsRunDirectory() throws IOException {
		AppPaths paths = this.home.app(APP);
		Files.createDirectories(paths.data().resolve("sessions"));
		Files.createDirectories(paths.config());
		Files.writeString(paths.config().resolve("config.yaml"), "secret: x\n");
		Files.writeString(paths.config().resolve("config.yaml.previous"), "secret: old\n");

		this.layout.prepare(APP, identity());

		assertMode(paths.root(), 0, 0, "rwx--x--x");
		assertMode(paths.releases(), 0, USER.gid(), "rwxr-x--x");
		assertMode(paths.config(), 0, USER.gid(), "rwxr-s---");
		assertMode(paths.config().resolve("config.yaml"), 0, USER.gid(), "rw-r-----");
		assertMode(paths.config().resolve("config.yaml.previous"), 0, USER.gid(), "rw-------");
		assertMode(paths.data(), USER.uid(), USER.gid(), "rwx------");
		assertThat(Files.getAttribute(paths.data().resolve("sessions"), "unix:uid")).isEqualTo(USER.uid());
		assertMode(paths.tmp(), USER.uid(), USER.gid(), "rwx------");
		assertMode(paths.home(), USER.uid(), USER.gid(), "rwx------");
		assertMode(paths.run(), USER.uid(), WEB, "rwxr-s---");
		assertMode(paths.logs(), 0, 0, "rwx------");
		// nothing changes the second time
		assertThat(this.layout.prepare(APP, identity())).isZero();
	}

	@Test
	void sealsAReleaseReadOnlyToTheAppWithItsStaticFilesForTheWebServer() throws IOException {
		Path release = Files.createDirectories(this.home.app(APP).release("1.0-x"));
		Path script = Files.writeString(Files.createDirectories(release.resolve("venv/bin")).resolve("python3"), "");
		Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
		Files.writeString(Files.createDirectories(release.resolve("src")).resolve("app.py"), "");
		Path css = Files.createDirectories(release.resolve("static/guestbook/css"));
		Files.writeString(css.resolve("site.css"), "body {}");
		this.layout.forBuild(release, identity());
		assertThat(Files.getAttribute(release.resolve("src/app.py"), "unix:uid")).isEqualTo(USER.uid());

		this.layout.seal(release, List.of("static/guestbook"), identity());

		assertMode(release, 0, USER.gid(), "rwxr-x--x");
		assertMode(release.resolve("src"), 0, USER.gid(), "rwxr-x---");
		assertMode(release.resolve("src/app.py"), 0, USER.gid(), "rw-r-----");
		assertMode(script, 0, USER.gid(), "rwxr-x---");
		assertMode(release.resolve("static"), 0, USER.gid(), "rwxr-x--x");
		assertMode(release.resolve("static/guestbook"), 0, WEB, "rwxr-x---");
		assertMode(css.resolve("site.css"), 0, WEB, "rw-r-----");
		assertThat(this.layout.seal(release, List.of("static/guestbook"), identity())).isZero();
	}

	@Test
	void aStaticDirectoryKeepsNoSymlinkTheBuildOrTheHooksMade() throws IOException {
		// the web server follows links: one to a host file would publish it
		Path release = Files.createDirectories(this.home.app(APP).release("1.0-x"));
		Path statics = Files.createDirectories(release.resolve("static/guestbook/css"));
		Files.writeString(statics.resolve("site.css"), "body {}");
		Path host = Files.writeString(this.dir.resolve("wp-config.php"), "DB_PASSWORD");
		Files.createSymbolicLink(statics.resolve("leak.css"), host);
		Files.createSymbolicLink(release.resolve("static/guestbook/etc"), this.dir);
		Files.createSymbolicLink(release.resolve("static/guestbook/own.css"), statics.resolve("site.css"));
		this.layout.forBuild(release, identity());

		this.layout.seal(release, List.of("static/guestbook"), identity());

		assertThat(statics.resolve("site.css")).isRegularFile();
		assertThat(statics.resolve("leak.css")).doesNotExist();
		assertThat(release.resolve("static/guestbook/etc")).doesNotExist();
		// a link to a file of the release itself is served as a copy of it
		assertThat(release.resolve("static/guestbook/own.css")).isRegularFile().hasContent("body {}");
		assertMode(release.resolve("static/guestbook/own.css"), 0, WEB, "rw-r-----");
		assertThat(host).exists();
		assertThat(this.layout.seal(release, List.of("static/guestbook"), identity())).isZero();
	}

	@Test // Django's collectstatic --link: links to the files of the app's packages
	void aGeneratedStaticDirectoryServesCopiesOfTheReleaseFilesItsLinksLedTo() throws IOException {
		Path release = Files.createDirectories(this.home.app(APP).release("1.0-x"));
		Path admin = Files.createDirectories(release.resolve("venv/lib/django/contrib/admin/static/admin/css"));
		Files.writeString(admin.resolve("base.css"), "html {}");
		Path shared = Files.createDirectories(this.home.serverPackages().resolve("django/static"));
		Files.writeString(shared.resolve("shared.css"), "p {}");
		Path generated = Files.createDirectories(release.resolve("staticfiles/admin/css"));
		// a venv's lib64 -> lib on the way
		Files.createSymbolicLink(release.resolve("venv/lib64"), Path.of("lib"));
		Files.createSymbolicLink(generated.resolve("base.css"),
				release.resolve("venv/lib64")
					.resolve(release.resolve("venv/lib").relativize(admin))
					.resolve("base.css"));
		Files.createSymbolicLink(generated.resolve("shared.css"), shared.resolve("shared.css"));
		Path secret = Files.writeString(Files.createDirectories(this.home.app(APP).config()).resolve("config.yaml"),
				"secret: x\n");
		Files.createSymbolicLink(generated.resolve("config.css"), secret);
		this.layout.forBuild(release, identity());

		this.layout.seal(release, List.of("staticfiles"), List.of("staticfiles"), identity());

		assertThat(generated.resolve("base.css")).isRegularFile().hasContent("html {}");
		assertMode(generated.resolve("base.css"), USER.uid(), WEB, "r--r-----");
		assertThat(generated.resolve("shared.css")).isRegularFile().hasContent("p {}");
		// a file of the app's but not of its release: not served
		assertThat(generated.resolve("config.css")).doesNotExist();
		assertThat(admin.resolve("base.css")).hasContent("html {}");
		assertThat(this.layout.seal(release, List.of("staticfiles"), List.of("staticfiles"), identity())).isZero();
	}

	@Test // a build made assets -> /etc: sealing static entry assets/ssl changed /etc/ssl
	void aStaticDirectoryReachedThroughALinkIsNeitherChangedNorGivenAway() throws IOException {
		Path release = Files.createDirectories(this.home.app(APP).release("1.0-x"));
		Path outside = Files.createDirectories(this.dir.resolve("etc/ssl/private"));
		Path key = Files.writeString(outside.resolve("host.key"), "KEY");
		Files.setPosixFilePermissions(outside, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
		Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		Files.createSymbolicLink(release.resolve("assets"), this.dir.resolve("etc"));
		this.layout.forBuild(release, identity());

		this.layout.seal(release, List.of("assets/ssl"), List.of("assets/ssl"), identity());

		assertMode(outside, 0, 0, "rwx------");
		assertMode(key, 0, 0, "rw-------");
		assertThat(Files.isSymbolicLink(release.resolve("assets"))).isTrue();
	}

	@Test // a hook's mkfifo in a generated static directory: a web server that opens it
			// to serve it may wait for a writer for good
	void aStaticDirectoryKeepsNoFifoTheBuildOrTheHooksMade() throws Exception {
		Path release = Files.createDirectories(this.home.app(APP).release("1.0-x"));
		Path statics = Files.createDirectories(release.resolve("static/guestbook"));
		Files.writeString(statics.resolve("site.css"), "body {}");
		Path fifo = statics.resolve("hang.css");
		assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
		this.layout.forBuild(release, identity());

		this.layout.seal(release, List.of("static/guestbook"), identity());

		assertThat(statics.resolve("site.css")).isRegularFile();
		assertThat(fifo).doesNotExist();
	}

	@Test
	void namesTheDirectoryAboveTheHomeThatClosesItToAppUsersWithoutASandbox() throws IOException {
		// @TempDir is 0700: an app's user cannot pass it
		HostIsolation host = mock(HostIsolation.class);
		given(host.usersUnavailable()).willReturn(Optional.empty());
		given(host.sandboxUnavailable()).willReturn(Optional.of("/usr/bin/bwrap is missing"));
		AppLayout unsandboxed = new AppLayout(this.home, host);
		assertThat(unsandboxed.closedAncestor()).contains(this.dir);

		Files.setPosixFilePermissions(this.dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
		assertThat(unsandboxed.closedAncestor()).isEmpty();
	}

	@Test
	void aClosedDirectoryAboveTheHomeDoesNotMatterInASandboxOrWithoutAppUsers() {
		HostIsolation sandboxed = mock(HostIsolation.class);
		given(sandboxed.usersUnavailable()).willReturn(Optional.empty());
		given(sandboxed.sandboxUnavailable()).willReturn(Optional.empty());
		assertThat(new AppLayout(this.home, sandboxed).closedAncestor()).isEmpty();

		HostIsolation oneUser = mock(HostIsolation.class);
		given(oneUser.usersUnavailable()).willReturn(Optional.of("not root"));
		given(oneUser.sandboxUnavailable()).willReturn(Optional.of("/usr/bin/bwrap is missing"));
		assertThat(new AppLayout(this.home, oneUser).closedAncestor()).isEmpty();
	}

	@Test
	void aDirectoryTheServerMadeInTheAppsDataIsGivenToItAloneNotWalked() throws Exception {
		// an upgrade makes data/<writable> (root's, empty) while the old daemon runs: the
		// daemon can swap it for a link to /etc between the check of the entry and the
		// opening of the directory by a walk, which would then give /etc's files to the
		// app; so what is inside such an entry is never walked into
		AppPaths paths = this.home.app(APP);
		this.layout.prepare(APP, identity());
		Path made = Files.createDirectory(paths.data().resolve("uploads"));
		Path inside = Files.writeString(made.resolve("passwd"), "root:x:0:0");

		this.layout.prepare(APP, identity());

		assertThat(FileModes.owner(made)).isEqualTo(USER.uid());
		assertThat(Files.getAttribute(made, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(USER.gid());
		assertThat(FileModes.owner(inside)).isZero();
	}

	private static AppIdentity identity() {
		return new AppIdentity(USER, true, null);
	}

	private static void assertMode(Path path, int uid, int gid, String mode) throws IOException {
		assertThat(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(path + " owner").isEqualTo(uid);
		assertThat(Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(path + " group").isEqualTo(gid);
		int bits = (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
		assertThat(symbolic(bits)).as(path + " mode").isEqualTo(mode);
	}

	private static String symbolic(int bits) {
		String perms = java.nio.file.attribute.PosixFilePermissions
			.toString(java.nio.file.attribute.PosixFilePermissions.fromString(String.format("%s%s%s%s%s%s%s%s%s",
					(bits & 0400) != 0 ? "r" : "-", (bits & 0200) != 0 ? "w" : "-", (bits & 0100) != 0 ? "x" : "-",
					(bits & 040) != 0 ? "r" : "-", (bits & 020) != 0 ? "w" : "-", (bits & 010) != 0 ? "x" : "-",
					(bits & 04) != 0 ? "r" : "-", (bits & 02) != 0 ? "w" : "-", (bits & 01) != 0 ? "x" : "-")));
		if ((bits & 02000) != 0) {
			perms = perms.substring(0, 5) + ((bits & 010) != 0 ? "s" : "S") + perms.substring(6);
		}
		return perms;
	}

}
