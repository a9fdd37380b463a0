package dev.pyapp.server.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.packaging.AppManifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The supervisor's locking, without an app server: launches are fakes that block until a
 * test lets them go, and a daemon "crashes" when a test completes its exit. Shows that an
 * app's lock is not held across a launch: another app's crash is noticed and restarted
 * while a start hangs, a second start does not launch twice, and a stop during a start
 * stops the daemon that start launches.
 */
class SupervisorConcurrencyTests {

	private static final AppId FAST = AppId.of("fast");

	private static final AppId SLOW = AppId.of("slow");

	@TempDir
	Path home;

	private final DaemonLauncher launcher = mock(DaemonLauncher.class);

	private final AppServer server = mock(AppServer.class);

	private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();

	private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final Map<String, Daemon> lastDaemon = new ConcurrentHashMap<>();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final AtomicLong pids = new AtomicLong(1000);

	private SupervisedApps apps;

	private DaemonStarts starts;

	private DaemonStops stops;

	private CrashWatcher watcher;

	private final RestartScheduler restarts = new RestartScheduler();

	@BeforeEach
	void supervisor() throws Exception {
		PyappHome pyappHome = new PyappHome(this.home);
		AppRegistry registry = mock(AppRegistry.class);
		AppContexts contexts = mock(AppContexts.class);
		AppServers servers = mock(AppServers.class);
		DaemonRecordRepository records = mock(DaemonRecordRepository.class);
		given(records.findById(any())).willReturn(Optional.empty());
		given(this.server.name()).willReturn("gunicorn");
		given(this.server.displayName()).willReturn("gunicorn");
		given(this.server.protocol()).willReturn(WireProtocol.HTTP);
		for (AppId app : List.of(FAST, SLOW)) {
			Files.createDirectories(pyappHome.app(app).run());
			given(registry.get(app)).willReturn(
					new InstalledApp(app.value(), AppSource.archive(), "r1", Map.of(), Instant.now(), Instant.now()));
			ProcessContext context = mock(ProcessContext.class);
			given(context.app()).willReturn(app);
			given(context.release()).willReturn("r1");
			given(contexts.context(app, "r1")).willReturn(context);
			given(contexts.manifest(app, "r1")).willReturn(mock(AppManifest.class));
			this.launches.put(app.value(), new AtomicInteger());
		}
		given(servers.choose(any(), any())).willReturn(new AppServers.Choice(this.server, "test"));
		willAnswer((invocation) -> {
			AppId app = invocation.<ProcessContext>getArgument(0).app();
			this.launches.get(app.value()).incrementAndGet();
			CountDownLatch gate = this.gates.get(app.value());
			if (gate != null) {
				assertThat(gate.await(30, TimeUnit.SECONDS)).isTrue();
			}
			Daemon daemon = new Daemon("r1", this.pids.incrementAndGet(), null, 20000, this.home.resolve("x.pid"),
					Instant.now(), new CompletableFuture<>(), 0, this.server, null, 0);
			this.lastDaemon.put(app.value(), daemon);
			return daemon;
		}).given(this.launcher).launch(any(), any(), any(), anySet());
		willAnswer((invocation) -> !invocation.<Daemon>getArgument(0).exit().isDone()).given(this.launcher)
			.alive(any());
		willAnswer((invocation) -> invocation.<Daemon>getArgument(0).exit().complete(0)).given(this.launcher)
			.stop(any());
		given(this.launcher.stderrTail(any(), any())).willReturn("");
		RuntimeProperties properties = new RuntimeProperties("20000-20999", Duration.ofSeconds(60),
				Duration.ofSeconds(20), Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(1), 5,
				Duration.ofMinutes(5), Duration.ofMillis(20), "auto", new RuntimeProperties.Uwsgi("uwsgi", "python3"));
		SupervisedApps apps = this.apps = new SupervisedApps(pyappHome, registry, contexts, mock(ScheduledTasks.class),
				records, properties, this.restarts);
		this.starts = new DaemonStarts(apps, contexts, this.launcher, servers, this.events::add);
		this.stops = new DaemonStops(registry, apps, this.launcher, servers, this.events::add);
		this.watcher = new CrashWatcher(apps, this.starts, this.launcher, new DaemonCgroups(mock(HostIsolation.class)),
				contexts, this.events::add, properties);
	}

	@AfterEach
	void release() {
		this.gates.values().forEach((gate) -> {
			while (gate.getCount() > 0) {
				gate.countDown();
			}
		});
		this.watcher.destroy();
		this.restarts.destroy();
	}

	@Test
	void restartsACrashedAppWhileAnotherAppsStartHangs() {
		AppStatus fast = this.starts.start(FAST);
		assertThat(fast.state()).isEqualTo(ProcessState.RUNNING);
		CountDownLatch gate = new CountDownLatch(1);
		this.gates.put(SLOW.value(), gate);
		CompletableFuture<AppStatus> slow = CompletableFuture.supplyAsync(() -> this.starts.start(SLOW));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.launches.get(SLOW.value()).get() == 1);

		this.lastDaemon.get(FAST.value()).exit().complete(1);

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			assertThat(this.launches.get(FAST.value())).hasValue(2);
			AppStatus status = this.apps.supervised(FAST).status;
			assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
			assertThat(status.restarts()).isEqualTo(1);
			assertThat(status.pid()).isNotEqualTo(fast.pid());
		});
		assertThat(this.events).anySatisfy((event) -> assertThat(event).isInstanceOf(AppCrashed.class));
		assertThat(slow).isNotDone();
		gate.countDown();
		assertThat(slow.join().state()).isEqualTo(ProcessState.RUNNING);
	}

	@Test
	void aSecondStartWaitsForTheFirstAndLaunchesNothing() {
		CountDownLatch gate = new CountDownLatch(1);
		this.gates.put(SLOW.value(), gate);
		CompletableFuture<AppStatus> first = CompletableFuture.supplyAsync(() -> this.starts.start(SLOW));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.launches.get(SLOW.value()).get() == 1);
		CompletableFuture<AppStatus> second = CompletableFuture.supplyAsync(() -> this.starts.start(SLOW));
		assertThat(this.apps.supervised(SLOW).status.state()).isEqualTo(ProcessState.STARTING);
		gate.countDown();
		assertThat(first.join().pid()).isNotNull();
		assertThat(second.join().pid()).isEqualTo(first.join().pid());
		assertThat(this.launches.get(SLOW.value())).hasValue(1);
	}

	@Test
	void aStartDuringTheRestartAfterACrashWaitsForItAndLaunchesNothing() {
		this.starts.start(FAST);
		CountDownLatch gate = new CountDownLatch(1);
		this.gates.put(FAST.value(), gate);
		this.lastDaemon.get(FAST.value()).exit().complete(1);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.launches.get(FAST.value()).get() == 2);

		CompletableFuture<AppStatus> start = CompletableFuture.supplyAsync(() -> this.starts.start(FAST));
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !start.isDone());
		gate.countDown();

		assertThat(start.join().state()).isEqualTo(ProcessState.RUNNING);
		assertThat(start.join().pid()).isEqualTo(this.lastDaemon.get(FAST.value()).pid());
		assertThat(this.launches.get(FAST.value())).hasValue(2);
	}

	@Test
	void crashesTooOftenGoFatalUntilAStartOnRequest() {
		this.starts.start(FAST);
		for (int crash = 1; crash <= 5; crash++) {
			int launched = this.launches.get(FAST.value()).get();
			this.lastDaemon.get(FAST.value()).exit().complete(1);
			if (crash < 5) {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> this.apps.supervised(FAST).status.state() == ProcessState.RUNNING
							&& this.launches.get(FAST.value()).get() == launched + 1);
			}
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.apps.supervised(FAST).status.state() == ProcessState.FAILED);
		assertThat(this.apps.supervised(FAST).lifecycle.state()).isEqualTo(DaemonLifecycle.State.FATAL);
		assertThat(this.events).filteredOn(AppCrashed.class::isInstance)
			.hasSize(5)
			.last()
			.satisfies((event) -> assertThat(((AppCrashed) event).failed()).isTrue());
		assertThat(this.launches.get(FAST.value())).hasValue(5);

		assertThat(this.starts.start(FAST).state()).isEqualTo(ProcessState.RUNNING);
		assertThat(this.launches.get(FAST.value())).hasValue(6);
	}

	@Test
	void aStopDuringAStartStopsTheDaemonThatStartLaunches() {
		CountDownLatch gate = new CountDownLatch(1);
		this.gates.put(SLOW.value(), gate);
		CompletableFuture<AppStatus> start = CompletableFuture.supplyAsync(() -> this.starts.start(SLOW));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.launches.get(SLOW.value()).get() == 1);

		assertThat(this.stops.stop(SLOW).state()).isEqualTo(ProcessState.STOPPED);
		gate.countDown();

		assertThat(start.join().state()).isEqualTo(ProcessState.STOPPED);
		Daemon launched = this.lastDaemon.get(SLOW.value());
		verify(this.launcher).stop(launched);
		assertThat(this.apps.supervised(SLOW).status.pid()).isNull();
		assertThat(this.events).noneSatisfy((event) -> assertThat(event).isInstanceOf(AppStarted.class));
	}

}
