package dev.pyapp.server.runtime;

import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.internal.CandidateSwitch;
import dev.pyapp.server.runtime.internal.CrashWatcher;
import dev.pyapp.server.runtime.internal.Daemon;
import dev.pyapp.server.runtime.internal.DaemonAdoption;
import dev.pyapp.server.runtime.internal.DaemonLauncher;
import dev.pyapp.server.runtime.internal.DaemonRecord;
import dev.pyapp.server.runtime.internal.DaemonScales;
import dev.pyapp.server.runtime.internal.DaemonStarts;
import dev.pyapp.server.runtime.internal.DaemonStops;
import dev.pyapp.server.runtime.internal.GracefulRestart;
import dev.pyapp.server.runtime.internal.Supervised;
import dev.pyapp.server.runtime.internal.SupervisedApps;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Runs and supervises one daemon per app (SPEC §4, §9, §10), on the app server
 * {@link AppServers} picks for its release: start, stop (the server's graceful stop
 * signal, then KILL after a grace period), graceful reload, restart after a crash with
 * exponential backoff until it crashes too often ({@code failed}), and adoption of
 * daemons that outlived a restart of this server. For upgrades and rollbacks it starts a
 * candidate release beside the live one on its own socket, checks its health and promotes
 * it by switching {@code run/app.sock} atomically. Publishes {@link AppStarted},
 * {@link AppStopped} and {@link AppCrashed}. Every method is synchronous; none holds an
 * app's lock while a daemon launches or a health check waits (see the state machine in
 * this package's documentation).
 */
@Component
public class AppSupervisor {

	/** The reason of a daemon whose processes the kernel killed for memory. */
	public static final String OUT_OF_MEMORY = "out of memory";

	private final SupervisedApps apps;

	private final DaemonStarts starts;

	private final CandidateSwitch candidates;

	private final DaemonStops stops;

	private final GracefulRestart restarts;

	private final DaemonAdoption adoption;

	private final DaemonLauncher launcher;

	private final AppServers servers;

	private final CrashWatcher crashes;

	private final DaemonScales scales;

	AppSupervisor(SupervisedApps apps, DaemonStarts starts, DaemonStops stops, GracefulRestart restarts,
			CandidateSwitch candidates, DaemonAdoption adoption, DaemonLauncher launcher, AppServers servers,
			CrashWatcher crashes, DaemonScales scales) {
		this.crashes = crashes;
		this.scales = scales;
		this.apps = apps;
		this.starts = starts;
		this.stops = stops;
		this.restarts = restarts;
		this.candidates = candidates;
		this.adoption = adoption;
		this.launcher = launcher;
		this.servers = servers;
	}

	/**
	 * Starts the live release's daemon and waits until it accepts connections; a start
	 * already under way is waited for, not repeated.
	 * @param app the app
	 * @return the status (unchanged if it runs already)
	 * @throws PyappException {@code NOT_FOUND} for an unknown app, {@code CONFLICT} if it
	 * has no live release or is stopping, {@code FAILED} with the end of its stderr if it
	 * does not start
	 */
	public AppStatus start(AppId app) {
		return this.starts.start(app);
	}

	/**
	 * Stops the app's daemon (TERM, KILL after {@code pyapp.runtime.stop-timeout}); it
	 * stays stopped until {@link #start}, also across server restarts. A start under way
	 * is overtaken: the daemon it launches is stopped.
	 * @param app the app
	 * @return the status
	 */
	public AppStatus stop(AppId app) {
		return this.stops.stop(app);
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
		return this.restarts.restart(app);
	}

	/**
	 * Scales the app's daemon ({@code apps.scale}): the given worker and thread counts
	 * replace what its releases ask for, from now on and in every later release, until
	 * reset. A running daemon is restarted gracefully to take them (no request is
	 * refused); if that fails, the earlier scale is put back and the running daemon
	 * stays. A daemon that does not run takes them when it starts.
	 * @param app the app
	 * @param workers worker processes, or {@code null} to keep
	 * @param threads threads per worker, or {@code null} to keep
	 * @param reset whether the counts return to the release's own first
	 * @return the status
	 * @throws PyappException {@code INVALID} naming each bad count, {@code CONFLICT}
	 * without a live release or while it switches releases, {@code FAILED} when the
	 * restarted daemon does not start or is unhealthy
	 */
	public AppStatus scale(AppId app, @Nullable Integer workers, @Nullable Integer threads, boolean reset) {
		String release = this.apps.liveRelease(app);
		Optional<InstalledApp.Scale> before = this.scales.change(app, release, workers, threads, reset);
		if (status(app).state() != ProcessState.RUNNING) {
			return status(app);
		}
		try {
			return this.restarts.restart(app);
		}
		catch (RuntimeException ex) {
			this.scales.restore(app, before);
			throw ex;
		}
	}

	/**
	 * How many workers and threads a release's daemon runs with.
	 * @param app the app
	 * @param release the release
	 * @return the counts, and which are the operator's
	 */
	public AppScale scale(AppId app, String release) {
		return this.scales.of(app, release);
	}

	/**
	 * Puts the limits the app has now (after {@code apps.limits.set}) in force: on its
	 * running daemon in place where its cgroup allows, else by a restart. A stopped app
	 * gets them when it starts.
	 * @param app the app
	 * @return the status
	 */
	public AppStatus applyLimits(AppId app) {
		return this.restarts.applyLimits(app);
	}

	/**
	 * Reloads the daemon gracefully: its server's reload signal (the workers are replaced
	 * and read the configuration again), or, for a server whose signal can drop a request
	 * ({@link AppServer#reloadsInPlace()}: uWSGI), a graceful {@link #restart}. A stopped
	 * app stays stopped.
	 * @param app the app
	 * @return the status
	 * @throws PyappException ({@code FAILED}) when a restart's new daemon does not start
	 * or is unhealthy (the running one stays)
	 */
	public AppStatus reload(AppId app) {
		Supervised s = this.apps.supervised(app);
		Daemon live = s.live();
		if (live != null && this.launcher.alive(live)) {
			if (!live.server().reloadsInPlace()) {
				return restart(app);
			}
			this.launcher.reload(live);
		}
		return s.status();
	}

	/**
	 * The app's process state.
	 * @param app the app
	 * @return its status ({@code stopped} if nothing is known)
	 */
	public AppStatus status(AppId app) {
		return this.apps.find(app).map(Supervised::status).orElseGet(() -> AppStatus.stopped(app));
	}

	/**
	 * Whether the operator wants the app running (it was started and not stopped).
	 * @param app the app
	 * @return whether it should run
	 */
	public boolean wanted(AppId app) {
		return this.apps.find(app)
			.map(Supervised::wanted)
			.orElseGet(() -> this.apps.record(app).map(DaemonRecord::running).orElse(true));
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
		return this.candidates.startCandidate(app, release);
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
		this.candidates.checkHealth(app, release, this.starts.daemon(app, release));
	}

	/**
	 * Runs the health check of a candidate {@link #startCandidate} just started, as
	 * {@link #checkHealth} does, waiting for its first answer as long as a start may take
	 * ({@code pyapp.runtime.start-timeout} from the daemon's start, at least
	 * {@code health.timeout}): the daemon accepts before its workers have loaded the app.
	 * @param app the app
	 * @param release the candidate's release
	 * @throws PyappException ({@code FAILED}) with the response when it is not 2xx/3xx
	 */
	public void checkCandidateHealth(AppId app, String release) {
		this.candidates.checkStarted(app, release, this.starts.daemon(app, release));
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
		return this.candidates.promote(app, release);
	}

	/**
	 * Where the web server reaches the app and what it must speak there: the stable
	 * {@code run/app.sock} (or the live daemon's port, only while it runs: a crashed or
	 * stopped daemon's port is free for any local process to bind) and the live daemon's
	 * protocol; while a switch to a daemon of another protocol is under way
	 * ({@link AppSwitching}), that daemon's own socket.
	 * @param app the app
	 * @return the endpoint ({@code run/app.sock} over HTTP when nothing ran yet)
	 */
	public AppEndpoint endpoint(AppId app) {
		return this.apps.endpoint(app, this.servers);
	}

	/**
	 * Stops the daemon a {@link #promote} replaced, after
	 * {@code pyapp.runtime.drain-delay} (it finishes the requests in progress).
	 * @param app the app
	 */
	public void retire(AppId app) {
		this.candidates.retire(app);
	}

	/**
	 * Undoes a {@link #promote}: the replaced daemon, still running, becomes live again
	 * and the promoted one is stopped.
	 * @param app the app
	 * @return whether there was a daemon to return to
	 */
	public boolean revert(AppId app) {
		return this.candidates.revert(app);
	}

	/**
	 * Stops a candidate that will not go live.
	 * @param app the app
	 * @param release its release
	 */
	public void discard(AppId app, String release) {
		this.candidates.discard(app, release);
	}

	/**
	 * Stops everything of an app and forgets it (before it is removed).
	 * @param app the app
	 */
	public void forget(AppId app) {
		this.stops.forget(app);
		this.servers.forget(this.apps.paths(app).root());
	}

	/**
	 * Stops the daemons of every app as the server shuts down with them
	 * ({@code server.stop {all: true}}): unlike {@link #stop}, each app stays wanted, so
	 * the next start of the server starts it again.
	 * @return the names of the apps whose daemons were stopped
	 */
	public List<String> stopDaemons() {
		return this.stops.stopDaemons();
	}

	/**
	 * Takes over the daemon of an app after a restart of this server: the pid in
	 * {@code run/app.pid} is adopted if it really is one of this app's daemons (an app
	 * server's command line with its pid file in the app's {@code run/}); otherwise the
	 * app is started if it should run. Only what waits for nothing is done here (the
	 * daemon found, verified and live again, or known gone), so that the server answers
	 * no call before its apps show what runs.
	 * @param app the app
	 * @return the rest, which may wait or take long (the events, the strays of the last
	 * run stopped, a start), to run once the server is up; it throws what a start threw
	 */
	Runnable adopt(AppId app) {
		return this.adoption.adoptNow(app);
	}

	/**
	 * The server is up and has cleaned up what its last run left (interrupted deploys and
	 * task runs): from now on the live daemons are watched, and one that ended (even
	 * before, an adopted daemon that crashed while the server started) is a crash,
	 * restarted after the backoff. Before this, no crash is acted on.
	 */
	void watchCrashes() {
		this.crashes.begin();
	}

}
