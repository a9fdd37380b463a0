package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppEndpoint;
import dev.pyapp.server.runtime.AppNotAdopted;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.venv.VenvBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Where the web server reaches a daemon bound to a port: the port only while the daemon
 * runs. A port its daemon freed by crashing or stopping can be bound by any local
 * process, which would then be passed the app's requests.
 */
class DaemonEndpointTests {

	private static final AppId APP = AppId.of("ported");

	@TempDir
	Path home;

	private SupervisorFixture supervisor;

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppContexts contexts = mock(AppContexts.class);

	private final AppServers servers = mock(AppServers.class);

	@BeforeEach
	void start() throws Exception {
		// restarts wait a minute: the crashed daemon stays down during the test
		this.supervisor = new SupervisorFixture(this.home, List.of(APP),
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)));
		this.supervisor.starts.start(APP);
	}

	@AfterEach
	void release() {
		this.supervisor.close();
	}

	private AppEndpoint endpoint() {
		return this.supervisor.apps.endpoint(APP, mock(AppServers.class));
	}

	@Test
	void isThePortWhileTheDaemonRuns() {
		assertThat(endpoint().port()).isEqualTo(20000);
		assertThat(endpoint().socket()).isNull();
	}

	@Test
	void isNoLongerThePortOnceTheDaemonCrashed() {
		this.supervisor.daemons.get(APP.value()).exit().complete(1);
		this.supervisor.watcher.watch(CrashWatcher.part(APP));
		assertThat(this.supervisor.events).hasAtLeastOneElementOfType(AppCrashed.class);

		assertThat(endpoint().port()).isNull();
		assertThat(endpoint().socket()).isEqualTo(new PyappHome(this.home).app(APP).webSocket());
	}

	@Test
	void isNoLongerThePortOnceTheDaemonStopped() {
		this.supervisor.stops.stop(APP);

		assertThat(endpoint().port()).isNull();
		assertThat(endpoint().socket()).isEqualTo(new PyappHome(this.home).app(APP).webSocket());
	}

	@Test
	void isThePortItsDaemonHadBeforeARestartOfTheServerUntilAdoptionLookedForIt() {
		SupervisedApps restarted = restartedWith(
				new DaemonRecord(APP.value(), true, "r1", 4242L, 20007, Instant.now(), 0, null, null, false, "uwsgi"));
		// the web server reached the daemon there while the server was down; elsewhere,
		// each request is a 502 until the daemon is adopted
		assertThat(restarted.endpoint(APP, mock(AppServers.class)).port()).isEqualTo(20007);

		restarted.supervised(APP).adoptionEnded();
		// adopted, its port is in its status again; not found, the port is free
		assertThat(restarted.endpoint(APP, mock(AppServers.class)).port()).isNull();
		assertThat(restarted.endpoint(APP, mock(AppServers.class)).socket())
			.isEqualTo(new PyappHome(this.home).app(APP).webSocket());
	}

	@Test
	void isNoLongerThePortOnceAdoptionFoundNoDaemonAndItsStartFailed() {
		DaemonRecord record = new DaemonRecord(APP.value(), true, "r1", 4242L, 20007, Instant.now(), 0, null, null,
				false, "gunicorn");
		SupervisedApps restarted = restartedWith(record);
		// no pid file: the daemon is gone; and its start fails
		DaemonLauncher launcher = mock(DaemonLauncher.class);
		given(launcher.launch(any(), any(), any(), anySet())).willThrow(PyappException.conflict("no venv"));
		List<Object> events = new CopyOnWriteArrayList<>();
		DaemonAdoption adoption = new DaemonAdoption(this.registry, restarted,
				new DaemonStarts(restarted, this.contexts, launcher, this.servers, events::add), this.contexts,
				launcher, new DaemonCgroups(mock(HostIsolation.class)), mock(AppIsolation.class),
				mock(VenvBuilder.class), events::add, mock(GracefulRestart.class), mock(DaemonStops.class));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> adoption.adopt(APP));

		assertThat(restarted.supervised(APP).status().state()).isEqualTo(ProcessState.FAILED);
		assertThat(restarted.endpoint(APP, this.servers).port()).isNull();
		// what the mounts apply the configuration again on (MountReactionsTests): the
		// web server stops naming the port
		assertThat(events).containsExactly(new AppNotAdopted(APP, 20007));
	}

	@Test
	void isNotThePortOfADaemonThatHadFailedOrBeenStoppedBeforeARestart() {
		assertThat(restartedWith(
				new DaemonRecord(APP.value(), true, "r1", null, 20007, null, 5, 1, "crashed", true, "uwsgi"))
			.endpoint(APP, mock(AppServers.class))
			.port()).isNull();
		assertThat(
				restartedWith(new DaemonRecord(APP.value(), false, "r1", null, 20007, null, 0, 0, null, false, "uwsgi"))
					.endpoint(APP, mock(AppServers.class))
					.port())
			.isNull();
	}

	private SupervisedApps restartedWith(DaemonRecord record) {
		DaemonRecordRepository records = mock(DaemonRecordRepository.class);
		given(records.findById(APP.value())).willReturn(Optional.of(record));
		InstalledApp installed = new InstalledApp(APP.value(), AppSource.archive(), "r1", Map.of(), Instant.now(),
				Instant.now());
		given(this.registry.find(APP)).willReturn(Optional.of(installed));
		given(this.registry.get(APP)).willReturn(installed);
		given(this.contexts.context(eq(APP), any())).willReturn(mock(ProcessContext.class));
		given(this.contexts.manifest(eq(APP), any())).willReturn(mock(AppManifest.class));
		given(this.servers.choose(any(), any())).willReturn(new AppServers.Choice(mock(AppServer.class), "test"));
		return new SupervisedApps(new PyappHome(this.home), this.registry, this.contexts, mock(ScheduledTasks.class),
				records,
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)),
				new RestartScheduler());
	}

}
