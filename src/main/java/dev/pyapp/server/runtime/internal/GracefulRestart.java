package dev.pyapp.server.runtime.internal;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Restarts an app without a failed request, as an upgrade switches: a new daemon of the
 * live release beside the running one, its health checked, then promoted and the old one
 * retired (the {@link CandidateSwitch} protocol); and puts new limits in force, in place
 * where the daemon's cgroup allows, else by such a restart.
 */
@Component
public class GracefulRestart {

	private static final Logger logger = LoggerFactory.getLogger(GracefulRestart.class);

	private final SupervisedApps apps;

	private final DaemonStarts starts;

	private final DaemonStops stops;

	private final CandidateSwitch candidates;

	private final AppContexts contexts;

	private final DaemonLauncher launcher;

	private final DaemonCgroups cgroups;

	private final ApplicationEventPublisher events;

	GracefulRestart(SupervisedApps apps, DaemonStarts starts, DaemonStops stops, CandidateSwitch candidates,
			AppContexts contexts, DaemonLauncher launcher, DaemonCgroups cgroups, ApplicationEventPublisher events) {
		this.apps = apps;
		this.starts = starts;
		this.stops = stops;
		this.candidates = candidates;
		this.contexts = contexts;
		this.launcher = launcher;
		this.cgroups = cgroups;
		this.events = events;
	}

	public AppStatus restart(AppId app) {
		String release = this.apps.liveRelease(app);
		Supervised s = this.apps.supervised(app);
		Daemon old;
		synchronized (s) {
			old = s.live();
			if (s.retiring != null) {
				throw PyappException.conflict("app '" + app + "' is switching releases; restart it when that is done");
			}
		}
		if (old == null || !this.launcher.alive(old) || !old.release().equals(release)) {
			this.stops.stop(app);
			return this.starts.start(app);
		}
		Daemon fresh = this.launcher.launch(this.contexts.context(app, release), this.contexts.manifest(app, release),
				old.server(), this.apps.portsInUse(), DaemonAddresses.alternateKey(old));
		try {
			this.candidates.checkStarted(app, release, fresh);
		}
		catch (RuntimeException ex) {
			this.launcher.discard(fresh);
			throw ex;
		}
		AppStarted started;
		synchronized (s) {
			if (s.live() != old || s.retiring != null || s.lifecycle.state() != DaemonLifecycle.State.RUNNING) {
				// stopped, crashed or upgraded meanwhile: this daemon is not wanted
				this.launcher.discard(fresh);
				throw PyappException.conflict("app '" + app + "' changed while it restarted; try again");
			}
			s.retiring = old;
			started = this.candidates.switchTo(s, fresh);
		}
		this.events.publishEvent(started);
		this.candidates.retire(app);
		logger.info("Restarted {} gracefully (pid {} replaced pid {})", app, fresh.pid(), old.pid());
		return s.status();
	}

	public AppStatus applyLimits(AppId app) {
		Supervised s = this.apps.supervised(app);
		Daemon live = s.live();
		if (live == null || !this.launcher.alive(live)) {
			return s.status();
		}
		if (this.cgroups.updateLimits(live, this.contexts.context(app, live.release()).isolation())) {
			return s.status();
		}
		return restart(app);
	}

}
