package dev.pyapp.server.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.internal.AppRepository;
import dev.pyapp.server.install.internal.LifecycleRepository;
import dev.pyapp.server.install.internal.ReleaseProperties;
import dev.pyapp.server.install.internal.ReleaseRepository;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.packaging.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * A first install is visible from its first moment.
 */
class AppInstallerTests {

	@TempDir
	Path dir;

	private final AppRepository apps = mock(AppRepository.class);

	private final PackageReader reader = mock(PackageReader.class);

	private final ReleaseRepository releases = mock(ReleaseRepository.class);

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	@Test // GH-15: a first install was invisible to apps.list until its package was read
	void listsAFirstInstallWhileItsPackageIsReadAndForgetsItWhenTheReadFails() {
		given(this.apps.findById(any())).willReturn(Optional.empty());
		AppRegistry registry = registry();
		Path archive = archive(manifest("blog", "2.0"));
		Map<String, AppRegistry.Progress>[] seen = new Map[1];
		given(this.reader.read(archive)).willAnswer((call) -> {
			seen[0] = registry.installing();
			throw PyappException.invalid("invalid package", List.of(new Problem("metadata.yaml: x", "bad")));
		});

		assertThatThrownBy(() -> installer(registry).prepare(InstallRequest.archive(archive, "blog.pyapp")))
			.isInstanceOf(PyappException.class);

		assertThat(seen[0]).containsOnlyKeys("blog");
		assertThat(seen[0].get("blog").phase()).isEqualTo("installing");
		assertThat(seen[0].get("blog").version()).isEqualTo("2.0");
		assertThat(seen[0].get("blog").source()).isEqualTo(AppSource.archive());
		assertThat(registry.installing()).isEmpty();
		assertThat(registry.progress(AppId.of("blog"))).isNull();
	}

	@Test // SPEC §9: a name that belongs to an app of another source kind is -32003
	void refusesAnArchiveNamedLikeAGitAppWithAConflictAndWritesNothing() {
		AppSource git = new AppSource(AppSource.GIT, "https://example.org/blog.git", "always-latest", null, null);
		Instant then = Instant.parse("2026-01-01T00:00:00Z");
		given(this.apps.findAll()).willReturn(List.of(new InstalledApp("blog", git, null, Map.of(), then, then)));
		AppRegistry registry = registry();
		AppManifest manifest = manifest("blog", "2.0");
		Path archive = archive(manifest);
		given(this.reader.read(archive)).willReturn(new AppPackage(archive, manifest, null, "sha256:0", 2, 2));

		assertThatThrownBy(() -> installer(registry).prepare(InstallRequest.archive(archive, "blog.pyapp")))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT);
				assertThat(ex.getKind().code()).isEqualTo(-32003);
				assertThat(ex.getMessage())
					.isEqualTo("an app named 'blog' is already installed from a git source; this is an archive source");
			});
		assertThat(home().resolve("apps/blog")).doesNotExist();
		assertThat(registry.installing()).isEmpty();
	}

	@Test // an app whose first install was interrupted is installed again from any source
	void preparesAFirstInstallOverAnAppOfAnotherSourceKindWhoseFirstInstallWasInterrupted() {
		AppSource git = new AppSource(AppSource.GIT, "https://example.org/blog.git", "always-latest", null, null);
		Instant then = Instant.parse("2026-01-01T00:00:00Z");
		given(this.apps.findAll()).willReturn(List.of(new InstalledApp("blog", git, null, Map.of(), then, then)));
		given(this.apps.save(any())).willAnswer((call) -> call.getArgument(0));
		given(this.releases.save(any())).willAnswer((call) -> call.getArgument(0));
		AppLifecycles lifecycles = new AppLifecycles(mock(LifecycleRepository.class),
				mock(ApplicationEventPublisher.class));
		lifecycles.adopt(new AppLifecycle("blog", LifecycleState.FAILED, null, null, false, then));
		AppRegistry registry = new AppRegistry(this.apps, this.releases, lifecycles);
		AppManifest manifest = manifest("blog", "2.0");
		given(manifest.resources()).willReturn(mock(AppManifest.Resources.class));
		Path archive = archive(manifest);
		given(this.reader.read(archive)).willReturn(new AppPackage(archive, manifest, null, "sha256:0", 2, 2));

		PreparedRelease prepared = installer(registry).prepare(InstallRequest.archive(archive, "blog.pyapp"));

		assertThat(prepared.isUpgrade()).isFalse();
		assertThat(registry.get(AppId.of("blog")).source()).isEqualTo(AppSource.archive());
		prepared.progress().close();
	}

	@Test // SPEC §6: remove --keep-data keeps data/ and config/ only
	void removingWithKeptDataLeavesOnlyTheDataAndTheConfiguration() throws Exception {
		AppPaths paths = new PyappHome(home()).app(AppId.of("blog"));
		Files.createDirectories(paths.data());
		Files.writeString(paths.data().resolve("blog.sqlite3"), "rows");
		Files.createDirectories(paths.config());
		Files.createDirectories(paths.releases().resolve("1.0-x"));
		Files.createDirectories(paths.run());
		Files.createDirectories(paths.web());
		Files.createSymbolicLink(paths.webSocket(), paths.run().resolve("gone.sock"));

		installer(registry()).remove(AppId.of("blog"), true);

		try (var left = Files.list(paths.root())) {
			assertThat(left.map((entry) -> entry.getFileName().toString())).containsExactlyInAnyOrder("data", "config");
		}
		assertThat(paths.data().resolve("blog.sqlite3")).hasContent("rows");
	}

	@Test // a failed first install after remove --keep-data deleted the data it kept
	void aFirstInstallOverKeptDataThatFailsLeavesTheKeptDataAndConfiguration() throws Exception {
		given(this.apps.findById(any())).willReturn(Optional.empty());
		Path database = home().resolve("apps/blog/data/blog.sqlite3");
		Path settings = home().resolve("apps/blog/config/config.yaml");
		Files.createDirectories(database.getParent());
		Files.createDirectories(settings.getParent());
		Files.writeString(database, "rows");
		Files.writeString(settings, "title: kept");
		AppRegistry registry = registry();
		AppManifest manifest = manifest("blog", "2.0");
		given(manifest.resources()).willReturn(mock(AppManifest.Resources.class));
		Path archive = archive(manifest);
		AppPackage pkg = new AppPackage(archive, manifest, null, "sha256:0", 2, 2);
		given(this.reader.read(archive)).willReturn(pkg);
		willThrow(new IllegalStateException("disk full")).given(this.reader).extract(eq(pkg), any());

		assertThatThrownBy(() -> installer(registry).prepare(InstallRequest.archive(archive, "blog.pyapp")))
			.hasMessage("disk full");

		assertThat(database).hasContent("rows");
		assertThat(settings).hasContent("title: kept");
		assertThat(home().resolve("apps/blog/releases")).doesNotExist();
	}

	@Test
	void aFirstInstallOverKeptDataIsGivenUpWithoutItsKeptData() throws Exception {
		given(this.apps.findById(any())).willReturn(Optional.empty());
		Path database = home().resolve("apps/blog/data/blog.sqlite3");
		Files.createDirectories(database.getParent());
		Files.writeString(database, "rows");
		AppRegistry registry = registry();
		AppManifest manifest = manifest("blog", "2.0");
		given(manifest.resources()).willReturn(mock(AppManifest.Resources.class));
		Path archive = archive(manifest);
		given(this.reader.read(archive)).willReturn(new AppPackage(archive, manifest, null, "sha256:0", 2, 2));
		given(this.apps.save(any())).willAnswer((call) -> call.getArgument(0));
		given(this.releases.save(any())).willAnswer((call) -> call.getArgument(0));
		AppInstaller installer = installer(registry);

		PreparedRelease prepared = installer.prepare(InstallRequest.archive(archive, "blog.pyapp"));
		prepared.progress().close();
		given(this.apps.findById("blog")).willReturn(Optional
			.of(new InstalledApp("blog", AppSource.archive(), null, Map.of(), Instant.EPOCH, Instant.EPOCH)));

		assertThat(prepared.overKeptData()).isTrue();
		assertThat(installer.abandon(prepared, "unhealthy")).isTrue();
		// what the install printed stays readable (LogCollector keeps it)
		verify(this.events).publishEvent(new AppRemoved(AppId.of("blog"), true, true));
		assertThat(database).hasContent("rows");
		assertThat(home().resolve("apps/blog/releases")).doesNotExist();
	}

	@Test // crash-sweep: a second install of a new name, refused, deleted the first's
			// files
	void aReleaseRefusedForAFirstInstallUnderWayLeavesThatInstallAlone() throws Exception {
		given(this.apps.findById(any())).willReturn(Optional.empty());
		AppRegistry registry = registry();
		AppManifest manifest = manifest("blog", "1.0");
		given(manifest.resources()).willReturn(mock(AppManifest.Resources.class));
		Path archive = archive(manifest);
		given(this.reader.read(archive)).willReturn(new AppPackage(archive, manifest, null, "sha256:0", 2, 2));
		given(this.apps.save(any())).willAnswer((call) -> call.getArgument(0));
		given(this.releases.save(any())).willAnswer((call) -> call.getArgument(0));
		AppInstaller installer = installer(registry);
		PreparedRelease first = installer.prepare(InstallRequest.archive(archive, "blog.pyapp"));
		first.progress().close();
		// its venv being built
		Files.createDirectories(first.directory().resolve("venv"));
		given(this.apps.findById("blog")).willReturn(Optional
			.of(new InstalledApp("blog", AppSource.archive(), null, Map.of(), Instant.EPOCH, Instant.EPOCH)));
		Path second = archive(manifest);
		given(this.reader.read(second)).willReturn(new AppPackage(second, manifest, null, "sha256:0", 2, 2));
		PreparedRelease refused = installer.prepare(InstallRequest.archive(second, "blog.pyapp"));
		refused.progress().close();

		installer.refused(refused, "app 'blog' is being deployed already; try again when it is done");

		assertThat(refused.directory()).doesNotExist();
		// the first install goes on: its release, its app
		assertThat(first.directory().resolve("venv")).isDirectory();
		assertThat(refused.directory()).isNotEqualTo(first.directory());
		verify(this.events, never()).publishEvent(any(AppRemoved.class));
	}

	/** A registry over {@link #apps}, with no releases and a fresh lifecycle store. */
	private AppRegistry registry() {
		return new AppRegistry(this.apps, this.releases,
				new AppLifecycles(mock(LifecycleRepository.class), mock(ApplicationEventPublisher.class)));
	}

	/** An installer with {@link #reader}, keeping 5 releases under {@link #home()}. */
	private AppInstaller installer(AppRegistry registry) {
		return new AppInstaller(new PyappHome(home()), this.reader, registry, this.events, new ReleaseProperties(5));
	}

	private Path home() {
		return this.dir.resolve("home");
	}

	/**
	 * {@code <app>.pyapp}, whose manifest {@link #reader} peeks; reading it is up to the
	 * test.
	 */
	private Path archive(AppManifest manifest) {
		Path archive = this.dir.resolve(manifest.name() + ".pyapp");
		given(this.reader.peek(archive)).willReturn(Optional.of(manifest));
		return archive;
	}

	private static AppManifest manifest(String name, String version) {
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.name()).willReturn(name);
		given(manifest.version()).willReturn(version);
		return manifest;
	}

}
