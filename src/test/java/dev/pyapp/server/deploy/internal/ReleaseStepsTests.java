package dev.pyapp.server.deploy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.pyapp.server.appconfig.ConfigMigration;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.HookRunner;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.DeployProgress;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppManifest.Scope;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The words of {@link ReleaseSteps}' steps, and the steps left out of the progress when
 * they do not apply.
 */
class ReleaseStepsTests {

	private static final AppId APP = AppId.of("dash");

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppSupervisor supervisor = mock(AppSupervisor.class);

	private final DeployReporter report = mock(DeployReporter.class);

	private final AppContexts contexts = mock(AppContexts.class);

	private final ConfigurationGate configuration = mock(ConfigurationGate.class);

	private final AppIsolation isolation = mock(AppIsolation.class);

	private final AppInstaller installer = mock(AppInstaller.class);

	private final ReleaseSteps steps = new ReleaseSteps(this.installer, this.registry, mock(VenvBuilder.class),
			mock(HookRunner.class), this.supervisor, this.contexts, this.configuration, mock(AppServers.class),
			this.isolation);

	@Test // trial-dash: a first install said "starting 0.1.0-... beside the live release"
			// with none live
	void aFirstInstallStartsItsReleaseWithoutNamingALiveOne() {
		live(null);
		this.steps.goLive(APP, "0.1.0-a", this.report, false);
		verify(this.report).step(eq("start"), eq("starting 0.1.0-a"), any(Supplier.class));
		// nothing was replaced: no "stopping the old daemon" line
		verify(this.report, never()).step(eq("stop-old"), anyString(), any(Runnable.class));
		verify(this.supervisor).retire(APP);
	}

	@Test
	void anUpgradeStartsItsReleaseBesideTheLiveOne() {
		live("0.1.0-a");
		given(this.supervisor.wanted(APP)).willReturn(true);
		this.steps.goLive(APP, "0.2.0-b", this.report, false);
		verify(this.report).step(eq("start"), eq("starting 0.2.0-b beside the live release"), any(Supplier.class));
		verify(this.report).step(eq("stop-old"), eq("stopping the old daemon once drained"), any(Runnable.class));
	}

	@Test // crash-sweep: apps.stop during an upgrade's health check ended running
	void anAppStoppedWhileItsCandidateStartsIsSwitchedAndStaysStopped() {
		live("0.1.0-a");
		willAnswer((invocation) -> {
			((Runnable) invocation.getArgument(2)).run();
			return null;
		}).given(this.report).step(anyString(), anyString(), any(Runnable.class));
		// running when the upgrade began; apps.stop comes while the candidate's health is
		// checked
		given(this.supervisor.wanted(APP)).willReturn(true, false);

		this.steps.goLive(APP, "0.2.0-b", this.report, false);

		verify(this.supervisor, never()).promote(APP, "0.2.0-b");
		verify(this.supervisor).discard(APP, "0.2.0-b");
		verify(this.installer).activate(APP, "0.2.0-b");
		verify(this.report).step(eq("switch"),
				eq("switching to 0.2.0-b (the app was stopped meanwhile: it stays stopped)"), any(Supplier.class));
		verify(this.supervisor, never()).retire(APP);
	}

	@Test // trial: "config: migrating the configuration" for an app without a spec
	void saysSoWhenTheReleaseHasNoConfigSpec() {
		Path release = Path.of("/srv/pyapp/apps/dash/releases/0.1.0-a");
		migrated();
		this.steps.configure(APP, release, this.report);
		verify(this.report).step(eq("config"), eq("no config spec"), any(Supplier.class));
	}

	@Test
	void migratesTheConfigurationOfAReleaseWithASpec() {
		Path release = Path.of("/srv/pyapp/apps/dash/releases/0.1.0-a");
		given(this.configuration.hasSpec(release)).willReturn(true);
		migrated();
		this.steps.configure(APP, release, this.report);
		verify(this.report).step(eq("config"), eq("migrating the configuration"), any(Supplier.class));
	}

	@Test // trial: "static: checking the generated static files" for an app without any
	void reportsNoStaticStepWithoutGeneratedStaticFiles() {
		Path release = Path.of("/srv/pyapp/apps/dash/releases/0.1.0-a");
		manifest(new AppManifest.StaticEntry("/static", "static", false, List.of()));
		this.steps.statics(APP, "0.1.0-a", release, this.report);
		verify(this.report, never()).step(anyString(), anyString(), any(Runnable.class));
		// the release is given back read-only all the same
		verify(this.isolation).seal(APP, release);
	}

	@Test
	void checksGeneratedStaticFilesInAStepOfTheirOwn() {
		Path release = Path.of("/srv/pyapp/apps/dash/releases/0.1.0-a");
		manifest(new AppManifest.StaticEntry("/static", "static", true, List.of()));
		this.steps.statics(APP, "0.1.0-a", release, this.report);
		verify(this.report).step(eq("static"), eq("checking the generated static files"), any(Runnable.class));
	}

	@Test // trial: a FastAPI project's requirements.txt, which nothing installs
	void warnsOfARequirementsFileNamingWhatMetadataDoesNotDeclare(@TempDir Path release) throws IOException {
		Files.writeString(release.resolve("requirements.txt"), "fastapi\nuvicorn\n");
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.dependencies()).willReturn(List.of(new AppManifest.Dependency("uvicorn", Scope.LOCAL)));
		AppPackage pkg = mock(AppPackage.class);
		given(pkg.manifest()).willReturn(manifest);
		this.steps.environment(
				new PreparedRelease(APP, mock(Release.class), release, pkg, null, mock(DeployProgress.class), false),
				this.report);
		verify(this.report).warn("requirements.txt is not read (an app's dependencies are what metadata.yaml "
				+ "declares): declare fastapi under dependencies: in metadata.yaml");
	}

	@SuppressWarnings("unchecked")
	private void migrated() {
		given(this.report.step(eq("config"), anyString(), any(Supplier.class)))
			.willReturn(new ConfigMigration(Map.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
	}

	private void manifest(AppManifest.StaticEntry... statics) {
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.statics()).willReturn(List.of(statics));
		given(this.contexts.manifest(APP, "0.1.0-a")).willReturn(manifest);
	}

	@SuppressWarnings("unchecked")
	private void live(String release) {
		InstalledApp installed = mock(InstalledApp.class);
		given(installed.currentRelease()).willReturn(release);
		given(this.registry.get(APP)).willReturn(installed);
		given(this.supervisor.startCandidate(eq(APP), anyString()))
			.willReturn(new AppServers.Choice(mock(AppServer.class), "auto"));
		willAnswer((invocation) -> ((Supplier<Object>) invocation.getArgument(2)).get()).given(this.report)
			.step(anyString(), anyString(), any(Supplier.class));
	}

}
