package dev.pyapp.server.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * {@link CrashWatcher}'s slices, without an app server: launches are fakes, and a daemon
 * "crashes" when a test completes its exit. A tick looks at the apps of its part only, a
 * round of {@link CrashWatcher#SLICES} ticks looks at every app once, and the schedule
 * notices a crash within a poll interval plus the round's ticks.
 */
class CrashWatcherTests {

	private static final int APPS = 40;

	@TempDir
	Path home;

	private final DaemonLauncher launcher = mock(DaemonLauncher.class);

	private final AppServer server = mock(AppServer.class);

	private final Map<String, Daemon> daemons = new ConcurrentHashMap<>();

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final AtomicLong pids = new AtomicLong(1000);

	private final RestartScheduler restarts = new RestartScheduler();

	private final List<AppId> names = new ArrayList<>();

	private SupervisedApps apps;

	private DaemonStarts starts;

	private CrashWatcher watcher;

	/**
	 * Starts {@link #APPS} apps and a watcher polling every {@code poll}.
	 */
	private void supervise(Duration poll) throws Exception {
		PyappHome pyappHome = new PyappHome(this.home);
		AppRegistry registry = mock(AppRegistry.class);
		AppContexts contexts = mock(AppContexts.class);
		AppServers servers = mock(AppServers.class);
		DaemonRecordRepository records = mock(DaemonRecordRepository.class);
		given(records.findById(any())).willReturn(Optional.empty());
		given(this.server.name()).willReturn("gunicorn");
		given(this.server.displayName()).willReturn("gunicorn");
		given(this.server.protocol()).willReturn(WireProtocol.HTTP);
		for (int i = 0; i < APPS; i++) {
			AppId app = AppId.of("app" + i);
			this.names.add(app);
			Files.createDirectories(pyappHome.app(app).run());
			given(registry.get(app)).willReturn(
					new InstalledApp(app.value(), AppSource.archive(), "r1", Map.of(), Instant.now(), Instant.now()));
			ProcessContext context = mock(ProcessContext.class);
			given(context.app()).willReturn(app);
			given(context.release()).willReturn("r1");
			given(contexts.context(app, "r1")).willReturn(context);
			given(contexts.manifest(app, "r1")).willReturn(mock(AppManifest.class));
		}
		given(servers.choose(any(), any())).willReturn(new AppServers.Choice(this.server, "test"));
		willAnswer((invocation) -> {
			AppId app = invocation.<ProcessContext>getArgument(0).app();
			Daemon daemon = new Daemon("r1", this.pids.incrementAndGet(), null, 20000, this.home.resolve("x.pid"),
					Instant.now(), new CompletableFuture<>(), 0, this.server, null, 0);
			this.daemons.put(app.value(), daemon);
			return daemon;
		}).given(this.launcher).launch(any(), any(), any(), anySet());
		willAnswer((invocation) -> !invocation.<Daemon>getArgument(0).exit().isDone()).given(this.launcher)
			.alive(any());
		given(this.launcher.stderrTail(any(), any())).willReturn("");
		// restarts wait a minute: each crash is counted once
		RuntimeProperties properties = new RuntimeProperties("20000-20999", Duration.ofSeconds(60),
				Duration.ofSeconds(20), Duration.ofMillis(10), Duration.ofMinutes(1), Duration.ofMinutes(5), 5,
				Duration.ofMinutes(5), poll, "auto", new RuntimeProperties.Uwsgi("uwsgi", "python3"));
		this.apps = new SupervisedApps(pyappHome, registry, contexts, mock(ScheduledTasks.class), records, properties,
				this.restarts);
		this.starts = new DaemonStarts(this.apps, contexts, this.launcher, servers, this.events::add);
		this.watcher = new CrashWatcher(this.apps, this.starts, this.launcher,
				new DaemonCgroups(mock(HostIsolation.class)), contexts, this.events::add, properties);
		for (AppId app : this.names) {
			assertThat(this.starts.start(app).state()).isEqualTo(ProcessState.RUNNING);
		}
	}

	@AfterEach
	void release() {
		if (this.watcher != null) {
			this.watcher.destroy();
		}
		this.restarts.destroy();
	}

	@Test
	void aTickLooksAtTheAppsOfItsPartOnlyAndARoundAtEveryAppOnce() throws Exception {
		// a schedule that does not tick during the test: the test ticks
		supervise(Duration.ofHours(1));
		this.daemons.values().forEach((daemon) -> daemon.exit().complete(1));
		Set<String> noticed = new java.util.HashSet<>();
		int partsWithApps = 0;
		for (int part = 0; part < CrashWatcher.SLICES; part++) {
			this.watcher.watch(part);
			int p = part;
			Set<String> ofPart = this.names.stream()
				.filter((app) -> CrashWatcher.part(app) == p)
				.map(AppId::value)
				.collect(Collectors.toSet());
			Set<String> crashedNow = crashed();
			crashedNow.removeAll(noticed);
			assertThat(crashedNow).as("part %d", part).isEqualTo(ofPart);
			noticed.addAll(crashedNow);
			partsWithApps += ofPart.isEmpty() ? 0 : 1;
		}
		assertThat(partsWithApps).isGreaterThan(CrashWatcher.SLICES / 2);
		assertThat(noticed).hasSize(APPS);
		// a second round notices nothing again
		this.watcher.watchAll();
		assertThat(this.events).filteredOn(AppCrashed.class::isInstance).hasSize(APPS);
	}

	@Test
	void eachAppIsInOnePartForGood() {
		for (int i = 0; i < 1000; i++) {
			AppId app = AppId.of("app" + i);
			assertThat(CrashWatcher.part(app)).isBetween(0, CrashWatcher.SLICES - 1)
				.isEqualTo(CrashWatcher.part(AppId.of("app" + i)));
		}
	}

	@Test
	void theScheduleNoticesEveryCrashWithinARound() throws Exception {
		Duration poll = Duration.ofMillis(200);
		supervise(poll);
		long start = System.nanoTime();
		this.daemons.values().forEach((daemon) -> daemon.exit().complete(1));
		// a round: SLICES ticks of poll / SLICES; the rest is slack for a busy machine
		await().atMost(poll.plusSeconds(5)).until(() -> crashed().size() == APPS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).isLessThan(poll.plusSeconds(5));
		assertThat(this.apps.all()).allSatisfy((s) -> assertThat(s.status.restarts()).isEqualTo(1));
	}

	private Set<String> crashed() {
		return this.events.stream()
			.filter(AppCrashed.class::isInstance)
			.map((event) -> ((AppCrashed) event).app().value())
			.collect(Collectors.toCollection(java.util.HashSet::new));
	}

}
