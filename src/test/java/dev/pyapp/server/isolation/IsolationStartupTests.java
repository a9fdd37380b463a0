package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppManifest.BindKind;
import dev.pyapp.server.packaging.AppManifest.DaemonMethod;
import dev.pyapp.server.packaging.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The migration at every start keeps a release's generated static directory the app's to
 * read, as its deploy left it: it made it the server's and the web server's only, and an
 * app such as Django with {@code ManifestStaticFilesStorage} could no longer read its
 * {@code staticfiles.json} after a restart of the server.
 */
@EnabledIf("dev.pyapp.server.isolation.AppLayoutTests#root")
class IsolationStartupTests {

	private static final AppId APP = AppId.of("guestbook");

	private static final Isolation.Account USER = new Isolation.Account("pyapp-guestbook", 65534, 65534,
			Path.of("/home"));

	private static final int WEB = 33;

	@TempDir
	Path dir;

	@Test
	void aGeneratedStaticDirectoryStaysTheAppsToReadAcrossRestarts() throws IOException {
		PyappHome home = new PyappHome(this.dir.resolve("home"));
		HostIsolation host = mock(HostIsolation.class);
		given(host.serverAccount()).willReturn(new Isolation.Account("root", 0, 0, Path.of("/root")));
		given(host.root()).willReturn(true);
		given(host.webUser()).willReturn(Optional.of(new Isolation.Account("www-data", 33, WEB, Path.of("/var/www"))));
		AppAccounts accounts = mock(AppAccounts.class);
		given(accounts.ensure(APP)).willReturn(new AppIdentity(USER, true, null));
		PackageReader reader = mock(PackageReader.class);
		given(reader.readManifest(any())).willReturn(manifest());
		Path release = Files.createDirectories(home.app(APP).release("1.0-x"));
		Files.writeString(Files.createDirectories(release.resolve("src")).resolve("app.py"), "");
		Path generated = Files.createDirectories(release.resolve("staticfiles"));
		Files.writeString(generated.resolve("staticfiles.json"), "{}");
		Files.writeString(Files.createDirectories(release.resolve("static")).resolve("site.css"), "body {}");
		IsolationStartup startup = new IsolationStartup(home, host, mock(AppRegistry.class), accounts,
				new AppLayout(home, host), reader);

		startup.migrate(APP);

		assertMode(generated, USER.uid(), WEB, "r-xr-x---");
		assertMode(generated.resolve("staticfiles.json"), USER.uid(), WEB, "r--r-----");
		assertMode(release.resolve("static"), 0, WEB, "rwxr-x---");
		assertMode(release.resolve("src"), 0, USER.gid(), "rwxr-x---");
		// and the next start changes nothing
		assertThat(startup.migrate(APP)).isZero();
	}

	private static AppManifest manifest() {
		return new AppManifest(1, "guestbook", "1.0.0", null, null,
				new AppManifest.Entry(AppManifest.EntryKind.WSGI, "guestbook:application"), List.of(),
				new AppManifest.Resources(List.of(), List.of()),
				List.of(new AppManifest.StaticEntry("/static", "static", false, List.of()),
						new AppManifest.StaticEntry("/generated", "staticfiles", true, List.of())),
				new AppManifest.Daemon(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET, null), AppManifest.Health.DEFAULT,
				AppManifest.Updates.DEFAULT, Map.of(), List.of());
	}

	private static void assertMode(Path path, int uid, int gid, String mode) throws IOException {
		assertThat(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as(path + " owner").isEqualTo(uid);
		assertThat(Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as(path + " group").isEqualTo(gid);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)))
			.as(path + " mode")
			.isEqualTo(mode);
	}

}
