package dev.pyapp.server.runtime.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeoutException;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSwitching;
import dev.pyapp.server.runtime.MountPaths;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The candidate protocol of upgrades, rollbacks and graceful restarts: a second daemon
 * starts beside the live one on its own socket or port, its health is checked, it is
 * promoted by switching {@code run/app.sock} in one rename, and the old one is retired
 * after the drain delay, or reverted to. No lock is held while a daemon launches, a
 * health check waits, or the web server follows a change of protocol.
 */
@Component
public class CandidateSwitch {

	private static final Logger logger = LoggerFactory.getLogger(CandidateSwitch.class);

	/** How long a failed health check waits for a daemon that is ending to exit. */
	private static final Duration EXIT_WAIT = Duration.ofSeconds(3);

	/**
	 * Where the {@code pyapp_runtime} shim marks each load of the app, below the app's
	 * {@code tmp/} ({@code _LoadWatch}).
	 */
	static final String LOADING = ".pyapp-loading";

	/**
	 * How many entries of the marks' directory are looked at (one per loading worker).
	 */
	static final int MAX_MARKS = 256;

	/** How much earlier than the daemon's start a mark's time may be. */
	private static final Duration CLOCK_SLACK = Duration.ofSeconds(1);

	private final SupervisedApps apps;

	private final DaemonStarts starts;

	private final AppContexts contexts;

	private final DaemonLauncher launcher;

	private final AppServers servers;

	private final ApplicationEventPublisher events;

	private final ObjectProvider<MountPaths> mounts;

	private final RuntimeProperties properties;

	CandidateSwitch(SupervisedApps apps, DaemonStarts starts, AppContexts contexts, DaemonLauncher launcher,
			AppServers servers, ApplicationEventPublisher events, ObjectProvider<MountPaths> mounts,
			RuntimeProperties properties) {
		this.apps = apps;
		this.starts = starts;
		this.contexts = contexts;
		this.launcher = launcher;
		this.servers = servers;
		this.events = events;
		this.mounts = mounts;
		this.properties = properties;
	}

	public AppServers.Choice startCandidate(AppId app, String release) {
		Supervised s = this.apps.supervised(app);
		Daemon previous;
		synchronized (s) {
			previous = s.candidate;
			s.candidate = null;
		}
		if (previous != null) {
			this.launcher.discard(previous);
		}
		ProcessContext context = this.contexts.context(app, release);
		AppManifest manifest = this.contexts.manifest(app, release);
		AppServers.Choice choice = this.servers.choose(manifest, context.python());
		Daemon daemon = this.starts.launch(context, manifest, choice);
		synchronized (s) {
			s.candidate = daemon;
		}
		return choice;
	}

	/**
	 * Checks a running daemon's health, allowing it {@code health.timeout} to answer.
	 * @param app the app
	 * @param release the daemon's release
	 * @param daemon the daemon
	 * @throws PyappException ({@code FAILED}) with the answer, or what the daemon printed
	 */
	public void checkHealth(AppId app, String release, Daemon daemon) {
		check(app, release, daemon, this.contexts.manifest(app, release).health().timeout());
	}

	/**
	 * Checks the health of a daemon just started (an install's, an upgrade's or a
	 * graceful restart's). It accepts connections before its workers have loaded the app
	 * (gunicorn's master and uWSGI's with lazy apps bind first), so its first answer
	 * waits for the app's imports, many seconds for pandas or Dash on a busy host. While
	 * a worker still loads the app (the {@code pyapp_runtime} shim marks each load in the
	 * app's {@code tmp/.pyapp-loading/}), the answer may come until
	 * {@code pyapp.runtime.start-timeout} after the daemon's start; an app that is loaded
	 * has {@code health.timeout} to answer, as always.
	 * @param app the app
	 * @param release the daemon's release
	 * @param daemon the daemon
	 * @throws PyappException ({@code FAILED}) with the answer, or what the daemon printed
	 */
	public void checkStarted(AppId app, String release, Daemon daemon) {
		String tmp = this.contexts.context(app, release).environment().get("PYAPP_TMP_PATH");
		Path marks = (tmp != null) ? Path.of(tmp, LOADING) : null;
		Instant started = daemon.started();
		check(app, release, daemon, this.contexts.manifest(app, release).health().timeout(),
				() -> marks != null && loadingSince(marks, started), started.plus(this.properties.startTimeout()));
	}

	/**
	 * Whether a load began since a time and has not ended: a mark of the shim's newer
	 * than it (a worker of the live daemon reloading at the same moment counts too, which
	 * only lets the check wait longer).
	 */
	static boolean loadingSince(Path marks, Instant since) {
		// the app's own directory: never followed out of it, and read only so far
		if (!Files.isDirectory(marks, LinkOption.NOFOLLOW_LINKS)) {
			return false;
		}
		int looked = 0;
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(marks)) {
			for (Path mark : entries) {
				if (++looked > MAX_MARKS) {
					return false;
				}
				BasicFileAttributes attributes = Files.readAttributes(mark, BasicFileAttributes.class,
						LinkOption.NOFOLLOW_LINKS);
				// a file's time is the kernel's coarse clock, a few ms behind
				if (attributes.isRegularFile()
						&& !attributes.lastModifiedTime().toInstant().isBefore(since.minus(CLOCK_SLACK))) {
					return true;
				}
			}
		}
		catch (IOException ex) {
			// no marks (never loaded, or a daemon of another node): the health timeout
		}
		return false;
	}

	private void check(AppId app, String release, Daemon daemon, Duration timeout) {
		check(app, release, daemon, timeout, () -> false, Instant.MIN);
	}

	private void check(AppId app, String release, Daemon daemon, Duration timeout, BooleanSupplier loading,
			Instant limit) {
		AppManifest.Health health = this.contexts.manifest(app, release).health();
		MountPaths.MountPoint mount = this.mounts.getIfAvailable(() -> (id) -> Optional.empty())
			.mountPoint(app)
			.orElse(new MountPaths.MountPoint("", null, false));
		String path = mount.path().endsWith("/") ? mount.path().substring(0, mount.path().length() - 1) : mount.path();
		String host = (health.host() != null) ? health.host() : (mount.host() != null) ? mount.host() : "localhost";
		try {
			HealthProbe.check(daemon, path, health.path(), host, mount.tls(), timeout, loading, limit);
		}
		catch (PyappException ex) {
			throw withOutput(app, daemon, ex);
		}
	}

	/**
	 * A check that got no answer (the connection was reset or refused, or it timed out)
	 * carries what the daemon printed since it started: a worker that cannot import the
	 * app accepts the connection and dies, and its traceback is the cause. An answer,
	 * such as a 500, carries its own start instead.
	 */
	private PyappException withOutput(AppId app, Daemon daemon, PyappException ex) {
		if (ex.getLog() != null && !ex.getLog().isBlank()) {
			return ex;
		}
		String message = String.valueOf(ex.getMessage());
		Integer code = exitCode(daemon);
		if (code != null) {
			// the cause is the daemon's end, not the connection
			message = daemon.server().displayName() + " exited with code " + code + " before it answered: " + message;
		}
		String printed = this.launcher.stderrTail(app, daemon);
		if (printed.isBlank() && code == null) {
			return ex;
		}
		return PyappException.failed(message, printed.isBlank() ? null : printed);
	}

	/**
	 * The exit code of a daemon that ended, waiting {@link #EXIT_WAIT} for one that is
	 * ending (uWSGI takes about a second from "no app loaded" to its exit).
	 */
	private static @Nullable Integer exitCode(Daemon daemon) {
		if (daemon.exit() == null) {
			return null;
		}
		try {
			return daemon.exit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
	}

	public AppStatus promote(AppId app, String release) {
		Supervised s = this.apps.supervised(app);
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
		AppStarted started;
		synchronized (s) {
			s.switching = null;
			if (s.candidate != candidate) {
				throw new IllegalStateException(
						"App [" + app + "] changed its candidate while switching to [" + release + "]");
			}
			if (s.lifecycle.state() == DaemonLifecycle.State.STOPPING) {
				// the candidate stays a candidate: the caller discards it
				throw new IllegalStateException("App [" + app + "] is stopping; [" + release + "] is not promoted");
			}
			s.retiring = s.live();
			s.candidate = null;
			started = switchTo(s, candidate);
		}
		this.events.publishEvent(started);
		return s.status();
	}

	/**
	 * Under the app's lock: another daemon goes live, wanted, with a fresh crash count.
	 */
	AppStarted switchTo(Supervised s, Daemon daemon) {
		s.lifecycle.switched();
		s.wantRunning();
		s.restarts.reset();
		return this.apps.goLive(s, daemon);
	}

	/**
	 * Before {@code run/app.sock} leads to a daemon that speaks another protocol, lets
	 * the web server reach that daemon on its own socket with the new protocol (the
	 * listeners of {@link AppSwitching} apply the web server's configuration), then waits
	 * the drain delay so that requests the old configuration accepted have connected. Not
	 * under the app's lock: it reloads a web server.
	 */
	private void leadWebServerTo(Supervised s, Daemon next) {
		Daemon live = s.live();
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

	public void retire(AppId app) {
		Supervised s = this.apps.supervised(app);
		Daemon old;
		synchronized (s) {
			old = s.retiring;
			s.retiring = null;
		}
		if (old != null) {
			this.launcher.drain(old);
			this.launcher.stop(old);
			synchronized (s) {
				Daemon live = s.live();
				if (live != null && live.release().equals(old.release())) {
					// a restart within a release: the old daemon wrote to the live one's
					// stderr file until now ("Shutting down: Master"), and a crash of the
					// live one must not be explained by those lines
					s.liveStderrFrom(this.launcher.stderrEnd(app, old.release()));
				}
			}
		}
	}

	public boolean revert(AppId app) {
		Supervised s = this.apps.supervised(app);
		Daemon old;
		synchronized (s) {
			old = s.retiring;
			if (old == null || !this.launcher.alive(old)) {
				s.retiring = null;
				return false;
			}
		}
		leadWebServerTo(s, old);
		@Nullable Daemon promoted;
		@Nullable AppStarted started;
		synchronized (s) {
			s.switching = null;
			s.retiring = null;
			if (s.lifecycle.state() == DaemonLifecycle.State.STOPPING) {
				// stopped meanwhile: nothing to return to
				promoted = null;
				started = null;
			}
			else {
				promoted = s.live();
				s.lifecycle.switched();
				started = this.apps.goLive(s, old);
			}
		}
		if (started == null) {
			this.launcher.stop(old);
			return false;
		}
		this.events.publishEvent(started);
		if (promoted != null) {
			this.launcher.drain(promoted);
			this.launcher.stop(promoted);
		}
		return true;
	}

	public void discard(AppId app, String release) {
		Supervised s = this.apps.supervised(app);
		Daemon candidate;
		synchronized (s) {
			candidate = s.candidate;
			if (candidate == null || !candidate.release().equals(release)) {
				return;
			}
			s.candidate = null;
		}
		this.launcher.discard(candidate);
	}

}
