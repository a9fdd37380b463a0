package dev.pyapp.server.runtime.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Starts and stops an app's live daemon without holding the app's lock across the launch:
 * the lock marks the start ({@link DaemonLifecycle#begin}), the daemon launches and its
 * socket is awaited without it, and the lock is taken again to commit. A stop, removal or
 * promotion that came in meanwhile makes the attempt stale: its daemon is then stopped,
 * not leaked. A second start while one is under way waits for it and launches nothing.
 */
@Component
public class DaemonStarts {

	private static final Logger logger = LoggerFactory.getLogger(DaemonStarts.class);

	private final SupervisedApps apps;

	private final AppContexts contexts;

	private final DaemonLauncher launcher;

	private final AppServers servers;

	private final ApplicationEventPublisher events;

	DaemonStarts(SupervisedApps apps, AppContexts contexts, DaemonLauncher launcher, AppServers servers,
			ApplicationEventPublisher events) {
		this.apps = apps;
		this.contexts = contexts;
		this.launcher = launcher;
		this.servers = servers;
		this.events = events;
	}

	public AppStatus start(AppId app) {
		String release = this.apps.liveRelease(app);
		Supervised s = this.apps.supervised(app);
		CompletableFuture<AppStatus> pending;
		long attempt;
		synchronized (s) {
			s.wantRunning();
			switch (s.lifecycle.state()) {
				case RUNNING -> {
					// a live daemon that died is the crash watcher's: it restarts it
					this.apps.save(s);
					return s.status();
				}
				case STARTING -> pending = s.starting;
				case STOPPING ->
					throw PyappException.conflict("app '" + app + "' is stopping; start it when that is done");
				default -> pending = null;
			}
			if (pending == null) {
				s.restarts.reset();
				attempt = s.lifecycle.begin();
				s.startBegins(release);
				s.starting = new CompletableFuture<>();
				pending = s.starting;
			}
			else {
				attempt = -1;
			}
		}
		if (attempt < 0) {
			return await(pending);
		}
		try {
			Daemon daemon = launch(app, release);
			AppStatus status = commit(s, attempt, daemon);
			pending.complete(status);
			return status;
		}
		catch (RuntimeException ex) {
			synchronized (s) {
				if (s.lifecycle.isCurrent(attempt)) {
					s.lifecycle.startFailed(attempt);
					s.failed("start failed: " + ex.getMessage());
					this.apps.save(s);
				}
			}
			pending.completeExceptionally(ex);
			throw ex;
		}
	}

	private static AppStatus await(CompletableFuture<AppStatus> pending) {
		try {
			return pending.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * Makes an attempt's daemon live if the attempt is still current; otherwise stops it.
	 * @param s the app
	 * @param attempt the attempt
	 * @param daemon the daemon it launched
	 * @return the app's status
	 */
	AppStatus commit(Supervised s, long attempt, Daemon daemon) {
		AppStarted started = null;
		synchronized (s) {
			if (s.lifecycle.isCurrent(attempt)) {
				s.lifecycle.started(attempt);
				started = this.apps.goLive(s, daemon);
			}
		}
		if (started == null) {
			logger.info("{}: stopping the daemon (pid {}) of a start that was overtaken by {}", s.app, daemon.pid(),
					s.lifecycle.state());
			this.launcher.discard(daemon);
			return s.status();
		}
		this.events.publishEvent(started);
		return s.status();
	}

	/** Starts a release's daemon on the app server chosen for it. */
	Daemon launch(AppId app, String release) {
		ProcessContext context = this.contexts.context(app, release);
		AppManifest manifest = this.contexts.manifest(app, release);
		return launch(context, manifest, this.servers.choose(manifest, context.python()));
	}

	/** Starts a release's daemon again on the server it ran on, or on the chosen one. */
	Daemon launch(AppId app, String release, @Nullable AppServer server) {
		if (server == null) {
			return launch(app, release);
		}
		return launch(this.contexts.context(app, release), this.contexts.manifest(app, release),
				new AppServers.Choice(server, "as before"));
	}

	Daemon launch(ProcessContext context, AppManifest manifest, AppServers.Choice choice) {
		logger.info("{} {} runs on {} ({})", context.app(), context.release(), choice.server().displayName(),
				choice.reason());
		return this.launcher.launch(context, manifest, choice.server(), this.apps.portsInUse());
	}

	/**
	 * The running daemon of a release: the candidate's or the live one.
	 * @throws IllegalStateException if none runs
	 */
	public Daemon daemon(AppId app, String release) {
		Supervised s = this.apps.supervised(app);
		synchronized (s) {
			if (s.candidate != null && s.candidate.release().equals(release)) {
				return s.candidate;
			}
			Daemon live = s.live();
			if (live != null && live.release().equals(release)) {
				return live;
			}
		}
		throw new IllegalStateException("App [" + app + "] runs no daemon of release [" + release + "]");
	}

}
