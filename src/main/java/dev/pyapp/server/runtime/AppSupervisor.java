package dev.pyapp.server.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Runs and supervises one daemon per app (SPEC §4, §9, §10), on the app server
 * {@link AppServers} picks for its release: start, stop (the server's graceful stop
 * signal, then KILL after a grace period), graceful reload, restart after a crash with
 * exponential backoff until it crashes too often ({@code failed}), and adoption of
 * daemons that outlived a restart of this server. For upgrades and rollbacks it starts a
 * candidate release beside the live one on its own socket, checks its health and promotes
 * it by switching {@code run/app.sock} atomically. Publishes {@link AppStarted},
 * {@link AppStopped} and {@link AppCrashed}. Every method is synchronous.
 */
@Component
public class AppSupervisor implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(AppSupervisor.class);

	/** The reason of a daemon whose processes the kernel killed for memory. */
	public static final String OUT_OF_MEMORY = "out of memory";

	/** How long after an out-of-memory kill a daemon's end is put down to it. */
	private static final Duration OUT_OF_MEMORY_WINDOW = Duration.ofSeconds(10);

	private final PyappHome home;

	private final AppRegistry registry;

	private final AppContexts contexts;

	private final DaemonLauncher launcher;

	private final VenvBuilder venvs;

	private final ScheduledTasks tasks;

	private final DaemonRecordRepository records;

	private final ApplicationEventPublisher events;

	private final ObjectProvider<MountPaths> mounts;

	private final RuntimeProperties properties;

	private final AppServers servers;

	private final AppIsolation isolation;

	private final Map<String, Supervised> apps = new ConcurrentHashMap<>();

	private final ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(2, (runnable) -> {
		Thread thread = new Thread(runnable, "pyapp-supervisor");
		thread.setDaemon(true);
		return thread;
	});

	AppSupervisor(PyappHome home, AppRegistry registry, AppContexts contexts, DaemonLauncher launcher,
			VenvBuilder venvs, ScheduledTasks tasks, DaemonRecordRepository records, ApplicationEventPublisher events,
			ObjectProvider<MountPaths> mounts, RuntimeProperties properties, AppServers servers,
			AppIsolation isolation) {
		this.home = home;
		this.isolation = isolation;
		this.registry = registry;
		this.contexts = contexts;
		this.launcher = launcher;
		this.venvs = venvs;
		this.tasks = tasks;
		this.records = records;
		this.events = events;
		this.mounts = mounts;
		this.properties = properties;
		this.servers = servers;
		long poll = properties.pollInterval().toMillis();
		this.executor.scheduleWithFixedDelay(this::watch, poll, poll, TimeUnit.MILLISECONDS);
	}

	/**
	 * Starts the live release's daemon and waits until it accepts connections.
	 * @param app the app
	 * @return the status (unchanged if it runs already)
	 * @throws PyappException {@code NOT_FOUND} for an unknown app, {@code CONFLICT} if it
	 * has no live release, {@code FAILED} with the end of its stderr if it does not start
	 */
	public AppStatus start(AppId app) {
		String release = liveRelease(app);
		Supervised s = supervised(app);
		synchronized (s) {
			s.wanted = true;
			if (s.live != null && this.launcher.alive(s.live)) {
				return s.status;
			}
			cancelRestart(s);
			s.policy.reset();
			s.status = s.status.starting(release);
			try {
				goLive(s, launch(app, release));
			}
			catch (RuntimeException ex) {
				s.status = s.status.failed("start failed: " + ex.getMessage());
				save(s);
				throw ex;
			}
			return s.status;
		}
	}

	/**
	 * Stops the app's daemon (TERM, KILL after {@code pyapp.runtime.stop-timeout}); it
	 * stays stopped until {@link #start}, also across server restarts.
	 * @param app the app
	 * @return the status
	 */
	public AppStatus stop(AppId app) {
		Supervised s = supervised(app);
		Daemon live;
		synchronized (s) {
			s.wanted = false;
			cancelRestart(s);
			live = s.live;
			s.live = null;
			s.status = s.status.stoppedNow();
			this.tasks.unschedule(app);
			save(s);
		}
		if (live != null) {
			this.launcher.stop(live);
			DaemonLauncher.deleteQuietly(this.home.app(app).pidFile());
			this.events.publishEvent(new AppStopped(app, live.release()));
		}
		return s.status;
	}

	/**
	 * Restarts the app gracefully, as an upgrade switches: a new daemon of the live
	 * release starts beside the running one (on its own socket or port, reading the
	 * environment and configuration again), its health is checked, {@code run/app.sock}
	 * is switched to it, and the old one is stopped once drained. No request fails. A
	 * stopped app is started.
	 * @param app the app
	 * @return the status
	 * @throws PyappException ({@code FAILED}) when the new daemon does not start or is
	 * unhealthy (the running one stays), {@code CONFLICT} while an upgrade switches
	 */
	public AppStatus restart(AppId app) {
		String release = liveRelease(app);
		Supervised s = supervised(app);
		Daemon old;
		synchronized (s) {
			old = s.live;
			if (s.retiring != null) {
				throw PyappException.conflict("app '" + app + "' is switching releases; restart it when that is done");
			}
		}
		if (old == null || !this.launcher.alive(old) || !old.release().equals(release)) {
			stop(app);
			return start(app);
		}
		Daemon fresh = this.launcher.launch(this.contexts.context(app, release), this.contexts.manifest(app, release),
				old.server(), portsInUse(), DaemonLauncher.alternateKey(old));
		try {
			checkHealth(app, release, fresh);
		}
		catch (RuntimeException ex) {
			this.launcher.stop(fresh);
			throw ex;
		}
		synchronized (s) {
			if (s.live != old || s.retiring != null) {
				// stopped, crashed or upgraded meanwhile: this daemon is not wanted
				this.launcher.stop(fresh);
				throw PyappException.conflict("app '" + app + "' changed while it restarted; try again");
			}
			s.retiring = old;
			s.wanted = true;
			cancelRestart(s);
			s.policy.reset();
			goLive(s, fresh);
		}
		retire(app);
		logger.info("Restarted {} gracefully (pid {} replaced pid {})", app, fresh.pid(), old.pid());
		return s.status;
	}

	/**
	 * Puts the limits the app has now (after {@code apps.limits.set}) in force: on its
	 * running daemon in place where its cgroup allows, else by a restart. A stopped app
	 * gets them when it starts.
	 * @param app the app
	 * @return the status
	 */
	public AppStatus applyLimits(AppId app) {
		Supervised s = supervised(app);
		Daemon live;
		synchronized (s) {
			live = s.live;
			if (live == null || !this.launcher.alive(live)) {
				return s.status;
			}
		}
		if (this.launcher.updateLimits(live, this.contexts.context(app, live.release()).isolation())) {
			return s.status;
		}
		return restart(app);
	}

	/**
	 * Reloads the daemon gracefully (its server's reload signal: the workers are replaced
	 * and read the configuration again). A stopped app stays stopped.
	 * @param app the app
	 * @return the status
	 */
	public AppStatus reload(AppId app) {
		Supervised s = supervised(app);
		synchronized (s) {
			if (s.live != null && this.launcher.alive(s.live)) {
				this.launcher.reload(s.live);
			}
			return s.status;
		}
	}

	/**
	 * The app's process state.
	 * @param app the app
	 * @return its status ({@code stopped} if nothing is known)
	 */
	public AppStatus status(AppId app) {
		Supervised s = this.apps.get(app.value());
		return (s != null) ? s.status : AppStatus.stopped(app);
	}

	/**
	 * Whether the operator wants the app running (it was started and not stopped).
	 * @param app the app
	 * @return whether it should run
	 */
	public boolean wanted(AppId app) {
		Supervised s = this.apps.get(app.value());
		return (s != null) ? s.wanted : this.records.findById(app.value()).map(DaemonRecord::running).orElse(true);
	}

	/**
	 * Starts a release that is not live beside the live one, on its own socket or port,
	 * and waits until it accepts connections. Nothing live changes.
	 * @param app the app
	 * @param release the release
	 * @return the app server it runs on, and why
	 * @throws PyappException ({@code FAILED}) with the end of its stderr if it does not
	 * start
	 */
	public AppServers.Choice startCandidate(AppId app, String release) {
		Supervised s = supervised(app);
		Daemon previous;
		synchronized (s) {
			previous = s.candidate;
			s.candidate = null;
		}
		if (previous != null) {
			this.launcher.stop(previous);
		}
		ProcessContext context = this.contexts.context(app, release);
		AppManifest manifest = this.contexts.manifest(app, release);
		AppServers.Choice choice = this.servers.choose(manifest, context.python());
		Daemon daemon = launch(context, manifest, choice);
		synchronized (s) {
			s.candidate = daemon;
		}
		return choice;
	}

	/**
	 * Runs the release's health check (SPEC {@code health}) against its own daemon, as
	 * the web server will send it: {@code SCRIPT_NAME} set to the app's mount path
	 * ({@code /} when unmounted), {@code Host} set to {@code health.host} or else the
	 * first host name of the first virtual server the app is mounted on
	 * ({@code localhost} when unmounted), and {@code X-Forwarded-Proto: https} when that
	 * server serves TLS.
	 * @param app the app
	 * @param release a running candidate or the live release
	 * @throws PyappException ({@code FAILED}) with the response when it is not 2xx/3xx
	 */
	public void checkHealth(AppId app, String release) {
		checkHealth(app, release, daemon(app, release));
	}

	private void checkHealth(AppId app, String release, Daemon daemon) {
		AppManifest.Health health = this.contexts.manifest(app, release).health();
		MountPaths.MountPoint mount = this.mounts.getIfAvailable(() -> (id) -> java.util.Optional.empty())
			.mountPoint(app)
			.orElse(new MountPaths.MountPoint("", null, false));
		String path = mount.path().endsWith("/") ? mount.path().substring(0, mount.path().length() - 1) : mount.path();
		String host = (health.host() != null) ? health.host() : (mount.host() != null) ? mount.host() : "localhost";
		HealthProbe.check(daemon, path, health.path(), host, mount.tls(), health.timeout());
	}

	/**
	 * Makes a running candidate the live daemon: {@code run/app.sock} is switched to its
	 * socket in one rename, so new connections reach it at once. The daemon that was live
	 * keeps running until {@link #retire} (or {@link #revert}).
	 * @param app the app
	 * @param release the candidate's release
	 * @return the status
	 * @throws IllegalStateException if no candidate of that release runs
	 */
	public AppStatus promote(AppId app, String release) {
		Supervised s = supervised(app);
		Daemon candidate;
		synchronized (s) {
			candidate = s.candidate;
			if (candidate == null || !candidate.release().equals(release)) {
				throw new IllegalStateException(
						"App [" + app + "] has no running candidate of release [" + release + "] to promote");
			}
			if (s.retiring != null) {
				throw new IllegalStateException(
						"App [" + app + "] is still retiring release [" + s.retiring.release() + "]");
			}
		}
		leadWebServerTo(s, candidate);
		synchronized (s) {
			s.switching = null;
			if (s.candidate != candidate) {
				throw new IllegalStateException(
						"App [" + app + "] changed its candidate while switching to [" + release + "]");
			}
			s.retiring = s.live;
			s.candidate = null;
			s.wanted = true;
			cancelRestart(s);
			s.policy.reset();
			goLive(s, candidate);
			return s.status;
		}
	}

	/**
	 * Where the web server reaches the app and what it must speak there: the stable
	 * {@code run/app.sock} (or the live daemon's port) and the live daemon's protocol;
	 * while a switch to a daemon of another protocol is under way ({@link AppSwitching}),
	 * that daemon's own socket.
	 * @param app the app
	 * @return the endpoint ({@code run/app.sock} over HTTP when nothing ran yet)
	 */
	public AppEndpoint endpoint(AppId app) {
		Supervised s = supervised(app);
		Daemon switching = s.switching;
		if (switching != null && switching.socket() != null) {
			return new AppEndpoint(switching.socket(), null, switching.server().protocol());
		}
		AppStatus status = s.status;
		WireProtocol protocol = (status.server() != null)
				? this.servers.find(status.server()).map(AppServer::protocol).orElse(WireProtocol.HTTP)
				: WireProtocol.HTTP;
		if (status.socket() == null && status.port() != null) {
			return new AppEndpoint(null, status.port(), protocol);
		}
		return new AppEndpoint(this.home.app(app).socket(), null, protocol);
	}

	/**
	 * Before {@code run/app.sock} leads to a daemon that speaks another protocol, lets
	 * the web server reach that daemon on its own socket with the new protocol (the
	 * listeners of {@link AppSwitching} apply the web server's configuration), then waits
	 * the drain delay so that requests the old configuration accepted have connected. Not
	 * under the app's monitor: it reloads a web server.
	 */
	private void leadWebServerTo(Supervised s, Daemon next) {
		Daemon live = s.live;
		if (next.socket() == null || live == null || live.server().protocol() == next.server().protocol()) {
			return;
		}
		s.switching = next;
		logger.info("{} switches from {} to {}: the web server follows first", s.app, live.server().protocol().value(),
				next.server().protocol().value());
		try {
			this.events.publishEvent(new AppSwitching(s.app, next.release(), next.server().protocol()));
			DaemonLauncher.pause(this.properties.drainDelay());
		}
		catch (RuntimeException ex) {
			s.switching = null;
			throw ex;
		}
	}

	/**
	 * Stops the daemon a {@link #promote} replaced, after
	 * {@code pyapp.runtime.drain-delay} (it finishes the requests in progress).
	 * @param app the app
	 */
	public void retire(AppId app) {
		Supervised s = supervised(app);
		Daemon old;
		synchronized (s) {
			old = s.retiring;
			s.retiring = null;
		}
		if (old != null) {
			DaemonLauncher.pause(this.properties.drainDelay());
			this.launcher.stop(old);
		}
	}

	/**
	 * Undoes a {@link #promote}: the replaced daemon, still running, becomes live again
	 * and the promoted one is stopped.
	 * @param app the app
	 * @return whether there was a daemon to return to
	 */
	public boolean revert(AppId app) {
		Supervised s = supervised(app);
		Daemon old;
		synchronized (s) {
			old = s.retiring;
			if (old == null || !this.launcher.alive(old)) {
				s.retiring = null;
				return false;
			}
		}
		leadWebServerTo(s, old);
		Daemon promoted;
		synchronized (s) {
			s.switching = null;
			s.retiring = null;
			promoted = s.live;
			goLive(s, old);
		}
		if (promoted != null) {
			DaemonLauncher.pause(this.properties.drainDelay());
			this.launcher.stop(promoted);
		}
		return true;
	}

	/**
	 * Stops a candidate that will not go live.
	 * @param app the app
	 * @param release its release
	 */
	public void discard(AppId app, String release) {
		Supervised s = supervised(app);
		Daemon candidate;
		synchronized (s) {
			candidate = s.candidate;
			if (candidate == null || !candidate.release().equals(release)) {
				return;
			}
			s.candidate = null;
		}
		this.launcher.stop(candidate);
	}

	/**
	 * Stops everything of an app and forgets it (before it is removed).
	 * @param app the app
	 */
	public void forget(AppId app) {
		stop(app);
		Supervised s = this.apps.remove(app.value());
		if (s != null) {
			for (Daemon daemon : new Daemon[] { s.candidate, s.retiring }) {
				if (daemon != null) {
					this.launcher.stop(daemon);
				}
			}
		}
		this.records.deleteById(app.value());
		this.servers.forget(this.home.app(app).root());
	}

	/**
	 * Stops the daemons of every app as the server shuts down with them
	 * ({@code server.stop {all: true}}): unlike {@link #stop}, each app stays wanted, so
	 * the next start of the server starts it again.
	 * @return the names of the apps whose daemons were stopped
	 */
	public List<String> stopDaemons() {
		List<String> stopped = new java.util.ArrayList<>();
		for (dev.pyapp.server.install.InstalledApp installed : this.registry.list()) {
			AppId app = AppId.of(installed.name());
			Supervised s = supervised(app);
			List<Daemon> daemons = new java.util.ArrayList<>();
			synchronized (s) {
				cancelRestart(s);
				for (Daemon daemon : new Daemon[] { s.live, s.candidate, s.retiring }) {
					if (daemon != null) {
						daemons.add(daemon);
					}
				}
				s.live = null;
				s.candidate = null;
				s.retiring = null;
				s.status = s.status.stoppedNow();
				this.tasks.unschedule(app);
				save(s);
			}
			for (Daemon daemon : daemons) {
				this.launcher.stop(daemon);
			}
			// a daemon this run never adopted is stopped by its pid file
			Long pid = readPid(this.home.app(app).pidFile());
			DaemonLauncher.Recognised unadopted = (pid != null) ? this.launcher.verify(app, pid) : null;
			if (unadopted != null) {
				this.launcher.stop(new Daemon("unadopted", pid, null, null, this.home.app(app).pidFile(), Instant.now(),
						null, 0, unadopted.server(), null, 0));
				daemons.add(null);
			}
			DaemonLauncher.deleteQuietly(this.home.app(app).pidFile());
			if (!daemons.isEmpty()) {
				stopped.add(app.value());
			}
		}
		return stopped;
	}

	/**
	 * Takes over the daemon of an app after a restart of this server: the pid in
	 * {@code run/app.pid} is adopted if it really is one of this app's daemons (an app
	 * server's command line with its pid file in the app's {@code run/}); otherwise the
	 * app is started if it should run.
	 * @param app the app
	 */
	void adopt(AppId app) {
		String release = this.registry.find(app).map((installed) -> installed.currentRelease()).orElse(null);
		if (release == null) {
			return;
		}
		Supervised s = supervised(app);
		DaemonRecord record = this.records.findById(app.value()).orElse(null);
		synchronized (s) {
			if (record != null && record.failed()) {
				s.status = new AppStatus(app, ProcessState.FAILED, release, null, null, null, null, record.restarts(),
						record.lastExit(), record.reason(), record.server());
				return;
			}
			if (record == null || !s.wanted) {
				// never started (or stopped on purpose): nothing to adopt or start
				return;
			}
			Long pid = readPid(this.home.app(app).pidFile());
			DaemonLauncher.Recognised recognised = (pid != null) ? this.launcher.verify(app, pid) : null;
			if (recognised != null) {
				ProcessInfo info = recognised.info();
				String running = (record != null && record.release() != null && record.pid() != null
						&& record.pid().equals(pid)) ? record.release() : release;
				AppManifest manifest = this.contexts.manifest(app, running);
				boolean port = manifest.daemon().bind() == AppManifest.BindKind.PORT;
				// the daemon's own socket and pid file: a restart may have started it
				// under the other key of its release
				Path pidFile = pidFileOf(app, info, running);
				String key = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
				String cgroup = DaemonLauncher.cgroup(this.contexts.context(app, running).isolation(), key);
				Daemon daemon = new Daemon(running, pid, port ? null : liveSocket(app, running),
						port ? ((record != null) ? record.port() : null) : null, pidFile,
						(info.started() != null) ? info.started() : Instant.now(), null, 0, recognised.server(), cgroup,
						0);
				daemon = daemon.withOomKills(this.launcher.oomKills(daemon));
				if (!this.isolation.runsAsApp(app, info)) {
					// started before the app had a user of its own: it goes into its
					// sandbox now, once
					logger.info("Restarting the daemon of {} (pid {}, uid {}) as the app's own user", app, pid,
							info.uid());
					this.launcher.stop(daemon);
				}
				else {
					logger.info("Adopted the {} daemon of {} (pid {})", recognised.server().displayName(), app, pid);
					goLive(s, daemon);
					stopStrays(app, pid);
					return;
				}
			}
		}
		stopStrays(app, null);
		try {
			this.venvs.awaitProvisioning(Duration.ofMinutes(10));
			start(app);
		}
		catch (RuntimeException ex) {
			logger.error("Cannot start {} after the server's restart: {}", app, ex.getMessage());
		}
	}

	/** The socket {@code run/app.sock} points at, else the release's own. */
	private Path liveSocket(AppId app, String release) {
		AppPaths paths = this.home.app(app);
		try {
			Path target = paths.run().resolve(Files.readSymbolicLink(paths.socket())).normalize();
			if (target.getParent().equals(paths.run()) && target.getFileName().toString().startsWith("r-")) {
				return target;
			}
		}
		catch (java.io.IOException | UnsupportedOperationException ex) {
			// no link (yet): the release's own socket
		}
		return this.launcher.releaseSocket(app, release);
	}

	/**
	 * The pid file a daemon's command line names (gunicorn's {@code --pid}, uWSGI's
	 * {@code --pidfile}), else the release's.
	 */
	private Path pidFileOf(AppId app, ProcessInfo info, String release) {
		Path run = this.home.app(app).run();
		List<String> args = info.commandLine();
		int at = Math.max(args.indexOf("--pid"), args.indexOf("--pidfile"));
		if (at >= 0 && at + 1 < args.size()) {
			Path named = Path.of(args.get(at + 1)).normalize();
			if (run.equals(named.getParent())) {
				return named;
			}
		}
		return run.resolve(DaemonLauncher.releaseKey(release) + ".pid");
	}

	/**
	 * Stops the daemons of this app that a crash of the last run left behind: a candidate
	 * of an interrupted upgrade, an old daemon that was never retired. Each is found by
	 * its pid file in {@code run/} and verified to be one of this app's daemons.
	 */
	private void stopStrays(AppId app, @Nullable Long live) {
		Path run = this.home.app(app).run();
		if (!Files.isDirectory(run)) {
			return;
		}
		try (java.util.stream.Stream<Path> files = Files.list(run)) {
			for (Path pidFile : files.filter((file) -> file.getFileName().toString().matches("r-[0-9a-f]+(-b)?\\.pid"))
				.toList()) {
				Long pid = readPid(pidFile);
				DaemonLauncher.Recognised stray = (pid == null || pid.equals(live) || !beforeThisRun(pidFile)) ? null
						: this.launcher.verify(app, pid);
				if (stray == null) {
					// a daemon this run started (a deploy may already be under way) is
					// not a stray
					continue;
				}
				logger.warn("Stopping a daemon of {} left by the last run (pid {}, {})", app, pid,
						pidFile.getFileName());
				String appCgroup = this.isolation.cgroup(app);
				String cgroup = (appCgroup != null)
						? appCgroup + "/" + pidFile.getFileName().toString().replaceFirst("\\.pid$", "") : null;
				this.launcher.stop(new Daemon("stray", pid, null, null, pidFile, Instant.now(), null, 0, stray.server(),
						cgroup, 0));
			}
		}
		catch (java.io.IOException ex) {
			logger.warn("Cannot look for daemons of {} left by the last run: {}", app, ex.getMessage());
		}
	}

	private static boolean beforeThisRun(Path file) {
		Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH);
		try {
			return Files.getLastModifiedTime(file).toInstant().isBefore(started);
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	private void goLive(Supervised s, Daemon daemon) {
		AppPaths paths = this.home.app(s.app);
		if (daemon.socket() != null) {
			AtomicFiles.switchLink(paths.socket(), daemon.socket().getFileName());
		}
		AtomicFiles.write(paths.pidFile(), daemon.pid() + "\n",
				java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
		s.live = daemon;
		s.status = s.status.running(daemon.release(), daemon.pid(),
				(daemon.socket() != null) ? daemon.socket().toString() : null, daemon.port(), daemon.started(),
				daemon.server().name());
		save(s);
		try {
			this.tasks.schedule(s.app, this.contexts.tasks(s.app, daemon.release()),
					() -> this.contexts.context(s.app, daemon.release()));
		}
		catch (PyappException ex) {
			logger.warn("Tasks of {} not scheduled: {}", s.app, ex.getMessage());
		}
		this.events.publishEvent(new AppStarted(s.app, daemon.release(), daemon.pid(),
				(daemon.socket() != null) ? paths.socket() : null, daemon.port()));
	}

	private void watch() {
		for (Supervised s : this.apps.values()) {
			try {
				synchronized (s) {
					watch(s);
				}
			}
			catch (RuntimeException ex) {
				logger.error("Supervising {} failed", s.app, ex);
			}
		}
	}

	/**
	 * Checks the live daemon: ended (a crash), or a process of it killed for memory (the
	 * kernel's count of its cgroup grew).
	 */
	private void watch(Supervised s) {
		Daemon live = s.live;
		if (live == null) {
			return;
		}
		long kills = this.launcher.oomKills(live);
		boolean outOfMemory = kills > live.oomKills();
		if (outOfMemory) {
			live = live.withOomKills(kills);
			s.live = live;
			s.lastOutOfMemory = Instant.now();
		}
		if (!this.launcher.alive(live)) {
			s.live = null;
			this.launcher.release(live);
			// killed (SIGKILL) when, or shortly after, the kernel killed a process of its
			// cgroup for memory: the kill and its end may fall into two checks
			Integer code = live.exitCode();
			boolean killed = code == null || code == 128 + 9;
			boolean recently = s.lastOutOfMemory != null
					&& s.lastOutOfMemory.isAfter(Instant.now().minus(OUT_OF_MEMORY_WINDOW));
			if (outOfMemory || (killed && recently)) {
				outOfMemory = true;
				outOfMemory(s, live, true);
			}
			crashed(s, live.release(), live.exitCode(),
					outOfMemory ? OUT_OF_MEMORY
							: live.server().displayName() + " exited"
									+ ((live.exitCode() != null) ? " with code " + live.exitCode() : "")
									+ lastLine(this.launcher.stderrTail(s.app, live)),
					live.server());
		}
		else if (outOfMemory) {
			// a worker was killed; its master starts a new one
			s.status = s.status.because(OUT_OF_MEMORY);
			save(s);
			outOfMemory(s, live, false);
		}
	}

	private void outOfMemory(Supervised s, Daemon daemon, boolean ended) {
		Long limit = null;
		try {
			limit = this.contexts.context(s.app, daemon.release()).isolation().limits().memory();
		}
		catch (RuntimeException ex) {
			// the release is gone: the limit stays unknown
		}
		logger.warn("{}: the kernel killed a process of its daemon (pid {}) for memory{}", s.app, daemon.pid(),
				ended ? "; the daemon ended" : "");
		this.events.publishEvent(new AppOutOfMemory(s.app, daemon.release(), daemon.pid(), limit, ended));
	}

	/**
	 * Counts a crash and restarts the release after the policy's delay.
	 * @param server the app server the crashed daemon ran on: the restart runs the same
	 * (it does not decide again, which could mean asking every interpreter of the host
	 * first), or {@code null} to choose
	 */
	private void crashed(Supervised s, String release, @Nullable Integer exitCode, String reason,
			@Nullable AppServer server) {
		Duration delay = s.policy.crashed(Instant.now());
		s.status = s.status.crashed(exitCode, reason);
		if (delay == null) {
			s.status = s.status.failed(reason + " (crashed " + this.properties.crashLimit() + " times within "
					+ this.properties.crashWindow() + ")");
			this.tasks.unschedule(s.app);
			DaemonLauncher.deleteQuietly(this.home.app(s.app).pidFile());
			logger.error("{} crashed too often and is marked failed: {}", s.app, reason);
		}
		else {
			logger.warn("{} crashed ({}); restarting in {}", s.app, reason, delay);
			s.restart = this.executor.schedule(() -> restartAfterCrash(s, release, server), delay.toMillis(),
					TimeUnit.MILLISECONDS);
		}
		save(s);
		this.events.publishEvent(new AppCrashed(s.app, release, exitCode, s.status.restarts(),
				s.status.state() == ProcessState.FAILED, s.status.reason()));
	}

	private void restartAfterCrash(Supervised s, String release, @Nullable AppServer server) {
		synchronized (s) {
			if (!s.wanted || s.live != null) {
				return;
			}
			try {
				goLive(s, (server != null) ? launch(s.app, release, server) : launch(s.app, release));
				logger.info("Restarted {} (pid {})", s.app, s.live.pid());
			}
			catch (RuntimeException ex) {
				crashed(s, release, null, "restart failed: " + ex.getMessage(), server);
			}
		}
	}

	/**
	 * Starts a release's daemon on the app server chosen for it.
	 */
	private Daemon launch(AppId app, String release) {
		ProcessContext context = this.contexts.context(app, release);
		AppManifest manifest = this.contexts.manifest(app, release);
		return launch(context, manifest, this.servers.choose(manifest, context.python()));
	}

	/**
	 * Starts a release's daemon again on the server it ran on.
	 */
	private Daemon launch(AppId app, String release, AppServer server) {
		return launch(this.contexts.context(app, release), this.contexts.manifest(app, release),
				new AppServers.Choice(server, "as before"));
	}

	private Daemon launch(ProcessContext context, AppManifest manifest, AppServers.Choice choice) {
		logger.info("{} {} runs on {} ({})", context.app(), context.release(), choice.server().displayName(),
				choice.reason());
		return this.launcher.launch(context, manifest, choice.server(), portsInUse());
	}

	private Daemon daemon(AppId app, String release) {
		Supervised s = supervised(app);
		synchronized (s) {
			if (s.candidate != null && s.candidate.release().equals(release)) {
				return s.candidate;
			}
			if (s.live != null && s.live.release().equals(release)) {
				return s.live;
			}
		}
		throw new IllegalStateException("App [" + app + "] runs no daemon of release [" + release + "]");
	}

	private String liveRelease(AppId app) {
		String release = this.registry.get(app).currentRelease();
		if (release == null) {
			throw PyappException.conflict("app '" + app + "' has no live release yet");
		}
		return release;
	}

	private Supervised supervised(AppId app) {
		return this.apps.computeIfAbsent(app.value(), (name) -> {
			Supervised s = new Supervised(app, new RestartPolicy(this.properties.restartBackoff(),
					this.properties.restartBackoffMax(), this.properties.crashLimit(), this.properties.crashWindow()));
			this.records.findById(name).ifPresent((record) -> {
				s.wanted = record.running();
				s.status = new AppStatus(app, record.failed() ? ProcessState.FAILED : ProcessState.STOPPED,
						record.release(), null, null, null, null, record.restarts(), record.lastExit(), record.reason(),
						record.server());
			});
			return s;
		});
	}

	private Set<Integer> portsInUse() {
		Set<Integer> ports = new HashSet<>();
		for (Supervised s : this.apps.values()) {
			for (Daemon daemon : new Daemon[] { s.live, s.candidate, s.retiring }) {
				if (daemon != null && daemon.port() != null) {
					ports.add(daemon.port());
				}
			}
		}
		return ports;
	}

	private void save(Supervised s) {
		AppStatus status = s.status;
		this.records.save(new DaemonRecord(s.app.value(), s.wanted, status.release(), status.pid(), status.port(),
				status.started(), status.restarts(), status.lastExit(), status.reason(),
				status.state() == ProcessState.FAILED, status.server()));
	}

	private static void cancelRestart(Supervised s) {
		if (s.restart != null) {
			s.restart.cancel(false);
			s.restart = null;
		}
	}

	private static @Nullable Long readPid(Path file) {
		try {
			return Files.isRegularFile(file) ? Long.parseLong(Files.readString(file).trim()) : null;
		}
		catch (java.io.IOException | NumberFormatException ex) {
			return null;
		}
	}

	private static String lastLine(String text) {
		String[] lines = text.strip().split("\n");
		return (lines.length > 0 && !lines[lines.length - 1].isBlank()) ? ": " + lines[lines.length - 1].strip() : "";
	}

	List<String> supervisedApps() {
		return List.copyOf(this.apps.keySet());
	}

	@Override
	public void destroy() {
		// the daemons keep running: the next server start adopts them
		this.executor.shutdownNow();
	}

	/** The supervisor's mutable view of one app; guarded by its own monitor. */
	private static final class Supervised {

		final AppId app;

		final RestartPolicy policy;

		volatile AppStatus status;

		volatile @Nullable Daemon live;

		volatile @Nullable Daemon candidate;

		volatile @Nullable Daemon retiring;

		/**
		 * A daemon of another protocol that is about to go live ({@link AppSwitching}).
		 */
		volatile @Nullable Daemon switching;

		volatile boolean wanted = true;

		@Nullable ScheduledFuture<?> restart;

		/** When the kernel last killed a process of the live daemon for memory. */
		@Nullable Instant lastOutOfMemory;

		Supervised(AppId app, RestartPolicy policy) {
			this.app = app;
			this.policy = policy;
			this.status = AppStatus.stopped(app);
		}

	}

}
