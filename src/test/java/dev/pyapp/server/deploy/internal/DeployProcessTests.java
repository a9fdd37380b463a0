package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.appconfig.ConfigMigration;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InMemoryLifecycles;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.runtime.AppSupervisor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.InOrder;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The deploy's process manager drives an app's lifecycle step by step, settles it when a
 * step fails, and a crash at any step (simulated by an {@link Error} nothing catches, the
 * server then started again over what was stored) ends in a defined state. No gunicorn:
 * the steps and the supervisor are stubs.
 */
class DeployProcessTests {

	private static final AppId APP = AppId.of("blog");

	private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

	@TempDir
	Path dir;

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	private final InMemoryLifecycles stored = new InMemoryLifecycles(this.events);

	private final AppLifecycles lifecycles = this.stored.restarted();

	private final AppInstaller installer = mock(AppInstaller.class);

	private final AppRegistry registry = mock(AppRegistry.class);

	private final List<InstalledApp> updates = new java.util.ArrayList<>();

	private final ReleaseSteps steps = mock(ReleaseSteps.class);

	private final ConfigurationGate configuration = mock(ConfigurationGate.class);

	private final AppSupervisor supervisor = mock(AppSupervisor.class);

	private @Nullable String live;

	private boolean configured = true;

	private Map<String, String> env = Map.of();

	private PyappHome home;

	private DeployProcess process;

	@BeforeEach
	void setUp() {
		this.home = new PyappHome(this.dir);
		this.process = new DeployProcess(this.installer, this.registry, this.lifecycles, this.steps, this.configuration,
				this.supervisor, this.home, new KeptEnvironment(this.home, this.registry));
		given(this.registry.find(APP)).willAnswer((call) -> Optional.of(installed()));
		given(this.registry.get(APP)).willAnswer((call) -> installed());
		given(this.registry.update(eq(APP), any())).willAnswer((call) -> {
			java.util.function.UnaryOperator<InstalledApp> change = call.getArgument(1);
			InstalledApp changed = change.apply(installed());
			this.updates.add(changed);
			this.env = changed.env();
			return changed;
		});
		given(this.registry.currentRelease(APP))
			.willAnswer((call) -> Optional.ofNullable(this.live).map((id) -> release(id, ReleaseState.LIVE)));
		given(this.steps.configure(any(), any(), any())).willAnswer((call) -> migration());
		given(this.configuration.prepare(any(), any())).willAnswer((call) -> migration());
		given(this.configuration.complete(APP)).willAnswer((call) -> this.configured);
		willAnswer((call) -> this.live = call.getArgument(1)).given(this.steps)
			.goLive(eq(APP), any(), any(), anyBoolean());
		willAnswer((call) -> this.live = call.getArgument(1)).given(this.steps).switchUnstarted(eq(APP), any(), any());
	}

	@Test
	void aFirstInstallWithItsSettingsGoesLiveThroughEveryStep() {
		this.process.deploy(prepared("1.0-x", null), report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		verify(this.steps).environment(any(), any());
		verify(this.steps).hook(eq(APP), eq("1.0-x"), eq("post-install"), any());
		verify(this.steps).statics(eq(APP), eq("1.0-x"), any(), any());
		verify(this.steps).goLive(eq(APP), eq("1.0-x"), any(), eq(false));
		verify(this.installer).prune(APP);
	}

	@Test // env-ops: remove --keep-data keeps the operator's variables for a re-install
	void aFirstInstallGetsBackTheVariablesKeptByARemovalBeforeItsHooksRun() throws Exception {
		Path kept = this.home.app(APP).config().resolve(KeptEnvironment.FILE);
		java.nio.file.Files.createDirectories(kept.getParent());
		java.nio.file.Files.writeString(kept, "{\"DATABASE_URL\": \"postgresql://u:p@db/blog\"}");
		org.mockito.InOrder order = org.mockito.Mockito.inOrder(this.registry, this.steps);

		this.process.deploy(prepared("1.0-x", null), report());

		// through the registry's update, so a variable set meanwhile is not overwritten
		order.verify(this.registry).update(eq(APP), any());
		order.verify(this.steps).hook(eq(APP), eq("1.0-x"), eq("post-install"), any());
		verify(this.registry, never()).save(any(InstalledApp.class));
		assertThat(this.updates).singleElement()
			.satisfies((updated) -> assertThat(updated.env())
				.containsExactly(Map.entry("DATABASE_URL", "postgresql://u:p@db/blog")));
		assertThat(kept).doesNotExist();
	}

	@Test
	void anUpgradeLeavesTheVariablesAlone() throws Exception {
		this.live = "1.0-x";
		Path kept = this.home.app(APP).config().resolve(KeptEnvironment.FILE);
		java.nio.file.Files.createDirectories(kept.getParent());
		java.nio.file.Files.writeString(kept, "{\"A\": \"b\"}");

		this.process.deploy(prepared("1.1-y", "1.0-x"), report());

		verify(this.registry, never()).save(any(InstalledApp.class));
		verify(this.registry, never()).update(any(), any());
		assertThat(kept).exists();
	}

	@Test
	void aFirstInstallWithoutItsSettingsWaitsAndContinuesOnceTheyCome() {
		this.configured = false;
		this.process.deploy(prepared("1.0-x", null), report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);
		verify(this.steps, never()).hook(any(), any(), eq("post-install"), any());
		assertThat(this.process.continueAfterConfiguration(APP, (phase, release, operation) -> report()))
			.as("waits still")
			.isTrue();
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);

		this.configured = true;
		this.process.continueAfterConfiguration(APP, (phase, release, operation) -> report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.lifecycles.get(APP).postInstallPending()).isFalse();
		verify(this.steps).hook(eq(APP), eq("1.0-x"), eq("post-install"), any());
		verify(this.steps).start(eq(APP), eq("1.0-x"), any());
	}

	@Test
	void aFailingPostInstallHookOfAContinuedInstallWaitsAgain() {
		firstPostInstallFailed(false);

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);
	}

	@Test
	void anUpgradeWithoutItsSettingsWaitsWhileTheLiveReleaseStaysThenGoesLive() {
		deployed("1.0-x");
		this.configured = false;
		this.process.deploy(prepared("2.0-x", "1.0-x"), report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.UPGRADE_AWAITING_CONFIGURATION);
		assertThat(this.live).isEqualTo("1.0-x");

		this.configured = true;
		this.process.continueAfterConfiguration(APP, (phase, release, operation) -> report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.live).isEqualTo("2.0-x");
		verify(this.steps).hook(eq(APP), eq("2.0-x"), eq("pre-update"), any());
	}

	@Test // a Flask-Login trial: installed twice before its settings, the app ran without
			// its post-install hook and stayed needs-configuration until the
			// next config.set
	void anUpgradeOfAFirstInstallThatStillWaitsForItsSettingsGoesLiveAndRunsPostInstall() {
		this.configured = false;
		this.process.deploy(prepared("1.0-x", null), report());
		this.process.deploy(prepared("1.1-x", "1.0-x"), report());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.UPGRADE_AWAITING_CONFIGURATION);

		this.configured = true;
		this.process.continueAfterConfiguration(APP, (phase, release, operation) -> report());

		assertDeployedAfterPreUpdateAndPostInstall("1.1-x");
		verify(this.steps, never()).hook(eq(APP), eq("1.0-x"), eq("post-install"), any());
	}

	// the UI audit: the first post-install failed after config.set, the next upgrade
	// went live without it and the app ran in state needs-configuration
	@Test
	void anUpgradeOfAnAppWhosePostInstallFailedRunsItOnceLive() {
		firstPostInstallFailed(false);
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);

		this.process.deploy(prepared("1.1-x", "1.0-x"), report());

		assertDeployedAfterPreUpdateAndPostInstall("1.1-x");
	}

	@Test
	void aNewerUploadSupersedesAnUpgradeWaitingForItsSettings() {
		deployed("1.0-x");
		this.configured = false;
		this.process.deploy(prepared("2.0-x", "1.0-x"), report());
		this.configured = true;

		this.process.deploy(prepared("3.0-x", "1.0-x"), report());

		verify(this.configuration).cancel(APP);
		verify(this.installer).failed(APP, "2.0-x", "superseded by a newer release before it was configured");
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.live).isEqualTo("3.0-x");
	}

	@Test
	void aFailedUpgradeIsAbandonedAndTheAppStaysDeployed() {
		deployed("1.0-x");
		PreparedRelease prepared = prepared("2.0-x", "1.0-x");
		willThrow(PyappException.failed("unhealthy", null)).given(this.steps)
			.goLive(eq(APP), eq("2.0-x"), any(), anyBoolean());

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.deploy(prepared, report()));

		verify(this.supervisor).discard(APP, "2.0-x");
		verify(this.installer).abandon(prepared, "unhealthy");
		verify(this.steps, never()).forget(any(), anyBoolean());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.live).isEqualTo("1.0-x");
	}

	@Test // trial-dash: a first install crashing at import left its user pyapp-<name>
			// behind
	void aFailedFirstInstallIsForgottenWithItsUser() {
		PreparedRelease prepared = prepared("1.0-x", null);
		willThrow(PyappException.failed("unhealthy", null)).given(this.steps)
			.goLive(eq(APP), eq("1.0-x"), any(), anyBoolean());
		given(this.installer.abandon(prepared, "unhealthy")).willReturn(true);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.deploy(prepared, report()));

		verify(this.steps).forget(APP, false);
	}

	@Test // a failed first install after remove --keep-data deleted the kept data, env
			// and user
	void aFailedFirstInstallOverKeptDataKeepsItsVariablesAndItsUser() throws Exception {
		Path kept = this.home.app(APP).config().resolve(KeptEnvironment.FILE);
		java.nio.file.Files.createDirectories(kept.getParent());
		java.nio.file.Files.writeString(kept, "{\"API_KEY\": \"k1\"}");
		PreparedRelease prepared = prepared("1.0-x", null, true);
		willThrow(PyappException.failed("unhealthy", null)).given(this.steps)
			.goLive(eq(APP), eq("1.0-x"), any(), anyBoolean());
		given(this.installer.abandon(prepared, "unhealthy")).willReturn(true);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.deploy(prepared, report()));

		verify(this.steps).forget(APP, true);
		assertThat(java.nio.file.Files.readString(kept)).contains("\"API_KEY\"").contains("\"k1\"");
	}

	@Test
	void aReleaseThatWentLiveBeforeItFailedStays() {
		deployed("1.0-x");
		PreparedRelease prepared = prepared("2.0-x", "1.0-x");
		willThrow(PyappException.failed("disk full", null)).given(this.installer).prune(APP);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.deploy(prepared, report()));

		verify(this.installer, never()).abandon(any(), any());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
	}

	@Test
	void aRollbackSettlesWhetherItSucceedsOrFails() {
		deployed("2.0-x");
		this.process.rollback(APP, "1.0-x", report());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);

		willThrow(PyappException.failed("unhealthy", null)).given(this.steps)
			.goLive(eq(APP), eq("2.0-x"), any(), anyBoolean());
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.rollback(APP, "2.0-x", report()));
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
	}

	@Test // the deploy audit: a rollback of an app whose post-install failed started the
			// release without it, and the app ran in state needs-configuration
	void aRollbackOfAnAppWhosePostInstallFailedRunsItOnceLive() {
		postInstallFailedTwice();

		this.process.rollback(APP, "1.0-x", report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.lifecycles.get(APP).postInstallPending()).isFalse();
		assertThat(this.live).isEqualTo("1.0-x");
		InOrder order = inOrder(this.steps);
		order.verify(this.steps).goLive(eq(APP), eq("1.0-x"), any(), eq(false));
		order.verify(this.steps).hook(eq(APP), eq("1.0-x"), eq("post-install"), any());
	}

	@Test
	void aRollbackWhileANewerReleaseWaitsForItsSettingsRunsThePendingPostInstallOnce() {
		postInstallFailedTwice();
		this.configured = false;
		this.process.deploy(prepared("1.2-x", "1.1-x"), report());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.UPGRADE_AWAITING_CONFIGURATION);

		this.process.rollback(APP, "1.0-x", report());

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.UPGRADE_AWAITING_CONFIGURATION);
		assertThat(this.lifecycles.get(APP).waiting()).isEqualTo("1.2-x");
		assertThat(this.lifecycles.get(APP).postInstallPending()).isFalse();
		verify(this.steps).hook(eq(APP), eq("1.0-x"), eq("post-install"), any());
		this.configured = true;
		this.process.continueAfterConfiguration(APP, (phase, release, operation) -> report());
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.live).isEqualTo("1.2-x");
		verify(this.steps, never()).hook(eq(APP), eq("1.2-x"), eq("post-install"), any());
	}

	@Test
	void refusesToRollBackAnAppThatHasNotRunPostInstallToAReleaseLackingSettings() {
		postInstallFailedTwice();
		given(this.configuration.missing(APP, this.home.app(APP).release("1.0-x"))).willReturn(List.of("site.title"));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.rollback(APP, "1.0-x", report()))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(dev.pyapp.server.core.ErrorKind.CONFLICT))
			.withMessage("app 'blog' has not run its post-install hook yet and release '1.0-x' lacks values for "
					+ "its required settings (site.title): it cannot be rolled back to before they have values");

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);
		assertThat(this.live).isEqualTo("1.1-x");
		verify(this.steps, never()).goLive(eq(APP), eq("1.0-x"), any(), anyBoolean());
	}

	@Test
	void aRollbackWhosePendingPostInstallFailsKeepsTheReleaseLiveAndWaitsAgain() {
		postInstallFailedTwice();

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.process.rollback(APP, "1.0-x", failingPostInstall()));

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);
		assertThat(this.lifecycles.get(APP).postInstallPending()).isTrue();
		assertThat(this.live).isEqualTo("1.0-x");
	}

	/**
	 * The first release's post-install failed after its settings came; an upgrade went
	 * live and its post-install failed too: 1.1-x is live, 1.0-x kept, post-install
	 * pending. Hooks succeed afterwards; the steps so far are forgotten.
	 */
	private void postInstallFailedTwice() {
		firstPostInstallFailed(true);
		assertThatThrownBy(() -> this.process.deploy(prepared("1.1-x", "1.0-x"), report()))
			.isInstanceOf(PyappException.class);
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.AWAITING_CONFIGURATION);
		assertThat(this.live).isEqualTo("1.1-x");
		willAnswer((call) -> null).given(this.steps).hook(eq(APP), any(), eq("post-install"), any());
		clearInvocations(this.steps);
	}

	/**
	 * A first install (1.0-x) waited for its settings; once they came, its post-install
	 * failed (and fails from then on: in 1.0-x, or in every release).
	 */
	private void firstPostInstallFailed(boolean everyRelease) {
		this.configured = false;
		this.process.deploy(prepared("1.0-x", null), report());
		this.configured = true;
		willThrow(PyappException.failed("hook failed", null)).given(this.steps)
			.hook(eq(APP), everyRelease ? any() : eq("1.0-x"), eq("post-install"), any());
		assertThatThrownBy(() -> this.process.continueAfterConfiguration(APP, (p, r, o) -> report()))
			.isInstanceOf(PyappException.class);
	}

	/**
	 * The release is live and the app deployed, its pre-update hook run before its
	 * post-install, which is no longer pending.
	 */
	private void assertDeployedAfterPreUpdateAndPostInstall(String release) {
		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.lifecycles.get(APP).postInstallPending()).isFalse();
		assertThat(this.live).isEqualTo(release);
		InOrder order = inOrder(this.steps);
		order.verify(this.steps).hook(eq(APP), eq(release), eq("pre-update"), any());
		order.verify(this.steps).hook(eq(APP), eq(release), eq("post-install"), any());
	}

	private DeployReporter failingPostInstall() {
		DeployReporter report = report();
		willThrow(PyappException.failed("hook failed", null)).given(this.steps)
			.hook(eq(APP), any(), eq("post-install"), eq(report));
		return report;
	}

	@Test
	void refusesToRollBackWhileADeployIsUnsettled() {
		deployed("1.0-x");
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.upgrading("2.0-x"));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.process.rollback(APP, "0.9-x", report()))
			.withMessage("app 'blog' is upgrading; it cannot go to upgrading from there");
	}

	@ParameterizedTest(name = "a first install crashed at {0}")
	@ValueSource(strings = { "environment", "config", "post-install", "static", "go-live", "prune" })
	void aFirstInstallCrashedAtAnyStepIsFailedAtTheNextStartOrStaysLive(String step) {
		crashAt(step);
		assertThatThrownBy(() -> this.process.deploy(prepared("1.0-x", null), report())).isInstanceOf(Crash.class);
		// pruning old releases comes after the deploy settled
		assertThat(this.lifecycles.get(APP).state())
			.isEqualTo(step.equals("prune") ? LifecycleState.DEPLOYED : LifecycleState.INSTALLING);

		AppLifecycles restarted = restart();

		if (this.live == null) {
			verify(this.installer).failed(APP, "1.0-x", InterruptedDeploys.REASON);
			// the record stays until it is removed or installed again
			verify(this.installer, never()).remove(any(), anyBoolean());
			assertThat(restarted.get(APP).state()).isEqualTo(LifecycleState.FAILED);
		}
		else {
			assertThat(restarted.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		}
	}

	@Test
	void anAppWhoseFirstInstallWasInterruptedIsInstalledAgainAsAFirstInstall() {
		crashAt("post-install");
		assertThatThrownBy(() -> this.process.deploy(prepared("1.0-x", null), report())).isInstanceOf(Crash.class);
		AppLifecycles restarted = restart();
		assertThat(restarted.get(APP).state()).isEqualTo(LifecycleState.FAILED);
		willAnswer((call) -> null).given(this.steps).hook(eq(APP), any(), eq("post-install"), any());
		DeployProcess again = new DeployProcess(this.installer, this.registry, restarted, this.steps,
				this.configuration, this.supervisor, this.home, new KeptEnvironment(this.home, this.registry));

		again.deploy(prepared("1.1-x", null), report());

		assertThat(restarted.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		assertThat(this.live).isEqualTo("1.1-x");
		verify(this.steps).hook(eq(APP), eq("1.1-x"), eq("post-install"), any());
	}

	@ParameterizedTest(name = "an upgrade crashed at {0}")
	@ValueSource(strings = { "environment", "config", "pre-update", "static", "go-live", "prune" })
	void anUpgradeCrashedAtAnyStepSettlesDeployedAtTheNextStart(String step) {
		deployed("1.0-x");
		crashAt(step);
		assertThatThrownBy(() -> this.process.deploy(prepared("2.0-x", "1.0-x"), report())).isInstanceOf(Crash.class);
		assertThat(this.lifecycles.get(APP).state())
			.isEqualTo(step.equals("prune") ? LifecycleState.DEPLOYED : LifecycleState.UPGRADING);

		AppLifecycles restarted = restart();

		assertThat(restarted.get(APP).state()).isEqualTo(LifecycleState.DEPLOYED);
		if ("1.0-x".equals(this.live)) {
			verify(this.installer).failed(APP, "2.0-x", InterruptedDeploys.REASON);
		}
		verify(this.installer, never()).remove(any(), anyBoolean());
	}

	@ParameterizedTest(name = "a continued install crashed at {0}")
	@ValueSource(strings = { "post-install", "static", "start" })
	void aContinuedInstallCrashedAtAnyStepIsDefinedAtTheNextStart(String step) {
		this.configured = false;
		this.process.deploy(prepared("1.0-x", null), report());
		this.configured = true;
		crashAt(step);
		assertThatThrownBy(() -> this.process.continueAfterConfiguration(APP, (p, r, o) -> report()))
			.isInstanceOf(Crash.class);

		AppLifecycles restarted = restart();

		// before its hook ran it waits for a new config.set; after, it is deployed
		assertThat(restarted.get(APP).state())
			.isEqualTo(step.equals("start") ? LifecycleState.DEPLOYED : LifecycleState.AWAITING_CONFIGURATION);
		verify(this.installer, never()).remove(any(), anyBoolean());
	}

	private void crashAt(String step) {
		switch (step) {
			case "environment" -> willThrow(new Crash()).given(this.steps).environment(any(), any());
			case "config" -> willThrow(new Crash()).given(this.steps).configure(any(), any(), any());
			case "post-install", "pre-update" ->
				willThrow(new Crash()).given(this.steps).hook(eq(APP), any(), eq(step), any());
			case "static" -> willThrow(new Crash()).given(this.steps).statics(eq(APP), any(), any(), any());
			case "go-live" -> willAnswer((call) -> {
				// switched, then the server stopped during post-update
				this.live = call.getArgument(1);
				throw new Crash();
			}).given(this.steps).goLive(eq(APP), any(), any(), anyBoolean());
			case "start" -> willThrow(new Crash()).given(this.steps).start(eq(APP), any(), any());
			case "prune" -> willThrow(new Crash()).given(this.installer).prune(APP);
			default -> throw new IllegalArgumentException(step);
		}
	}

	/** The server starts again over what was stored. */
	private AppLifecycles restart() {
		AppLifecycles restarted = this.stored.restarted();
		given(this.registry.releases(APP)).willReturn(List.of(release("2.0-x", ReleaseState.PREPARED),
				release("1.0-x", "1.0-x".equals(this.live) ? ReleaseState.LIVE : ReleaseState.PREPARED)));
		new InterruptedDeploys(this.registry, this.installer, restarted, this.home, this.events,
				mock(dev.pyapp.server.isolation.AppIsolation.class))
			.clean(APP, installed());
		return restarted;
	}

	private void deployed(String releaseId) {
		this.live = releaseId;
		this.lifecycles.adopt(InterruptedDeploys.adopted(APP, null, false));
	}

	private PreparedRelease prepared(String releaseId, @Nullable String previous) {
		return prepared(releaseId, previous, false);
	}

	private PreparedRelease prepared(String releaseId, @Nullable String previous, boolean overKeptData) {
		return new PreparedRelease(APP, release(releaseId, ReleaseState.PREPARED),
				this.home.app(APP).release(releaseId), mock(AppPackage.class),
				(previous != null) ? release(previous, ReleaseState.LIVE) : null,
				this.lifecycles.open(APP, (previous != null) ? "upgrading" : "installing"), overKeptData);
	}

	private DeployReporter report() {
		return new DeployReporter(this.lifecycles.open(APP, "installing"), this.events, null, "install");
	}

	private InstalledApp installed() {
		return new InstalledApp(APP.value(), AppSource.archive(), this.live, this.env, NOW, NOW);
	}

	private ConfigMigration migration() {
		return new ConfigMigration(Map.of(), List.of(), List.of(), List.of(),
				this.configured ? List.of() : List.of("site.title"), List.of());
	}

	private static Release release(String id, ReleaseState state) {
		return new Release(Release.id(APP.value(), id), APP.value(), id, id.substring(0, 3), "blog.pyapp", "sha", null,
				NOW, state, null);
	}

	/** The server stopping in the middle of a step: nothing catches it. */
	private static final class Crash extends Error {

	}

}
