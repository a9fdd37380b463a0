package dev.pyapp.server.deploy.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.deploy.DeployProgressed;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppLifecycle;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InMemoryLifecycles;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.LifecycleChanged;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * What a crash of the server's last run left half-deployed is settled at the start, and
 * the marker files of older servers become the apps' lifecycles.
 */
class InterruptedDeploysTests {

	private static final AppId APP = AppId.of("blog");

	private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

	@TempDir
	Path dir;

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppInstaller installer = mock(AppInstaller.class);

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	private final dev.pyapp.server.isolation.AppIsolation isolation = mock(
			dev.pyapp.server.isolation.AppIsolation.class);

	private final AppLifecycles lifecycles = new InMemoryLifecycles(this.events).restarted();

	@Test // GH-15
	void marksAnInterruptedUpgradeFailedAndDeletesItsFilesButKeepsTheLiveRelease() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Path interrupted = Files.createDirectories(home.app(APP).release("2.0-x"));
		given(this.registry.releases(APP))
			.willReturn(List.of(release("2.0-x", ReleaseState.PREPARED), release("1.0-x", ReleaseState.LIVE)));
		this.lifecycles.adopt(InterruptedDeploys.adopted(APP, null, false));
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.upgrading("2.0-x"));

		deploys(home).clean(APP, app("1.0-x"));

		verify(this.installer).failed(APP, "2.0-x", InterruptedDeploys.REASON);
		verify(this.installer, never()).failed(APP, "1.0-x", InterruptedDeploys.REASON);
		verify(this.installer, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
		assertThat(interrupted).doesNotExist();
		verify(this.events)
			.publishEvent(new DeployProgressed(APP, "2.0-x", "start", "ERROR", "release " + InterruptedDeploys.REASON));
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
	}

	@Test
	void keepsAnUpgradeThatWaitsForItsConfiguration() {
		given(this.registry.releases(APP)).willReturn(List.of(release("2.0-x", ReleaseState.PREPARED)));
		this.lifecycles.adopt(InterruptedDeploys.adopted(APP, "2.0-x", false));

		deploys(new PyappHome(this.dir)).clean(APP, app("1.0-x"));

		verify(this.installer, never()).failed(any(), any(), any());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.UPGRADE_AWAITING_CONFIGURATION);
	}

	@Test
	void keepsAnAppWhoseFirstInstallWasInterruptedAsFailedAndDeletesOnlyItsReleaseFiles() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Path release = Files.createDirectories(home.app(APP).release("1.0-x").resolve("venv"));
		Path data = Files.createDirectories(home.app(APP).data());
		given(this.registry.releases(APP)).willReturn(List.of(release("1.0-x", ReleaseState.PREPARED)));
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-x"));

		deploys(home).clean(APP, app(null));

		verify(this.installer).failed(APP, "1.0-x", InterruptedDeploys.REASON);
		assertThat(InterruptedDeploys.REASON).startsWith("interrupted: ");
		assertThat(release.getParent()).doesNotExist();
		assertThat(data).isDirectory();
		verify(this.installer, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
		// what still runs of it is killed; its user stays with the record
		verify(this.isolation).remove(APP, true);
		verify(this.isolation, never()).remove(APP, false);
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.FAILED);
		verify(this.events)
			.publishEvent(new LifecycleChanged(APP, LifecycleState.INSTALLING, LifecycleState.FAILED, "1.0-x"));
	}

	@Test // SPEC §10: apps.get shows it failed from the first answer after a restart
	void anInterruptedFirstInstallIsFailedBeforeTheWebServerStartsAndItsFilesGoOnceTheServerIsUp() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Path release = interruptedFirstInstall(home);
		InterruptedDeploys deploys = deploys(home);

		deploys.start();

		assertThat(deploys.getPhase()).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.FAILED);
		verify(this.installer).failed(APP, "1.0-x", InterruptedDeploys.REASON);
		assertThat(release).isDirectory();
		verify(this.isolation, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());

		deploys.onReady();

		assertThat(release.getParent()).doesNotExist();
		verify(this.isolation).remove(APP, true);
		verify(this.events)
			.publishEvent(new DeployProgressed(APP, "1.0-x", "start", "ERROR", "release " + InterruptedDeploys.REASON));
		// settled once: the ready part does not mark it again
		verify(this.installer).failed(APP, "1.0-x", InterruptedDeploys.REASON);
	}

	@Test
	void aNewInstallThatBeganBeforeTheServerWasUpKeepsItsProcesses() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Path release = interruptedFirstInstall(home);
		InterruptedDeploys deploys = deploys(home);
		deploys.start();
		// a drop-folder or API install of it, between the web server's start and ready
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-y"));

		deploys.onReady();

		assertThat(release.getParent()).doesNotExist();
		verify(this.isolation, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.INSTALLING);
	}

	@Test
	void anAppWhoseFirstInstallWasInterruptedStaysFailedAtTheNextStarts() {
		given(this.registry.releases(APP)).willReturn(List.of(release("1.0-x", ReleaseState.FAILED)));
		this.lifecycles.adopt(new AppLifecycle(APP.value(), LifecycleState.FAILED, null, null, false, NOW));

		deploys(new PyappHome(this.dir)).clean(APP, app(null));

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.FAILED);
		verify(this.installer, never()).failed(any(), any(), any());
		verify(this.installer, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
		verify(this.isolation, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
	}

	@Test
	void anOlderServersInterruptedFirstInstallIsFailedToo() {
		given(this.registry.list()).willReturn(List.of(app(null)));
		given(this.registry.find(APP)).willReturn(Optional.of(app(null)));
		given(this.registry.releases(APP)).willReturn(List.of(release("1.0-x", ReleaseState.PREPARED)));

		deploys(new PyappHome(this.dir)).onReady();

		verify(this.installer).failed(APP, "1.0-x", InterruptedDeploys.REASON);
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.FAILED);
		verify(this.installer, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
	}

	@Test
	void aFirstReleaseInterruptedInItsPostInstallHookWaitsForItsSettingsAgain() {
		this.lifecycles.adopt(InterruptedDeploys.adopted(APP, null, true));
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.continuingInstall("1.0-x"));

		deploys(new PyappHome(this.dir)).clean(APP, app("1.0-x"));

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);
		verify(this.installer, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
	}

	@Test
	void anInterruptedRollbackLeavesTheAppDeployed() {
		given(this.registry.releases(APP))
			.willReturn(List.of(release("1.0-x", ReleaseState.RETIRED), release("2.0-x", ReleaseState.LIVE)));
		this.lifecycles.adopt(InterruptedDeploys.adopted(APP, null, false));
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.rollingBack("1.0-x"));

		deploys(new PyappHome(this.dir)).clean(APP, app("2.0-x"));

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		verify(this.installer, never()).failed(any(), any(), any());
		// crash-sweep: said under the app, not only in the server's log
		verify(this.events).publishEvent(new DeployProgressed(APP, "1.0-x", "start", "WARNING",
				"rollback to 1.0-x " + InterruptedDeploys.REASON + "; 2.0-x stays live"));
	}

	@Test
	void movesTheMarkerFilesOfAnOlderServerIntoTheLifecycleOnceAndDeletesThem() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Path config = Files.createDirectories(home.app(APP).config());
		Files.writeString(config.resolve(LegacyMarkers.POST_INSTALL_PENDING), "1.0-x");
		Files.writeString(config.resolve(LegacyMarkers.UPGRADE_PENDING), "2.0-x\n");
		given(this.registry.list()).willReturn(List.of(app("1.0-x")));
		given(this.registry.find(APP)).willReturn(Optional.of(app("1.0-x")));
		given(this.registry.releases(APP))
			.willReturn(List.of(release("2.0-x", ReleaseState.PREPARED), release("1.0-x", ReleaseState.LIVE)));

		deploys(home).onReady();

		AppLifecycle lifecycle = this.lifecycles.get(APP);
		assertThat(lifecycle.state()).isEqualTo(LifecycleState.UPGRADE_AWAITING_CONFIGURATION);
		assertThat(lifecycle.waiting()).isEqualTo("2.0-x");
		assertThat(lifecycle.postInstallPending()).isTrue();
		assertThat(config.resolve(LegacyMarkers.POST_INSTALL_PENDING)).doesNotExist();
		assertThat(config.resolve(LegacyMarkers.UPGRADE_PENDING)).doesNotExist();
		verify(this.installer, never()).failed(any(), any(), any());
	}

	@Test
	void adoptsAnAppOfAnOlderServerWithoutMarkersAsDeployed() {
		given(this.registry.list()).willReturn(List.of(app("1.0-x")));
		given(this.registry.find(APP)).willReturn(Optional.of(app("1.0-x")));

		deploys(new PyappHome(this.dir)).onReady();

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
	}

	/**
	 * The only app, stored, its first install of 1.0-x interrupted by a stop of the
	 * server.
	 * @return the release's {@code venv/}
	 */
	private Path interruptedFirstInstall(PyappHome home) throws Exception {
		Path venv = Files.createDirectories(home.app(APP).release("1.0-x").resolve("venv"));
		given(this.registry.list()).willReturn(List.of(app(null)));
		given(this.registry.find(APP)).willReturn(Optional.of(app(null)));
		given(this.registry.releases(APP)).willReturn(List.of(release("1.0-x", ReleaseState.PREPARED)));
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-x"));
		return venv;
	}

	private InterruptedDeploys deploys(PyappHome home) {
		return new InterruptedDeploys(this.registry, this.installer, this.lifecycles, home, this.events,
				this.isolation);
	}

	private static InstalledApp app(String current) {
		return new InstalledApp(APP.value(), AppSource.archive(), current, Map.of(), NOW, NOW);
	}

	private static Release release(String id, ReleaseState state) {
		return new Release(Release.id(APP.value(), id), APP.value(), id, id.substring(0, 3), "blog.pyapp", "sha", null,
				NOW, state, null);
	}

}
