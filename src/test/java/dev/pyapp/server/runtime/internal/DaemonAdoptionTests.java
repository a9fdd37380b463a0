package dev.pyapp.server.runtime.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppNotAdopted;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.venv.VenvBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;

/**
 * Adoption after a restart of the server: what it does at once, before the server answers
 * calls ({@link DaemonAdoption#adoptNow}), and what it leaves for once the server is up.
 * An app whose daemon outlived the server shows {@code running}, with its pid, from the
 * first answer.
 */
class DaemonAdoptionTests {

	private static final AppId APP = AppId.of("adopted");

	private static final long PID = 4242;

	@TempDir
	Path home;

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppContexts contexts = mock(AppContexts.class);

	private final AppServers servers = mock(AppServers.class);

	private final DaemonLauncher launcher = mock(DaemonLauncher.class);

	private final AppIsolation isolation = mock(AppIsolation.class);

	private final AppServer server = mock(AppServer.class);

	private final GracefulRestart restarts = mock(GracefulRestart.class);

	private DaemonStops stops;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private SupervisedApps apps;

	private DaemonAdoption adoption;

	private CrashWatcher watcher;

	@BeforeEach
	void restartedServer() throws Exception {
		AppPaths paths = new PyappHome(this.home).app(APP);
		Files.createDirectories(paths.run());
		Files.createDirectories(paths.logs());
		DaemonRecordRepository records = mock(DaemonRecordRepository.class);
		given(records.findById(APP.value())).willReturn(Optional.of(new DaemonRecord(APP.value(), true, "r1", PID,
				20007, Instant.now(), 0, null, null, false, "gunicorn")));
		InstalledApp installed = new InstalledApp(APP.value(), AppSource.archive(), "r1", Map.of(), Instant.now(),
				Instant.now());
		given(this.registry.find(APP)).willReturn(Optional.of(installed));
		given(this.registry.get(APP)).willReturn(installed);
		ProcessContext context = mock(ProcessContext.class);
		given(context.isolation()).willReturn(Isolation.none());
		given(this.contexts.context(eq(APP), any())).willReturn(context);
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.daemon()).willReturn(
				new AppManifest.Daemon(AppManifest.DaemonMethod.THREADING, 1, 1, AppManifest.BindKind.PORT, null));
		given(this.contexts.manifest(eq(APP), any())).willReturn(manifest);
		given(this.servers.choose(any(), any())).willReturn(new AppServers.Choice(this.server, "test"));
		given(this.server.displayName()).willReturn("gunicorn");
		// a start after the restart fails: no venv
		given(this.launcher.launch(any(), any(), any(), anySet())).willThrow(PyappException.conflict("no venv"));
		this.apps = new SupervisedApps(new PyappHome(this.home), this.registry, this.contexts,
				mock(ScheduledTasks.class), records,
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)),
				new RestartScheduler());
		this.stops = new DaemonStops(this.registry, this.apps, this.launcher, this.events::add);
		this.adoption = new DaemonAdoption(this.registry, this.apps,
				new DaemonStarts(this.apps, this.contexts, this.launcher, this.servers, this.events::add),
				this.contexts, this.launcher, new DaemonCgroups(mock(HostIsolation.class)), this.isolation,
				mock(VenvBuilder.class), this.events::add, this.restarts, this.stops);
		// looks only when a test says (poll interval: an hour)
		this.watcher = new CrashWatcher(this.apps,
				new DaemonStarts(this.apps, this.contexts, this.launcher, this.servers, this.events::add),
				this.launcher, new DaemonCgroups(mock(HostIsolation.class)), this.contexts, this.events::add,
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)));
		given(this.launcher.stderrTail(any(), any())).willReturn("");
	}

	@AfterEach
	void stopWatching() {
		this.watcher.destroy();
	}

	@Test
	void aDaemonThatOutlivedTheServerRunsAgainBeforeTheRestOfItsAdoption() throws Exception {
		daemonStillRuns();

		Runnable rest = this.adoption.adoptNow(APP);

		AppStatus status = this.apps.supervised(APP).status();
		assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
		assertThat(status.pid()).isEqualTo(PID);
		assertThat(status.port()).isEqualTo(20007);
		assertThat(this.apps.endpoint(APP, this.servers).port()).isEqualTo(20007);
		// the event (the mounts, the health check) waits until the server is up
		assertThat(this.events).isEmpty();

		rest.run();

		assertThat(this.events).containsExactly(new AppStarted(APP, "r1", PID, null, 20007));
		assertThat(this.apps.supervised(APP).status().pid()).isEqualTo(PID);
		then(this.launcher).should(never()).launch(any(), any(), any(), anySet());
	}

	@Test
	void anAdoptedDaemonsStderrBeginsWhereTheFileEndsWhenItIsAdopted() throws Exception {
		daemonStillRuns();
		// what the release's file holds may be a replaced daemon's last lines
		given(this.launcher.stderrEnd(APP, "r1")).willReturn(8192L);

		this.adoption.adoptNow(APP);

		assertThat(this.apps.supervised(APP).live().stderrOffset()).isEqualTo(8192L);
	}

	@Test
	void aDaemonThatOutlivedTheServerIsTakenOverWithoutItsProcessContext() throws Exception {
		daemonStillRuns();
		given(this.isolation.cgroup(APP)).willReturn("demo.t1");
		// building a process context waits for the search for the host's interpreters
		// (its sandbox shows the venv's one), which took over 10 s on a host with pyenv
		given(this.contexts.context(eq(APP), any()))
			.willThrow(new IllegalStateException("still looking for the host's interpreters"));

		this.adoption.adoptNow(APP).run();

		Daemon live = this.apps.supervised(APP).live();
		assertThat(live).isNotNull();
		assertThat(live.pid()).isEqualTo(PID);
		// one level below the app's, named by the daemon's key (its pid file's name)
		assertThat(live.cgroup())
			.isEqualTo("demo.t1/" + live.pidFile().getFileName().toString().replaceFirst("\\.pid$", ""));
		assertThat(this.events).containsExactly(new AppStarted(APP, "r1", PID, null, 20007));
		then(this.isolation).should().own(APP);
	}

	@Test
	void aCrashBeforeTheServerIsUpIsHandledOnceItIsUpAsAnyCrash() throws Exception {
		daemonStillRuns();
		Runnable rest = this.adoption.adoptNow(APP);
		// the adopted daemon ends while the server starts
		given(this.launcher.alive(any())).willReturn(false);

		// a look before the server is up and has cleaned up what its last run left
		this.watcher.watchAll();

		assertThat(this.events).isEmpty();
		assertThat(this.apps.supervised(APP).restarts.isScheduled()).isFalse();
		assertThat(this.apps.supervised(APP).status().state()).isEqualTo(ProcessState.RUNNING);

		// the server is up
		this.watcher.begin();
		rest.run();
		this.watcher.watchAll();

		assertThat(this.events).hasSize(2);
		assertThat(this.events.get(0)).isEqualTo(new AppStarted(APP, "r1", PID, null, 20007));
		assertThat(this.events.get(1)).isInstanceOfSatisfying(AppCrashed.class, (crashed) -> {
			assertThat(crashed.app()).isEqualTo(APP);
			assertThat(crashed.failed()).isFalse();
		});
		// restarted after the backoff, as any crash
		assertThat(this.apps.supervised(APP).restarts.isScheduled()).isTrue();
		assertThat(this.apps.supervised(APP).status().state()).isEqualTo(ProcessState.STARTING);
	}

	@Test
	void anAdoptedDaemonThatCrashedBeforeTheRestOfItsAdoptionIsNotAnnouncedAsStarted() throws Exception {
		daemonStillRuns();
		Runnable rest = this.adoption.adoptNow(APP);
		given(this.launcher.alive(any())).willReturn(false);
		this.watcher.begin();
		this.watcher.watchAll();
		assertThat(this.events).singleElement().isInstanceOf(AppCrashed.class);

		// the rest of the adoption runs after the crash was handled
		rest.run();

		assertThat(this.events).singleElement().isInstanceOf(AppCrashed.class);
	}

	@Test
	void anAppWhoseDaemonIsGoneIsStoppedUntilTheRestOfItsAdoptionStartsIt() {
		// no pid file: the daemon ended while the server was down
		Runnable rest = this.adoption.adoptNow(APP);

		assertThat(this.apps.supervised(APP).status().state()).isEqualTo(ProcessState.STOPPED);
		assertThat(this.apps.supervised(APP).status().pid()).isNull();
		// its port is free: the web server no longer reaches it there
		assertThat(this.apps.endpoint(APP, this.servers).port()).isNull();
		then(this.launcher).should(never()).launch(any(), any(), any(), anySet());
		assertThat(this.events).isEmpty();

		// the start fails (the launcher says so): the rest throws it, for the start-up to
		// log with the others
		assertThatExceptionOfType(PyappException.class).isThrownBy(rest::run).withMessageContaining("no venv");

		assertThat(this.events).containsExactly(new AppNotAdopted(APP, 20007));
		assertThat(this.apps.supervised(APP).status().state()).isEqualTo(ProcessState.FAILED);
	}

	@Test
	void aDaemonOfTheServersUserServesOnUntilOneOfTheAppsUserReplacesIt() throws Exception {
		// started by a server before app users, as its own user
		daemonStillRuns();
		given(this.isolation.runsAsApp(eq(APP), any())).willReturn(false);

		Runnable rest = this.adoption.adoptNow(APP);

		AppStatus status = this.apps.supervised(APP).status();
		assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
		assertThat(status.pid()).isEqualTo(PID);
		then(this.launcher).should().publish(eq(APP), any(), eq(true));

		rest.run();

		assertThat(this.events).containsExactly(new AppStarted(APP, "r1", PID, null, 20007));
		// a new daemon beside it, then the switch (GracefulRestart): no failed request
		then(this.restarts).should().restart(APP);
		then(this.launcher).should(never()).stop(any());
	}

	@Test
	void aDaemonOfTheServersUserThatCannotBeReplacedGracefullyIsStoppedAllTheSame() throws Exception {
		daemonStillRuns();
		given(this.isolation.runsAsApp(eq(APP), any())).willReturn(false);
		given(this.restarts.restart(APP)).willThrow(PyappException.failed("unhealthy", null));
		Runnable rest = this.adoption.adoptNow(APP);

		// the start after the stop fails here (the launcher says so): the rest throws it
		assertThatExceptionOfType(PyappException.class).isThrownBy(rest::run).withMessageContaining("no venv");

		// no app code keeps running as the server's user; then the app starts
		then(this.launcher).should().stop(any());
		then(this.launcher).should().launch(any(), any(), any(), anySet());
	}

	@Test
	void aDaemonOfTheServersUserStoppedByACallDuringItsReplacementIsNotStartedAgain() throws Exception {
		daemonStillRuns();
		given(this.isolation.runsAsApp(eq(APP), any())).willReturn(false);
		given(this.restarts.restart(APP)).willAnswer((invocation) -> {
			// the operator stops the app while the new daemon starts
			this.stops.stop(APP);
			throw PyappException.conflict("app 'adopted' changed while it restarted; try again");
		});

		this.adoption.adoptNow(APP).run();

		assertThat(this.apps.supervised(APP).status().state()).isEqualTo(ProcessState.STOPPED);
		then(this.launcher).should(never()).launch(any(), any(), any(), anySet());
	}

	@Test
	void aSandboxedCandidateLeftByACrashIsFoundByItsPidFileAndStopped() throws Exception {
		daemonStillRuns();
		// the candidate of an upgrade the crash interrupted: uWSGI wrote its pid inside
		// its sandbox's PID namespace, which is no pid of the host
		Path strayPidFile = strayPidFile("r-0badc0de.pid", "2");
		given(this.launcher.naming(APP, strayPidFile)).willReturn(new DaemonLauncher.Recognised(
				new ProcessInfo(777, List.of("uwsgi", "--pidfile", strayPidFile.toString()), Instant.now(), 1000),
				this.server));
		// the live daemon's own pid file, which holds its pid in its sandbox too
		Path livePidFile = strayPidFile("r-1ive0000.pid", "2");
		given(this.launcher.naming(APP, livePidFile)).willReturn(new DaemonLauncher.Recognised(
				new ProcessInfo(PID, List.of("uwsgi", "--pidfile", livePidFile.toString()), Instant.now(), 1000),
				this.server));

		this.adoption.adoptNow(APP).run();

		// the stray (its host pid), not the adopted live daemon
		then(this.launcher).should()
			.stop(argThat((daemon) -> daemon.pid() == 777 && daemon.pidFile().equals(strayPidFile)
			// its link in web/ goes with it
					&& daemon.socket().equals(strayPidFile.resolveSibling("r-0badc0de.sock"))));
		then(this.launcher).should(times(1)).stop(any());
		assertThat(this.apps.supervised(APP).status().pid()).isEqualTo(PID);
	}

	@Test
	void theCandidateOfAnInterruptedFirstInstallIsStopped() throws Exception {
		InstalledApp installed = new InstalledApp(APP.value(), AppSource.archive(), null, Map.of(), Instant.now(),
				Instant.now());
		given(this.registry.find(APP)).willReturn(Optional.of(installed));
		given(this.registry.get(APP)).willReturn(installed);
		Path strayPidFile = strayPidFile("r-0badc0de.pid", "2");
		given(this.launcher.naming(APP, strayPidFile)).willReturn(new DaemonLauncher.Recognised(
				new ProcessInfo(777, List.of("uwsgi", "--pidfile", strayPidFile.toString()), Instant.now(), 1000),
				this.server));

		Path endedSocket = Files.writeString(new PyappHome(this.home).app(APP).run().resolve("r-1ea7e000.sock"), "");
		Path endedPidFile = strayPidFile("r-1ea7e000.pid", "3");

		this.adoption.adoptNow(APP).run();

		then(this.launcher).should().stop(argThat((daemon) -> daemon.pid() == 777));
		// an earlier candidate, killed with its cgroup: no live release to keep files for
		assertThat(endedPidFile).doesNotExist();
		assertThat(endedSocket).doesNotExist();
	}

	@Test
	void theFilesOfADaemonOfTheLastRunThatEndedAreDeletedButNotTheLiveReleases() throws Exception {
		daemonStillRuns();
		AppPaths paths = new PyappHome(this.home).app(APP);
		Files.createSymbolicLink(paths.socket(), Path.of("r-1ive0000.sock"));
		Path livePidFile = strayPidFile("r-1ive0000.pid", "2");
		Path liveSocket = Files.writeString(paths.run().resolve("r-1ive0000.sock"), "");
		// a candidate killed with its cgroup while the server was down
		Path endedPidFile = strayPidFile("r-0badc0de.pid", "2");
		Path endedSocket = Files.writeString(paths.run().resolve("r-0badc0de.sock"), "");

		this.adoption.adoptNow(APP).run();

		assertThat(endedPidFile).doesNotExist();
		assertThat(endedSocket).doesNotExist();
		assertThat(livePidFile).exists();
		assertThat(liveSocket).exists();
		then(this.launcher).should(never()).stop(any());
	}

	@Test
	void theAdoptedDaemonsOwnPidFileIsNotLookedForAmongTheHostsProcesses() throws Exception {
		daemonStillRuns();
		Runnable rest = this.adoption.adoptNow(APP);
		strayPidFile(this.apps.supervised(APP).live().pidFile().getFileName().toString(), "2");

		rest.run();

		then(this.launcher).should(never()).naming(any(), any());
		then(this.launcher).should(never()).stop(any());
	}

	/** A pid file the last run's daemon wrote, before this run began. */
	private Path strayPidFile(String name, String pid) throws Exception {
		Path file = new PyappHome(this.home).app(APP).run().resolve(name);
		Files.writeString(file, pid + "\n");
		Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
		return file;
	}

	private void daemonStillRuns() throws Exception {
		Files.writeString(new PyappHome(this.home).app(APP).pidFile(), PID + "\n");
		given(this.launcher.verify(APP, PID)).willReturn(new DaemonLauncher.Recognised(
				new ProcessInfo(PID, List.of("gunicorn", "app:application"), Instant.now(), 1000), this.server));
		given(this.isolation.runsAsApp(eq(APP), any())).willReturn(true);
	}

}
