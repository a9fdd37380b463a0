package dev.pyapp.server.rpc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import dev.pyapp.server.appconfig.ConfigStatus;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.AppLifecycle;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.deploy.AvailableUpdate;
import dev.pyapp.server.deploy.GitFollowing;
import dev.pyapp.server.deploy.GitDeployer;
import dev.pyapp.server.deploy.GitUpdate;
import dev.pyapp.server.deploy.RollbackResult;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.hooks.TaskStatus;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.isolation.IsolationStatus;
import dev.pyapp.server.isolation.LimitStatus;
import dev.pyapp.server.logs.AppErrors;
import dev.pyapp.server.logs.DeployDiagnosis;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppScale;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.HealthMonitor;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.scm.GitRevision;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.internal.AppParams;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The JSON of every {@code apps.*} result and of {@code apps.update} (SPEC §6, §9, §10),
 * for apps in every situation: compared character by character, with the mapper the
 * dispatcher uses, to {@code rpc/apps-rpc-results.json}, which was written from the
 * hand-built maps before they became records (run with {@code -Dapps.rpc.golden=<file>}
 * to write it again).
 */
class AppsRpcTests {

	private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

	private static final Pattern UPTIME = Pattern.compile("\"uptime\":[0-9]+");

	private static final Map<String, String> answers = new LinkedHashMap<>();

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppDeployer deployer = mock(AppDeployer.class);

	private final ArchiveStore archives = mock(ArchiveStore.class);

	private final AppSupervisor supervisor = mock(AppSupervisor.class);

	private final AppContexts contexts = mock(AppContexts.class);

	private final ScheduledTasks tasks = mock(ScheduledTasks.class);

	private final MountManager mounts = mock(MountManager.class);

	private final GitDeployer git = mock(GitDeployer.class);

	private final ConfigStates configStates = mock(ConfigStates.class);

	private final AppIsolation isolation = mock(AppIsolation.class);

	private final HealthMonitor health = mock(HealthMonitor.class);

	private final AppErrors errors = mock(AppErrors.class);

	private final DeployDiagnosis diagnosis = mock(DeployDiagnosis.class);

	private final DeployWatch watch = mock(DeployWatch.class);

	private final AppsRpc rpc = new AppsRpc(this.registry, this.deployer, this.archives, this.supervisor, this.contexts,
			this.tasks, this.mounts, this.git, this.configStates, this.isolation,
			new AppOverview(this.registry, this.supervisor, this.health, this.errors, this.diagnosis), this.watch,
			this.errors);

	private final GitRpc gitRpc = new GitRpc(this.git, this.rpc);

	@BeforeEach
	void runDeploysInline() {
		// the state as the app's lifecycle derives it, from the registry's progress
		given(this.deployer.state(any(), any(), any()))
			.willAnswer((invocation) -> AppLifecycles.state(this.registry.progress(invocation.getArgument(0)),
					AppLifecycle.absent(invocation.getArgument(0)), invocation.getArgument(1),
					invocation.getArgument(2)));
		given(this.watch.watch(any())).willAnswer((invocation) -> ((Supplier<?>) invocation.getArgument(0)).get());
		given(this.mounts.status()).willReturn(webServer(WebServerState.RUNNING));
		given(this.supervisor.status(any()))
			.willAnswer((invocation) -> AppStatus.stopped(invocation.getArgument(0, AppId.class)));
		given(this.configStates.of(any())).willReturn(new ConfigStates.State(false, null, null));
		given(this.isolation.status(any(), any())).willReturn(isolationStatus());
		given(this.supervisor.scale(any(), any(String.class))).willReturn(new AppScale(1, 8, false, false, true));
	}

	@AfterEach
	void forgetCaller() {
		SecurityContextHolder.clearContext();
	}

	@AfterAll
	static void writeOrCompare() throws Exception {
		StringBuilder text = new StringBuilder();
		answers.forEach((name, json) -> text.append(name).append('\n').append(json).append("\n\n"));
		String golden = System.getProperty("apps.rpc.golden");
		if (golden != null) {
			Files.writeString(Path.of(golden), text);
		}
	}

	@Test
	void getShowsARunningAppWithEverything() {
		blogRunningWithEverything();
		pin("apps.get blog (running, upgrading, failed deploy, error, acknowledged, update)",
				this.rpc.get(new AppParams("blog")));
	}

	@Test
	void getShowsAnAppWithoutRelease() {
		given(this.registry.find(AppId.of("bare"))).willReturn(Optional.of(app("bare", null)));
		pin("apps.get bare (no release)", this.rpc.get(new AppParams("bare")));
	}

	@Test
	void getShowsAnAppWhoseFirstInstallWasInterruptedAsFailed() {
		interruptedLost();
		pin("apps.get lost (first install interrupted)", this.rpc.get(new AppParams("lost")));
	}

	@Test
	void startOfAnAppWhoseFirstInstallWasInterruptedIsAConflict() {
		interruptedLost();
		for (Runnable call : List.<Runnable>of(() -> this.rpc.start(new AppParams("lost")),
				() -> this.rpc.restart(new AppParams("lost")))) {
			PyappException ex = catchThrowableOfType(PyappException.class, call::run);
			assertThat(ex.getKind().code()).isEqualTo(-32003);
			assertThat(ex.getMessage())
				.isEqualTo("app 'lost' has no release to start; install it again (its first install was interrupted)");
		}
		verify(this.supervisor, never()).start(any());
		verify(this.supervisor, never()).restart(any());
	}

	@Test
	void getShowsAFirstInstall() {
		given(this.registry.installing(AppId.of("fresh"))).willReturn(Optional.of(new AppRegistry.Progress("installing",
				"checking", "checking the package", "0.1.0", AppSource.archive())));
		pin("apps.get fresh (installing)", this.rpc.get(new AppParams("fresh")));
	}

	@Test
	void getShowsAnAppWaitingForItsSettingsAndADeployThatWorked() {
		waitingShop();
		pin("apps.get shop (needs-configuration, last deploy live)", this.rpc.get(new AppParams("shop")));
	}

	@Test
	void getShowsARunningAppBehindAStoppedWebServer() {
		given(this.mounts.status()).willReturn(webServer(WebServerState.FAILED));
		given(this.registry.find(AppId.of("wiki"))).willReturn(Optional.of(app("wiki", "1.0.0-a")));
		given(this.registry.releases(AppId.of("wiki")))
			.willReturn(List.of(release("wiki", "1.0.0-a", T0, ReleaseState.LIVE, null)));
		given(this.mounts.urls(AppId.of("wiki"))).willReturn(List.of("http://main.test/wiki/"));
		given(this.supervisor.status(AppId.of("wiki"))).willReturn(running("wiki"));
		pin("apps.get wiki (running, web server failed, no check yet)", this.rpc.get(new AppParams("wiki")));
	}

	@Test
	void listShowsEveryKindSortedByName() {
		blogRunningWithEverything();
		waitingShop();
		InstalledApp bare = app("bare", null);
		given(this.mounts.mounts())
			.willReturn(List.of(Mount.app("main", "/blog", "blog"), new Mount("main", "/static", null, "/srv/static")));
		given(this.mounts.urls()).willReturn(Map.of("blog", List.of("http://main.test/blog/")));
		given(this.supervisor.status(AppId.of("crashy"))).willReturn(AppStatus.stopped(AppId.of("crashy"))
			.starting("1.0.0-a")
			.failed("the daemon exited 3 times within a minute"));
		given(this.registry.listing()).willReturn(new AppRegistry.Listing(
				List.of(app("shop", "1.0.0-a"), bare, app("blog", "1.0.0-a"), app("crashy", "1.0.0-a")),
				Map.of(Release.id("shop", "1.0.0-a"), release("shop", "1.0.0-a", T0, ReleaseState.LIVE, null),
						Release.id("blog", "1.0.0-a"), release("blog", "1.0.0-a", T0, ReleaseState.LIVE, null),
						Release.id("crashy", "1.0.0-a"), release("crashy", "1.0.0-a", T0, ReleaseState.LIVE, null)),
				Map.of("fresh", new AppRegistry.Progress("installing", "checking", "checking the package", "0.1.0",
						AppSource.archive()))));
		pin("apps.list", this.rpc.list());
	}

	@Test
	void installAnswersWithTheApp() {
		blogRunningWithEverything();
		given(this.archives.path("a1")).willReturn(Path.of("/tmp/a1"));
		given(this.deployer.install(any(InstallRequest.class)))
			.willReturn(release("blog", "1.0.0-a", T0, ReleaseState.LIVE, null));
		pin("apps.install blog", this.rpc.install(new AppsRpc.InstallParams("a1", null)));
	}

	@Test
	void installFromGitAnswersWithTheApp() {
		waitingShop();
		given(this.git.install(any())).willReturn(release("shop", "1.0.0-a", T0, ReleaseState.LIVE, null));
		pin("apps.install shop {git}",
				this.rpc.install(new AppsRpc.InstallParams(null, Map.of("url", "https://git.test/shop.git"))));
	}

	@Test // SPEC §6: {archive} or {git}; both is not one of them, and neither source is
			// installed
	void installWithAnArchiveAndAGitSourceIsRefused() {
		PyappException refused = catchThrowableOfType(PyappException.class,
				() -> this.rpc.install(new AppsRpc.InstallParams("a1", Map.of("url", "https://git.test/shop.git"))));
		assertThat(refused.getKind()).isEqualTo(ErrorKind.INVALID);
		assertThat(refused.getProblems()).extracting(Problem::path).containsExactly("git");
		verifyNoInteractions(this.deployer, this.git);
		verify(this.archives).delete("a1");
	}

	@Test
	void failedDeployAnswersWithTheCauseAndWhatIsLive() {
		blogRunningWithEverything();
		given(this.registry.currentRelease(AppId.of("blog")))
			.willReturn(Optional.of(release("blog", "1.0.0-a", T0, ReleaseState.LIVE, null)));
		RpcError error = installFailing(PyappException.failed("the health check failed", "Traceback ..."));
		pin("apps.install failed: error data", error.data());
	}

	@Test // real-apps: an upgrade of an app whose first post-install hook had failed said
			// "live: notes 0.1.0 (release ...) still serves", with nothing running
	void failedDeployOfAStoppedAppSaysItsLiveReleaseServesNothing() {
		blogRunningWithEverything();
		given(this.registry.currentRelease(AppId.of("blog")))
			.willReturn(Optional.of(release("blog", "1.0.0-a", T0, ReleaseState.LIVE, null)));
		given(this.supervisor.status(AppId.of("blog"))).willReturn(AppStatus.stopped(AppId.of("blog")));
		RpcError error = installFailing(PyappException.failed("the health check failed", "Traceback ..."));
		JsonNode live = RpcJson.mapper.readTree(RpcJson.mapper.writeValueAsString(error.data())).get("live");
		assertThat(live.get("release").asString()).isEqualTo("1.0.0-a");
		assertThat(live.get("serving").asBoolean()).isFalse();
	}

	@Test // real-apps: Flask-SQLAlchemy's relative SQLite URI and Flask-Session's
			// flask_session/ write into the read-only release; the error names only the
			// path
	void failedDeployOfAReleaseThatWroteIntoItselfSaysWhereToWrite() {
		blogRunningWithEverything();
		RpcError error = installFailing(PyappException.failed("the post-install hook blog:init failed",
				"Traceback (most recent call last):\n    os.makedirs(app.instance_path, exist_ok=True)\n"
						+ "OSError: [Errno 30] Read-only file system: '/home/apps/blog/releases/1.1.0-b/src/instance'"));
		JsonNode data = RpcJson.mapper.readTree(RpcJson.mapper.writeValueAsString(error.data()));
		assertThat(data.get("hint").asString()).contains("/home/apps/blog/releases/1.1.0-b/src/instance")
			.contains("PYAPP_DATA_PATH");
		assertThat(ReleaseWrites.hint(
				"PermissionError: [Errno 13] Permission denied: '/home/apps/blog/releases/1.1.0-b/src/flask_session'"))
			.contains("flask_session");
		// a path outside a release is not the release's own doing
		assertThat(ReleaseWrites.hint("OSError: [Errno 30] Read-only file system: '/usr/lib/x'")).isNull();
		assertThat(ReleaseWrites.hint("OSError: [Errno 30] Read-only file system: '/home/apps/blog/data/x'")).isNull();
	}

	@Test // SPEC §6: a client reads data.log of every -32005
	void failedDeployThatPrintedNothingAnswersWithAnEmptyLog() {
		blogRunningWithEverything();
		RpcError error = installFailing(PyappException.failed("the health check timed out", null));
		assertThat(RpcJson.mapper.readTree(RpcJson.mapper.writeValueAsString(error.data())).get("log").asString())
			.isEmpty();
	}

	/** {@code apps.install} of archive a1 whose deploy of blog 1.1.0-b fails so. */
	private RpcError installFailing(PyappException cause) {
		willThrow(new DeployWatch.Failed(cause, new DeployWatch.Deploy(AppId.of("blog"), "1.1.0-b"))).given(this.watch)
			.watch(any());
		given(this.archives.path("a1")).willReturn(Path.of("/tmp/a1"));
		return catchThrowableOfType(RpcError.class, () -> this.rpc.install(new AppsRpc.InstallParams("a1", null)));
	}

	@Test
	void removeRollbackAcknowledge() {
		blogRunningWithEverything();
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		pin("apps.remove", this.rpc.remove(new AppsRpc.RemoveParams("blog", true)));
		given(this.deployer.rollback(AppId.of("blog"), null))
			.willReturn(new RollbackResult(release("blog", "1.0.0-a", T0, ReleaseState.RETIRED, null),
					release("blog", "0.9.0-a", T0.minusSeconds(86400), ReleaseState.LIVE, null)));
		pin("apps.rollback", this.rpc.rollback(new AppsRpc.RollbackParams("blog", null)));
		SecurityContextHolder.getContext()
			.setAuthentication(new TestingAuthenticationToken("alice", null, "ROLE_ADMIN"));
		given(this.errors.acknowledge(eq(AppId.of("blog")), eq("alice")))
			.willReturn(new AppErrors.Acknowledgement(7, T0.plusSeconds(5), "alice"));
		pin("apps.errors.acknowledge", this.rpc.acknowledge(new AppParams("blog")));
	}

	@Test // leftovers: a rollback to a newer release said it returned to the earlier code
	void rollbackToANewerReleaseSaysSo() {
		blogRunningWithEverything();
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		given(this.deployer.rollback(AppId.of("blog"), "1.0.0-a")).willReturn(
				new RollbackResult(release("blog", "0.9.0-a", T0.minusSeconds(86400), ReleaseState.RETIRED, null),
						release("blog", "1.0.0-a", T0, ReleaseState.LIVE, null)));
		assertThat(this.rpc.rollback(new AppsRpc.RollbackParams("blog", "1.0.0-a")).note())
			.startsWith("release 1.0.0-a is newer than 0.9.0-a: ")
			.doesNotContain("earlier code")
			.doesNotContain("newer release left");
	}

	@Test
	void startStopRestartAnswerWithTheProcess() {
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		given(this.supervisor.status(AppId.of("blog"))).willReturn(AppStatus.stopped(AppId.of("blog")));
		given(this.supervisor.start(AppId.of("blog"))).willReturn(running("blog"));
		given(this.supervisor.stop(AppId.of("blog")))
			.willReturn(running("blog").crashed(1, "exited with status 1").stoppedNow());
		given(this.supervisor.restart(AppId.of("blog")))
			.willReturn(AppStatus.stopped(AppId.of("blog")).starting("1.0.0-a"));
		pin("apps.start", this.rpc.start(new AppParams("blog")));
		pin("apps.stop", this.rpc.stop(new AppParams("blog")));
		pin("apps.restart", this.rpc.restart(new AppParams("blog")));
	}

	@Test
	void startChecksTheHealthOfTheDaemonItStarted() {
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		given(this.supervisor.status(AppId.of("blog"))).willReturn(AppStatus.stopped(AppId.of("blog")));
		given(this.supervisor.start(AppId.of("blog"))).willReturn(running("blog"));

		assertThat(this.rpc.start(new AppParams("blog")).state()).isEqualTo("running");
		verify(this.supervisor).checkCandidateHealth(AppId.of("blog"), "1.0.0-a");
		verify(this.supervisor, never()).stop(any());
	}

	@Test
	void startOfAnAppThatFailsItsHealthCheckStopsItAgainAndSaysWhy() {
		// before, the start answered "running" while the workers could not load the app
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		given(this.supervisor.status(AppId.of("blog"))).willReturn(AppStatus.stopped(AppId.of("blog")));
		given(this.supervisor.start(AppId.of("blog"))).willReturn(running("blog"));
		willThrow(PyappException.failed("gunicorn exited with code 3 before it answered: connection refused",
				"ModuleNotFoundError: No module named 'missing'"))
			.given(this.supervisor)
			.checkCandidateHealth(AppId.of("blog"), "1.0.0-a");

		PyappException failed = catchThrowableOfType(PyappException.class, () -> this.rpc.start(new AppParams("blog")));

		assertThat(failed.getKind()).isEqualTo(ErrorKind.FAILED);
		assertThat(failed.getMessage()).isEqualTo("app 'blog' started but failed its health check, so it is stopped: "
				+ "gunicorn exited with code 3 before it answered: connection refused");
		assertThat(failed.getLog()).isEqualTo("ModuleNotFoundError: No module named 'missing'");
		verify(this.supervisor).stop(AppId.of("blog"));
	}

	@Test
	void startOfARunningAppLeavesItAlone() {
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		given(this.supervisor.status(AppId.of("blog"))).willReturn(running("blog"));
		given(this.supervisor.start(AppId.of("blog"))).willReturn(running("blog"));

		assertThat(this.rpc.start(new AppParams("blog")).pid()).isEqualTo(4242L);
		verify(this.supervisor, never()).checkCandidateHealth(any(), any());
	}

	@Test
	void limitsAndEnv() {
		blogRunningWithEverything();
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		pin("apps.limits.set", this.rpc.setLimits(new AppsRpc.LimitsParams("blog", Map.of("memory", "512M"))));
		pin("apps.env.set restart false",
				this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of("GREETING", "hi"), false)));
	}

	@Test
	void scaleAnswersWithTheScaleAndRefusesCountsTheProcessesLimitCannotHold() {
		blogRunningWithEverything();
		AppId blog = AppId.of("blog");
		given(this.registry.get(blog)).willReturn(app("blog", "1.0.0-a"));
		given(this.supervisor.scale(blog, 2, null, false)).willReturn(running("blog"));
		given(this.supervisor.scale(blog, "1.0.0-a")).willReturn(new AppScale(2, 8, true, false, true));

		AppDetails.Scaled scaled = this.rpc.scale(new AppsRpc.ScaleParams("blog", 2, null, null));

		assertThat(RpcJson.mapper.writeValueAsString(scaled.scale()))
			.isEqualTo("{\"workers\":2,\"threads\":8,\"source\":\"operator\",\"method\":\"threading\"}");
		assertThat(scaled.process().state()).isEqualTo("running");
		// the processes limit (64, threads included) cannot hold 8 workers of 8 threads
		given(this.supervisor.scale(blog, "1.0.0-a")).willReturn(new AppScale(1, 8, false, false, true));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.rpc.scale(new AppsRpc.ScaleParams("blog", 8, null, null)))
			.satisfies((ex) -> assertThat(ex.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.path()).isEqualTo("workers");
				assertThat(problem.message()).contains("need about 81 processes and threads")
					.contains("processes limit is 64");
			}));
		verify(this.supervisor, never()).scale(blog, 8, null, false);
		// an app waiting for its settings is scaled too: its daemon starts with the
		// counts
		given(this.deployer.awaitsFirstConfiguration(blog)).willReturn(true);
		given(this.supervisor.scale(blog, 1, null, false)).willReturn(AppStatus.stopped(blog));
		assertThat(this.rpc.scale(new AppsRpc.ScaleParams("blog", 1, null, null)).process().state())
			.isEqualTo("stopped");
	}

	// apps.env.set {merge, unset}: two operators changing other
	// variables both keep theirs
	@Test
	void envSetWithMergeChangesOnlyTheNamedVariablesAsStored() {
		blogRunningWithEverything();
		AppId blog = AppId.of("blog");
		AtomicReference<InstalledApp> stored = new AtomicReference<>(
				new InstalledApp("blog", AppSource.archive(), "1.0.0-a", Map.of("A", "1", "B", "2"), T0, T0));
		given(this.registry.get(blog)).willAnswer((invocation) -> stored.get());
		given(this.registry.find(blog)).willAnswer((invocation) -> Optional.of(stored.get()));
		given(this.registry.update(eq(blog), any())).willAnswer((invocation) -> {
			UnaryOperator<InstalledApp> change = invocation.getArgument(1);
			stored.set(change.apply(stored.get()));
			return stored.get();
		});
		AppDetails.EnvSet set = this.rpc
			.setEnv(new AppsRpc.EnvParams("blog", Map.of("C", "3"), false, true, List.of("A", "ABSENT")));
		assertThat(stored.get().env()).containsOnly(Map.entry("B", "2"), Map.entry("C", "3"));
		assertThat(set.restartNeeded()).isTrue();
		// what is stored now is merged into, not what was read before
		stored.set(stored.get().withEnv(Map.of("B", "2", "C", "3", "D", "4"), T0));
		this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of("E", "5"), null, true, null));
		assertThat(stored.get().env()).containsOnlyKeys("B", "C", "D", "E");
		verify(this.supervisor).restart(blog);
		// a merge that changes nothing saves nothing and restarts nothing
		InstalledApp before = stored.get();
		assertThat(this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of("E", "5"), null, true, List.of("Z")))
			.restartNeeded()).isFalse();
		assertThat(stored.get()).isSameAs(before);
		verify(this.supervisor).restart(blog);
		// without merge, env still replaces every variable
		this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of("ONLY", "x"), false));
		assertThat(stored.get().env()).containsOnly(Map.entry("ONLY", "x"));
	}

	@Test // names are checked as in env; a refusal names the variable, never a value
	void envSetRefusesBadUnsetNamesAndUnsetWithoutMerge() {
		blogRunningWithEverything();
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		PyappException refused = catchThrowableOfType(PyappException.class,
				() -> this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of("GOOD", "s3cret", "1BAD", "s3cret"), null,
						true, java.util.Arrays.asList("PYAPP_HOME", "GOOD", "STRIPE_KEY=s3cret", null))));
		assertThat(refused.getProblems()).extracting((problem) -> problem.path() + ": " + problem.message())
			.containsExactly(
					"env.1BAD: '1BAD' is not an allowed variable name: letters, digits and _, not starting with PYAPP_",
					"unset[0]: 'PYAPP_HOME' is not an allowed variable name: letters, digits and _, not starting with PYAPP_",
					"unset[1]: 'GOOD' is both set (env) and unset",
					"unset[2]: 'STRIPE_KEY=…' is not an allowed variable name: a name only, not NAME=value (the value goes in env)",
					"unset[3]: a variable name, not null");
		assertThat(refused.getProblems().toString()).doesNotContain("s3cret");
		java.util.Map<String, String> nullValue = new java.util.HashMap<>();
		nullValue.put("EMPTY", null);
		PyappException nullRefused = catchThrowableOfType(PyappException.class,
				() -> this.rpc.setEnv(new AppsRpc.EnvParams("blog", nullValue, null)));
		assertThat(nullRefused.getProblems()).extracting((problem) -> problem.path() + ": " + problem.message())
			.containsExactly("env.EMPTY: a value (a string), not null");
		PyappException withoutMerge = catchThrowableOfType(PyappException.class,
				() -> this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of(), null, null, List.of("A"))));
		assertThat(withoutMerge.getProblems()).extracting((problem) -> problem.path() + ": " + problem.message())
			.containsExactly("unset: unset needs merge: true (without it env replaces every variable)");
		verify(this.registry, never()).update(any(), any());
	}

	@Test // audit-ops: it was saved, then every start and task failed with -32603
	void envSetRefusesAValueWithANulCharacter() {
		blogRunningWithEverything();
		given(this.registry.get(AppId.of("blog"))).willReturn(app("blog", "1.0.0-a"));
		PyappException refused = catchThrowableOfType(PyappException.class,
				() -> this.rpc.setEnv(new AppsRpc.EnvParams("blog", Map.of("TOKEN", "s3c\0ret"), null)));
		assertThat(refused.getProblems()).extracting((problem) -> problem.path() + ": " + problem.message())
			.containsExactly("env.TOKEN: the value contains a NUL character (\\u0000), which no environment variable"
					+ " can hold");
		assertThat(refused.getProblems().toString()).doesNotContain("s3c");
		verify(this.registry, never()).update(any(), any());
		verify(this.supervisor, never()).restart(any());
	}

	@Test // env-ops: env values often hold credentials; the UI edits them for deployers
	void getShowsEnvValuesToDeployersAndOnlyTheNamesToViewers() {
		blogRunningWithEverything();
		given(this.registry.find(AppId.of("blog"))).willReturn(Optional.of(new InstalledApp("blog", AppSource.archive(),
				"1.0.0-a", Map.of("DATABASE_URL", "postgresql://blog:s3cret@db/blog", "GREETING", "hello"), T0, T0)));
		RpcMethodRegistry methods = new RpcMethodRegistry(null);
		methods.register(this.rpc, AppsRpc.class);
		for (Role role : Role.values()) {
			Callers callers = mock(Callers.class);
			given(callers.current()).willReturn(new Caller("token:ci", "alice", role));
			JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(methods, RpcJson.mapper, mock(NodesRpc.class), callers,
					mock(AuditLog.class), mock(AuditParams.class), new ListingText(RpcJson.mapper));
			JsonNode reply = RpcJson.mapper.readTree(RpcJson.mapper.writeValueAsString(dispatcher
				.dispatch("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"apps.get\",\"params\":{\"name\":\"blog\"}}")));
			JsonNode env = reply.path("result").path("env");
			if (role == Role.VIEWER) {
				assertThat(env.toString()).as(role.value())
					.isEqualTo("{\"DATABASE_URL\":\"***\",\"GREETING\":\"***\"}");
				assertThat(reply.toString()).doesNotContain("s3cret").doesNotContain("hello");
			}
			else {
				assertThat(env.path("DATABASE_URL").asString()).as(role.value())
					.isEqualTo("postgresql://blog:s3cret@db/blog");
				assertThat(env.path("GREETING").asString()).isEqualTo("hello");
			}
			// everything else is the same for every role
			assertThat(reply.path("result").path("releases").size()).isEqualTo(3);
		}
	}

	@Test
	void updateAnswersWithTheAppAndTheRevision() {
		blogRunningWithEverything();
		given(this.git.update(AppId.of("blog"))).willReturn(
				new GitUpdate(true, "deployed 1.1.0", new GitRevision("0123456789abcdef", "refs/heads/main"), null));
		pin("apps.update", this.gitRpc.update(new AppParams("blog")));
	}

	private void pin(String name, @Nullable Object result) {
		// an uptime counts from now
		String json = UPTIME.matcher(RpcJson.mapper.writeValueAsString(result)).replaceAll("\"uptime\":<seconds>");
		answers.put(name, json);
		if (System.getProperty("apps.rpc.golden") == null) {
			assertThat(json).as(name).isEqualTo(expected(name));
		}
	}

	private static String expected(String name) {
		try {
			String text = new String(AppsRpcTests.class.getResourceAsStream("apps-rpc-results.json").readAllBytes(),
					StandardCharsets.UTF_8);
			int at = text.indexOf(name + "\n");
			assertThat(at).as("'%s' in apps-rpc-results.json", name).isNotNegative();
			int start = at + name.length() + 1;
			return text.substring(start, text.indexOf('\n', start));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** An app whose first install the server's last run left unfinished. */
	private void interruptedLost() {
		AppId lost = AppId.of("lost");
		given(this.registry.find(lost)).willReturn(Optional.of(app("lost", null)));
		given(this.registry.get(lost)).willReturn(app("lost", null));
		given(this.registry.firstInstallFailed(lost)).willReturn(true);
		given(this.registry.releases(lost)).willReturn(List.of(release("lost", "1.0.0-a", T0, ReleaseState.FAILED,
				"interrupted: the server stopped while it was being deployed")));
		AppLifecycle failed = AppLifecycle.absent(lost)
			.installing("1.0.0-a")
			.lifecycle()
			.interruptedFirstInstall()
			.lifecycle();
		org.mockito.BDDMockito.willAnswer(
				(invocation) -> AppLifecycles.state(null, failed, invocation.getArgument(1), invocation.getArgument(2)))
			.given(this.deployer)
			.state(eq(lost), any(), any());
	}

	private void blogRunningWithEverything() {
		AppId blog = AppId.of("blog");
		given(this.registry.find(blog)).willReturn(Optional.of(app("blog", "1.0.0-a")));
		given(this.registry.releases(blog))
			.willReturn(List.of(release("blog", "0.9.0-a", T0.minusSeconds(86400), ReleaseState.RETIRED, null),
					release("blog", "1.0.0-a", T0, ReleaseState.LIVE, null),
					release("blog", "1.1.0-b", T0.plusSeconds(3600), ReleaseState.FAILED, "the health check failed")));
		given(this.registry.progress(blog))
			.willReturn(new AppRegistry.Progress("upgrading", "health", "waiting for the health check"));
		given(this.mounts.mounts(blog)).willReturn(List.of(Mount.app("main", "/blog", "blog")));
		given(this.mounts.urls(blog)).willReturn(List.of("http://main.test/blog/"));
		given(this.supervisor.status(blog)).willReturn(running("blog"));
		given(this.health.report(blog))
			.willReturn(Optional.of(new HealthMonitor.HealthReport(true, T0.plusSeconds(30), "1.0.0-a", null, 12)));
		given(this.errors.lastError(blog, T0))
			.willReturn(Optional.of(new LogRecord(41, T0.plusSeconds(60), "blog", "1.0.0-a", LogLevel.ERROR,
					"app.views", "  boom: " + "x".repeat(400) + "\nTraceback\n", null, 17, "MainThread", null, null)));
		given(this.errors.acknowledgement(blog))
			.willReturn(Optional.of(new AppErrors.Acknowledgement(3, T0.plusSeconds(10), "alice")));
		given(this.git.following(blog)).willReturn(Optional.of(new GitFollowing(true, Duration.ofMinutes(5),
				T0.plusSeconds(7200), "update available: v1.2.0 at fedcba98",
				new AvailableUpdate("fedcba9876543210", "v1.2.0", T0.plusSeconds(7200)))));
		given(this.diagnosis.cause(eq(blog), anyString(), any(Duration.class)))
			.willReturn(Optional.of(new DeployDiagnosis.Cause("ImportError: no module named x", "line 1\nline 2", 2)));
		given(this.configStates.of(blog)).willReturn(new ConfigStates.State(false,
				new ConfigStatus(true, List.of(), Path.of("/home/apps/blog/config/config.yaml"), T0), null));
		given(this.tasks.list(eq(blog), any())).willReturn(List
			.of(new TaskStatus("cleanup", "0 3 * * *", "app.tasks:cleanup", true, false, T0.plusSeconds(86400), null)));
	}

	private void waitingShop() {
		AppId shop = AppId.of("shop");
		given(this.registry.find(shop)).willReturn(Optional.of(app("shop", "1.0.0-a")));
		given(this.registry.releases(shop))
			.willReturn(List.of(release("shop", "1.0.0-a", T0, ReleaseState.LIVE, "went live")));
		given(this.configStates.of(shop)).willReturn(new ConfigStates.State(true,
				new ConfigStatus(false, List.of("site.title"), Path.of("/home/apps/shop/config/config.yaml"), null),
				null));
	}

	private static InstalledApp app(String name, @Nullable String live) {
		return new InstalledApp(name, AppSource.archive(), live, Map.of("GREETING", "hello"), T0, T0);
	}

	private static Release release(String app, String releaseId, Instant created, ReleaseState state,
			@Nullable String message) {
		return new Release(Release.id(app, releaseId), app, releaseId, releaseId.substring(0, releaseId.indexOf('-')),
				app + ".pyapp", "0".repeat(64), null, created, state, message);
	}

	private static AppStatus running(String app) {
		return AppStatus.stopped(AppId.of(app))
			.running("1.0.0-a", 4242, "/home/apps/" + app + "/run/app.sock", null, T0.plusSeconds(20), "gunicorn");
	}

	private static WebServerStatus webServer(WebServerState state) {
		return new WebServerStatus(WebServerKind.NGINX, true, state, null, Path.of("/home/webserver/nginx.conf"), T0,
				(state == WebServerState.RUNNING) ? null : "exited with status 1");
	}

	private static IsolationStatus isolationStatus() {
		return new IsolationStatus("pyapp-blog", 20001, 20001, true, null, "bubblewrap", null,
				List.of(new LimitStatus("memory", 536870912L, 536870912L, null, "app", "cgroup"),
						new LimitStatus("processes", 64, null, 256, "default", "rlimit")));
	}

}
