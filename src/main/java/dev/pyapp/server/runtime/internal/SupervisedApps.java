package dev.pyapp.server.runtime.internal;

import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppEndpoint;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.runtime.RestartPolicy;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.runtime.Restarter;
import dev.pyapp.server.runtime.WireProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The apps the supervisor knows, each with its {@link Supervised} state, and what
 * survives a restart of the server about them ({@link DaemonRecord}s): loaded when an app
 * is first supervised, saved on every change of its status.
 */
@Component
public class SupervisedApps {

	private static final Logger logger = LoggerFactory.getLogger(SupervisedApps.class);

	private final PyappHome home;

	private final AppRegistry registry;

	private final AppContexts contexts;

	private final ScheduledTasks tasks;

	private final DaemonRecordRepository records;

	private final RuntimeProperties properties;

	private final RestartScheduler restarts;

	private final Map<String, Supervised> apps = new ConcurrentHashMap<>();

	SupervisedApps(PyappHome home, AppRegistry registry, AppContexts contexts, ScheduledTasks tasks,
			DaemonRecordRepository records, RuntimeProperties properties, RestartScheduler restarts) {
		this.restarts = restarts;
		this.home = home;
		this.registry = registry;
		this.contexts = contexts;
		this.tasks = tasks;
		this.records = records;
		this.properties = properties;
	}

	/**
	 * The app's state, created from its record (or stopped) the first time.
	 * @param app the app
	 * @return its state
	 */
	public Supervised supervised(AppId app) {
		return this.apps.computeIfAbsent(app.value(), (name) -> {
			DaemonRecord record = this.records.findById(name).orElse(null);
			boolean failed = record != null && record.failed();
			Supervised s = new Supervised(app, new Restarter(new RestartPolicy(this.properties.restartBackoff(),
					this.properties.restartBackoffMax(), this.properties.crashLimit(), this.properties.crashWindow()),
					this.restarts), failed ? DaemonLifecycle.State.FATAL : DaemonLifecycle.State.STOPPED);
			if (record != null) {
				s.restore(record);
			}
			return s;
		});
	}

	public Optional<Supervised> find(AppId app) {
		return Optional.ofNullable(this.apps.get(app.value()));
	}

	Optional<Supervised> remove(AppId app) {
		return Optional.ofNullable(this.apps.remove(app.value()));
	}

	List<Supervised> all() {
		return List.copyOf(this.apps.values());
	}

	public Optional<DaemonRecord> record(AppId app) {
		return this.records.findById(app.value());
	}

	void deleteRecord(AppId app) {
		this.records.deleteById(app.value());
	}

	public AppPaths paths(AppId app) {
		return this.home.app(app);
	}

	/**
	 * The release {@code current} points at.
	 * @param app the app
	 * @return the release
	 * @throws PyappException {@code NOT_FOUND} for an unknown app, {@code CONFLICT} if it
	 * has no live release
	 */
	public String liveRelease(AppId app) {
		String release = this.registry.get(app).currentRelease();
		if (release == null) {
			throw PyappException.conflict("app '" + app + "' has no live release yet");
		}
		return release;
	}

	/**
	 * Makes a daemon the live one, under the app's lock: {@code web/app.sock} (the web
	 * server's) and {@code run/app.sock} switched to its socket, {@code run/app.pid}, the
	 * status saved, the app's tasks scheduled. The caller publishes the event it returns
	 * once it has let go of the lock.
	 * @param s the app
	 * @param daemon its new live daemon
	 * @return the event to publish
	 */
	AppStarted goLive(Supervised s, Daemon daemon) {
		AppPaths paths = this.home.app(s.app);
		if (daemon.socket() != null) {
			// the web server's link first: web/ is the server's, and its link to the
			// daemon's socket was made at the start (or adoption); run/app.sock is the
			// app's view of the same
			AtomicFiles.switchLink(paths.webSocket(), daemon.socket().getFileName());
			AtomicFiles.switchLink(paths.socket(), daemon.socket().getFileName());
		}
		// run/ is the app's: the file is made in logs/ (the server's) and renamed there
		AtomicFiles.write(paths.pidFile(), daemon.pid() + "\n", PosixFilePermissions.fromString("rw-r--r--"),
				paths.logs());
		s.wentLive(daemon);
		save(s);
		try {
			this.tasks.schedule(s.app, this.contexts.tasks(s.app, daemon.release()),
					() -> this.contexts.context(s.app, daemon.release()));
		}
		catch (PyappException ex) {
			logger.warn("Tasks of {} not scheduled: {}", s.app, ex.getMessage());
		}
		return new AppStarted(s.app, daemon.release(), daemon.pid(), (daemon.socket() != null) ? paths.socket() : null,
				daemon.port());
	}

	/**
	 * Forgets the live daemon as it stops on purpose: status stopped and saved, tasks
	 * unscheduled.
	 * @param s the app, under its lock
	 */
	void stoppedNow(Supervised s) {
		s.stoppedNow();
		this.tasks.unschedule(s.app);
		save(s);
	}

	void unscheduleTasks(AppId app) {
		this.tasks.unschedule(app);
	}

	/**
	 * Where the web server reaches the app (see {@link AppSupervisor#endpoint}).
	 * @param app the app
	 * @param servers the app servers, to know the live one's protocol
	 * @return the endpoint
	 */
	public AppEndpoint endpoint(AppId app, AppServers servers) {
		Supervised s = supervised(app);
		Daemon switching = s.switching;
		if (switching != null && switching.socket() != null) {
			return new AppEndpoint(this.home.app(app).web().resolve(switching.socket().getFileName()), null,
					switching.server().protocol());
		}
		AppStatus status = s.status();
		WireProtocol protocol = (status.server() != null)
				? servers.find(status.server()).map(AppServer::protocol).orElse(WireProtocol.HTTP) : WireProtocol.HTTP;
		// the port only while its daemon holds it: a port a crashed or stopped daemon
		// freed can be bound by any local process, which the web server would then pass
		// the app's requests to; the web socket path, where nothing listens then, answers
		// 502. After a restart of the server, the port its daemon had, until adoption has
		// looked for that daemon: the web server reached it there all along.
		Integer port = (status.pid() != null) ? status.port() : s.recordedPort();
		if (status.socket() == null && port != null) {
			return new AppEndpoint(null, port, protocol);
		}
		return new AppEndpoint(this.home.app(app).webSocket(), null, protocol);
	}

	/** The ports of every daemon (live, candidate, retiring) of every app. */
	Set<Integer> portsInUse() {
		Set<Integer> ports = new HashSet<>();
		for (Supervised s : this.apps.values()) {
			for (Daemon daemon : new Daemon[] { s.live(), s.candidate, s.retiring }) {
				if (daemon != null && daemon.port() != null) {
					ports.add(daemon.port());
				}
			}
		}
		return ports;
	}

	void save(Supervised s) {
		AppStatus status = s.status();
		this.records.save(new DaemonRecord(s.app.value(), s.wanted(), status.release(), status.pid(), status.port(),
				status.started(), status.restarts(), status.lastExit(), status.reason(),
				status.state() == ProcessState.FAILED, status.server()));
	}

}
