package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppStopped;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Stops daemons on purpose: an app's on request (it stays stopped), every app's as the
 * server shuts down with them (each stays wanted), and everything of an app before it is
 * removed. The app's lock marks the stop (STOPPING) and is let go while the daemon
 * drains; a start under way meanwhile is overtaken and its daemon stopped.
 */
@Component
public class DaemonStops {

	private final AppRegistry registry;

	private final SupervisedApps apps;

	private final DaemonLauncher launcher;

	private final ApplicationEventPublisher events;

	DaemonStops(AppRegistry registry, SupervisedApps apps, DaemonLauncher launcher, ApplicationEventPublisher events) {
		this.registry = registry;
		this.apps = apps;
		this.launcher = launcher;
		this.events = events;
	}

	public AppStatus stop(AppId app) {
		Supervised s = this.apps.supervised(app);
		Daemon live;
		synchronized (s) {
			s.wantStopped();
			s.restarts.cancel();
			if (s.lifecycle.state() == DaemonLifecycle.State.STOPPING) {
				this.apps.save(s);
				return s.status();
			}
			s.lifecycle.stopping();
			live = s.live();
			this.apps.stoppedNow(s);
		}
		try {
			if (live != null) {
				this.launcher.stop(live);
				DaemonFiles.deleteQuietly(this.apps.paths(app).pidFile());
				this.events.publishEvent(new AppStopped(app, live.release()));
			}
		}
		finally {
			synchronized (s) {
				s.lifecycle.stopped();
			}
		}
		return s.status();
	}

	public void forget(AppId app) {
		stop(app);
		this.apps.remove(app).ifPresent((s) -> {
			for (Daemon daemon : new Daemon[] { s.candidate, s.retiring }) {
				if (daemon != null) {
					this.launcher.stop(daemon);
				}
			}
		});
		this.apps.deleteRecord(app);
	}

	/**
	 * Stops the daemons of every app as the server shuts down with them; each app stays
	 * wanted.
	 * @return the names of the apps whose daemons were stopped
	 */
	public List<String> stopDaemons() {
		List<String> stopped = new ArrayList<>();
		for (InstalledApp installed : this.registry.list()) {
			AppId app = AppId.of(installed.name());
			Supervised s = this.apps.supervised(app);
			List<Daemon> daemons = new ArrayList<>();
			boolean stopping;
			synchronized (s) {
				s.restarts.cancel();
				for (Daemon daemon : new Daemon[] { s.live(), s.candidate, s.retiring }) {
					if (daemon != null) {
						daemons.add(daemon);
					}
				}
				s.candidate = null;
				s.retiring = null;
				stopping = s.lifecycle.state() != DaemonLifecycle.State.STOPPING;
				if (stopping) {
					s.lifecycle.stopping();
				}
				this.apps.stoppedNow(s);
			}
			try {
				for (Daemon daemon : daemons) {
					this.launcher.stop(daemon);
				}
			}
			finally {
				if (stopping) {
					synchronized (s) {
						s.lifecycle.stopped();
					}
				}
			}
			// a daemon this run never adopted is stopped by its pid file
			Path pidFile = this.apps.paths(app).pidFile();
			Long pid = DaemonAdoption.readPid(pidFile);
			DaemonLauncher.Recognised unadopted = (pid != null) ? this.launcher.verify(app, pid) : null;
			if (unadopted != null) {
				this.launcher.stop(new Daemon("unadopted", pid, null, null, pidFile, Instant.now(), null, 0,
						unadopted.server(), null, 0));
				daemons.add(null);
			}
			DaemonFiles.deleteQuietly(pidFile);
			if (!daemons.isEmpty()) {
				stopped.add(app.value());
			}
		}
		return stopped;
	}

}
