package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppManifest.BindKind;
import dev.pyapp.server.packaging.AppManifest.DaemonMethod;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.venv.PythonInterpreter;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * What the sandbox of an app's processes shows is the server's decision, never one the
 * app's files make: a generated static directory is writable only while the hooks of its
 * deploy fill it, and a venv's {@code pyvenv.cfg} (which the app's user wrote while pip
 * built the release) only shows the installation of an interpreter the server knows.
 */
class AppIsolationSandboxTests {

	private static final AppId APP = AppId.of("guestbook");

	@TempDir
	Path home;

	private final HostIsolation host = mock(HostIsolation.class);

	private final AppAccounts accounts = mock(AppAccounts.class);

	private final AppLayout layout = mock(AppLayout.class);

	private final PackageReader reader = mock(PackageReader.class);

	private final VenvBuilder venvs = mock(VenvBuilder.class);

	private Path release;

	private Path interpreterBin;

	@BeforeEach
	void app() throws IOException {
		int uid = (Integer) Files.getAttribute(this.home, "unix:uid");
		int gid = (Integer) Files.getAttribute(this.home, "unix:gid");
		given(this.accounts.ensure(APP)).willReturn(new AppIdentity(
				new Isolation.Account("pyapp-guestbook", uid, gid, this.home.resolve("apps/guestbook/home")), true,
				null));
		given(this.host.sandboxUnavailable()).willReturn(Optional.empty());
		given(this.host.cgroupsUnavailable()).willReturn(Optional.of("none in this test"));
		given(this.host.systemDirectories()).willReturn(List.of(Path.of("/usr"), Path.of("/etc")));
		given(this.layout.webGroup()).willReturn(Optional.empty());
		given(this.reader.readManifest(any())).willReturn(manifest());
		this.release = Files.createDirectories(this.home.resolve("apps/guestbook/releases/1.0.0-20260101T000000Z"));
		Files.createDirectories(this.release.resolve("static"));
		this.interpreterBin = Files.createDirectories(this.home.resolve("../pythons/3.12/bin").normalize());
		Files.writeString(this.interpreterBin.resolve("python3"), "");
		given(this.venvs.interpreters())
			.willReturn(List.of(new PythonInterpreter(this.interpreterBin.resolve("python3"), "3.12.1", null)));
	}

	@Test // the live app put links in its generated static dir, which nginx served
	void aGeneratedStaticDirectoryIsWritableUntilItsReleaseIsSealed() {
		AppIsolation isolation = isolation();
		Path statics = this.release.resolve("static");

		isolation.openGenerated(APP, List.of(statics));
		assertThat(readWrite(isolation)).contains(statics);

		isolation.seal(APP, this.release);
		assertThat(readWrite(isolation)).doesNotContain(statics);
		assertThat(isolation.process(APP, this.release, manifest()).sandbox().readOnly()).contains(this.release);
	}

	@Test
	void aGeneratedStaticDirectoryNeverOpenedIsReadOnly() {
		// a release the server sealed in an earlier run (a restart, a rollback)
		assertThat(readWrite(isolation())).doesNotContain(this.release.resolve("static"));
	}

	@Test // pyvenv.cfg rewritten by a setup.py: "home = /run/x" showed the host's /run
	void aVenvNamingADirectoryOfItsChoiceShowsNothingMore() throws IOException {
		for (String named : List.of("/run/x", "/x", "/home/alice/bin")) {
			venv("home = " + named);

			List<Path> readOnly = isolation().process(APP, this.release, manifest()).sandbox().readOnly();

			assertThat(readOnly).as(named)
				.doesNotContain(Path.of("/"), Path.of("/run"), Path.of("/home/alice"))
				.allSatisfy((path) -> assertThat(path.toString()).doesNotStartWith("/run").doesNotStartWith("/home"));
		}
	}

	@Test
	void aVenvOfAKnownInterpreterShowsItsInstallation() throws IOException {
		venv("home = " + this.interpreterBin);

		List<Path> readOnly = isolation().process(APP, this.release, manifest()).sandbox().readOnly();

		assertThat(readOnly).contains(this.interpreterBin.getParent().toRealPath());
	}

	@Test
	void aVenvConfigThatIsALinkIsNotFollowed() throws IOException {
		Path elsewhere = Files.writeString(this.home.resolve("elsewhere.cfg"), "home = " + this.interpreterBin + "\n");
		Files.createDirectories(this.release.resolve("venv"));
		Files.createSymbolicLink(this.release.resolve("venv/pyvenv.cfg"), elsewhere);

		List<Path> readOnly = isolation().process(APP, this.release, manifest()).sandbox().readOnly();

		assertThat(readOnly).doesNotContain(this.interpreterBin.getParent().toRealPath());
	}

	private void venv(String home) throws IOException {
		Files.createDirectories(this.release.resolve("venv"));
		Files.writeString(this.release.resolve("venv/pyvenv.cfg"),
				home + "\ninclude-system-site-packages = false\nversion = 3.12.1\n");
	}

	private List<Path> readWrite(AppIsolation isolation) {
		return isolation.process(APP, this.release, manifest()).sandbox().readWrite();
	}

	private AppIsolation isolation() {
		return new AppIsolation(new PyappHome(this.home), this.host, this.accounts, this.layout, mock(AppLimits.class),
				this.reader, mock(AppIsolationRecords.class), this.venvs);
	}

	private static AppManifest manifest() {
		return new AppManifest(1, "guestbook", "1.0.0", null, null,
				new AppManifest.Entry(AppManifest.EntryKind.WSGI, "guestbook:application"), List.of(),
				new AppManifest.Resources(List.of(), List.of()),
				List.of(new AppManifest.StaticEntry("/static", "static", true, List.of())),
				new AppManifest.Daemon(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET, null), AppManifest.Health.DEFAULT,
				AppManifest.Updates.DEFAULT, java.util.Map.of(), List.of());
	}

}
