package dev.pyapp.server.runtime.internal;

import java.io.IOException;
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
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.runtime.WireProtocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * A supervisor without an app server, for the tests of its threads
 * ({@link CrashWatcherTests}, {@link SupervisorConcurrencyTests}): the real
 * {@link SupervisedApps}, {@link DaemonStarts}, {@link DaemonStops} and
 * {@link CrashWatcher} over a mocked registry, contexts, app servers and records. Each
 * app has one release, {@code r1}. A launch is a fake: it counts, waits at the app's gate
 * when a test put one there, and returns a daemon that is alive until a test completes
 * its exit ("crashes" it) or it is stopped. {@link #close()} opens every gate and stops
 * the threads.
 */
final class SupervisorFixture implements AutoCloseable {

	final DaemonLauncher launcher = mock(DaemonLauncher.class);

	final AppServer server = mock(AppServer.class);

	/** Launches per app. */
	final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();

	/** Where a launch of an app waits, when a test put a gate there. */
	final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	/** The daemon each app's last launch returned. */
	final Map<String, Daemon> daemons = new ConcurrentHashMap<>();

	/** The events published, in order. */
	final List<Object> events = new CopyOnWriteArrayList<>();

	final RestartScheduler restarts = new RestartScheduler();

	final SupervisedApps apps;

	final DaemonStarts starts;

	final DaemonStops stops;

	final CrashWatcher watcher;

	private final AtomicLong pids = new AtomicLong(1000);

	/**
	 * A supervisor of some apps.
	 * @param home the server's home (a temporary directory)
	 * @param names the apps, each installed with release {@code r1}
	 * @param properties the supervisor's settings ({@link #properties})
	 * @throws IOException if the apps' directories cannot be made
	 */
	SupervisorFixture(Path home, List<AppId> names, RuntimeProperties properties) throws IOException {
		PyappHome pyappHome = new PyappHome(home);
		AppRegistry registry = mock(AppRegistry.class);
		AppContexts contexts = mock(AppContexts.class);
		AppServers servers = mock(AppServers.class);
		DaemonRecordRepository records = mock(DaemonRecordRepository.class);
		given(records.findById(any())).willReturn(Optional.empty());
		given(this.server.name()).willReturn("gunicorn");
		given(this.server.displayName()).willReturn("gunicorn");
		given(this.server.protocol()).willReturn(WireProtocol.HTTP);
		for (AppId app : names) {
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
			Daemon daemon = new Daemon("r1", this.pids.incrementAndGet(), null, 20000, home.resolve("x.pid"),
					Instant.now(), new CompletableFuture<>(), 0, this.server, null, 0);
			this.daemons.put(app.value(), daemon);
			return daemon;
		}).given(this.launcher).launch(any(), any(), any(), anySet());
		willAnswer((invocation) -> !invocation.<Daemon>getArgument(0).exit().isDone()).given(this.launcher)
			.alive(any());
		willAnswer((invocation) -> invocation.<Daemon>getArgument(0).exit().complete(0)).given(this.launcher)
			.stop(any());
		given(this.launcher.stderrTail(any(), any())).willReturn("");
		this.apps = new SupervisedApps(pyappHome, registry, contexts, mock(ScheduledTasks.class), records, properties,
				this.restarts);
		this.starts = new DaemonStarts(this.apps, contexts, this.launcher, servers, this.events::add);
		this.stops = new DaemonStops(registry, this.apps, this.launcher, this.events::add);
		this.watcher = new CrashWatcher(this.apps, this.starts, this.launcher,
				new DaemonCgroups(mock(HostIsolation.class)), contexts, this.events::add, properties);
		// as once the server is up
		this.watcher.begin();
	}

	/**
	 * The supervisor's settings with the restart timings a test needs; the rest as in
	 * production.
	 * @param restartBackoff the first restart's delay
	 * @param restartBackoffMax the longest delay
	 * @param pollInterval how often the crash watcher looks at every app
	 * @return the settings
	 */
	static RuntimeProperties properties(Duration restartBackoff, Duration restartBackoffMax, Duration pollInterval) {
		return new RuntimeProperties("20000-20999", Duration.ofSeconds(60), Duration.ofSeconds(20),
				Duration.ofMillis(10), restartBackoff, restartBackoffMax, 5, Duration.ofMinutes(5), pollInterval,
				"auto", new RuntimeProperties.Uwsgi("uwsgi", "python3"),
				new RuntimeProperties.Adoption(Duration.ofSeconds(10), 4, 4));
	}

	@Override
	public void close() {
		this.gates.values().forEach((gate) -> {
			while (gate.getCount() > 0) {
				gate.countDown();
			}
		});
		this.watcher.destroy();
		this.restarts.destroy();
	}

}
