package dev.pyapp.server.runtime.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppOutOfMemory;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.runtime.RestartPolicy;
import dev.pyapp.server.runtime.Restarter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Watches every app's live daemon every {@code pyapp.runtime.poll-interval}: a daemon
 * that ended is a crash, handed to the app's {@link Restarter} (restarted after the
 * {@link RestartPolicy}'s delay, or the app goes FATAL); a process killed for memory is
 * reported. Each app's lock is held only to look and to change its state: restarts launch
 * on threads of their own, so a slow start of one app never delays noticing another's
 * crash.
 * <p>
 * The apps are looked at a part at a time, as {@code OutputFileTailer} reads their
 * output: a round of the poll interval is cut into {@link #SLICES} ticks, one every
 * {@code poll-interval / SLICES}, each looking at the apps whose names hash to it (a look
 * reads the cgroup's {@code memory.events} and checks the process), so that a pass over
 * hundreds of apps does not take a core in one piece beside the calls of that moment.
 * Every app is still looked at once a round: a crash is noticed within one poll interval
 * plus the time of a round's ticks (about 500 ms by default), as before, when every app
 * was looked at in one pass every interval.
 * <p>
 * Nothing is looked at before {@link #begin}, which the server's start calls once it is
 * up and has cleaned up what its last run left (interrupted deploys and task runs): a
 * daemon adopted before the web server started that ended meanwhile is still the live one
 * then, and its crash is noticed and handled as any other (the backoff, the restart),
 * only not before that clean-up.
 */
@Component
public class CrashWatcher implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(CrashWatcher.class);

	/** The reason of a daemon whose processes the kernel killed for memory. */
	static final String OUT_OF_MEMORY = AppSupervisor.OUT_OF_MEMORY;

	/** How long after an out-of-memory kill a daemon's end is put down to it. */
	private static final Duration OUT_OF_MEMORY_WINDOW = Duration.ofSeconds(10);

	/** Into how many ticks a round of the poll interval is cut. */
	static final int SLICES = 10;

	private final SupervisedApps apps;

	private final DaemonStarts starts;

	private final DaemonLauncher launcher;

	private final DaemonCgroups cgroups;

	private final AppContexts contexts;

	private final ApplicationEventPublisher events;

	private final RuntimeProperties properties;

	private final ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
		Thread thread = new Thread(runnable, "pyapp-supervisor");
		thread.setDaemon(true);
		return thread;
	});

	// the next part to look at, on the scheduler's thread only
	private int slice;

	private volatile boolean watching;

	CrashWatcher(SupervisedApps apps, DaemonStarts starts, DaemonLauncher launcher, DaemonCgroups cgroups,
			AppContexts contexts, ApplicationEventPublisher events, RuntimeProperties properties) {
		this.apps = apps;
		this.starts = starts;
		this.launcher = launcher;
		this.cgroups = cgroups;
		this.contexts = contexts;
		this.events = events;
		this.properties = properties;
		long tick = Math.max(1, properties.pollInterval().toMillis() / SLICES);
		this.scheduler.scheduleWithFixedDelay(this::watchNext, tick, tick, TimeUnit.MILLISECONDS);
	}

	/**
	 * From now on the live daemons are looked at: the server is up and has cleaned up
	 * what its last run left. Idempotent.
	 */
	public void begin() {
		this.watching = true;
	}

	private void watchNext() {
		try {
			watch(this.slice);
		}
		catch (RuntimeException ex) {
			// one bad tick must not end the schedule
			logger.error("Supervising the apps failed", ex);
		}
		finally {
			this.slice = (this.slice + 1) % SLICES;
		}
	}

	/** Looks at every app's live daemon (a whole round at once). */
	void watchAll() {
		for (int part = 0; part < SLICES; part++) {
			watch(part);
		}
	}

	/**
	 * Looks at the live daemons of one part of the apps.
	 * @param part which part, {@code 0} to {@code SLICES - 1}: the apps whose names hash
	 * to it ({@link #part})
	 */
	void watch(int part) {
		if (!this.watching) {
			// a crash before the server's start-up clean-up waits for it: the daemon
			// stays the live one until then, so its end is noticed at the first look
			return;
		}
		for (Supervised s : this.apps.all()) {
			if (part(s.app) != part) {
				continue;
			}
			try {
				List<Object> raised = new ArrayList<>();
				synchronized (s) {
					watch(s, raised);
				}
				raised.forEach(this.events::publishEvent);
			}
			catch (RuntimeException ex) {
				logger.error("Supervising {} failed", s.app, ex);
			}
		}
	}

	/**
	 * The part of a round in which an app is looked at.
	 * @param app the app
	 * @return {@code 0} to {@code SLICES - 1}
	 */
	static int part(AppId app) {
		return Math.floorMod(app.value().hashCode(), SLICES);
	}

	/**
	 * Checks the live daemon: ended (a crash), or a process of it killed for memory (the
	 * kernel's count of its cgroup grew).
	 */
	private void watch(Supervised s, List<Object> raised) {
		Daemon live = s.live();
		if (live == null || s.lifecycle.state() != DaemonLifecycle.State.RUNNING) {
			return;
		}
		long kills = this.cgroups.oomKills(live);
		boolean outOfMemory = kills > live.oomKills();
		if (outOfMemory) {
			live = s.killedForMemory(kills);
		}
		if (!this.launcher.alive(live)) {
			s.liveEnded();
			this.cgroups.release(live);
			// killed (SIGKILL) when, or shortly after, the kernel killed a process of its
			// cgroup for memory: the kill and its end may fall into two checks
			Integer code = live.exitCode();
			boolean killed = code == null || code == 128 + 9;
			boolean recently = s.lastOutOfMemory != null
					&& s.lastOutOfMemory.isAfter(Instant.now().minus(OUT_OF_MEMORY_WINDOW));
			if (outOfMemory || (killed && recently)) {
				outOfMemory = true;
				raised.add(outOfMemory(s, live, true));
			}
			raised.add(crashed(s, live.release(), code,
					outOfMemory ? OUT_OF_MEMORY
							: live.server().displayName() + " exited" + ((code != null) ? " with code " + code : "")
									+ lastLine(this.launcher.stderrTail(s.app, live)),
					live.server()));
		}
		else if (outOfMemory) {
			// a worker was killed; its master starts a new one
			s.because(OUT_OF_MEMORY);
			this.apps.save(s);
			raised.add(outOfMemory(s, live, false));
		}
	}

	private AppOutOfMemory outOfMemory(Supervised s, Daemon daemon, boolean ended) {
		Long limit = null;
		try {
			limit = this.contexts.context(s.app, daemon.release()).isolation().limits().memory();
		}
		catch (RuntimeException ex) {
			// the release is gone: the limit stays unknown
		}
		logger.warn("{}: the kernel killed a process of its daemon (pid {}) for memory{}", s.app, daemon.pid(),
				ended ? "; the daemon ended" : "");
		return new AppOutOfMemory(s.app, daemon.release(), daemon.pid(), limit, ended);
	}

	/**
	 * Counts a crash (under the app's lock) and has the app's {@link Restarter} schedule
	 * the restart after the policy's delay, or gives up (FATAL).
	 * @param server the app server the crashed daemon ran on: the restart runs the same
	 * (it does not decide again, which could mean asking every interpreter of the host
	 * first), or {@code null} to choose
	 * @return the event to publish once the lock is let go
	 */
	AppCrashed crashed(Supervised s, String release, @Nullable Integer exitCode, String reason,
			@Nullable AppServer server) {
		Duration delay = s.restarts.crashed(() -> restartAfterCrash(s, release, server), null);
		s.lifecycle.crashed(delay == null);
		if (delay == null) {
			// counted as a crash, not as a restart: none follows
			s.gaveUp(exitCode,
					reason + " (crashed " + s.restarts.limit() + " times within " + s.restarts.window() + ")");
			this.apps.unscheduleTasks(s.app);
			DaemonFiles.deleteQuietly(this.apps.paths(s.app).pidFile());
			logger.error("{} crashed too often and is marked failed: {}", s.app, reason);
		}
		else {
			s.crashed(exitCode, reason);
			logger.warn("{} crashed ({}); restarting in {}", s.app, reason, delay);
		}
		this.apps.save(s);
		AppStatus status = s.status();
		return new AppCrashed(s.app, release, exitCode, status.restarts(), status.state() == ProcessState.FAILED,
				status.reason());
	}

	private void restartAfterCrash(Supervised s, String release, @Nullable AppServer server) {
		long attempt;
		CompletableFuture<AppStatus> pending = new CompletableFuture<>();
		synchronized (s) {
			if (!s.wanted() || s.lifecycle.state() != DaemonLifecycle.State.BACKOFF) {
				// stopped, started or promoted meanwhile
				return;
			}
			attempt = s.lifecycle.retry();
			// a start on request meanwhile waits for this one
			s.starting = pending;
		}
		Daemon daemon;
		try {
			daemon = this.starts.launch(s.app, release, server);
		}
		catch (RuntimeException ex) {
			AppCrashed crashed = null;
			synchronized (s) {
				if (s.lifecycle.isCurrent(attempt)) {
					crashed = crashed(s, release, null, "restart failed: " + ex.getMessage(), server);
				}
			}
			pending.completeExceptionally(ex);
			if (crashed != null) {
				this.events.publishEvent(crashed);
			}
			return;
		}
		AppStatus status = this.starts.commit(s, attempt, daemon);
		pending.complete(status);
		if (Long.valueOf(daemon.pid()).equals(status.pid())) {
			logger.info("Restarted {} (pid {})", s.app, daemon.pid());
		}
	}

	private static String lastLine(String text) {
		String[] lines = text.strip().split("\n");
		return (lines.length > 0 && !lines[lines.length - 1].isBlank()) ? ": " + lines[lines.length - 1].strip() : "";
	}

	@Override
	public void destroy() {
		// the daemons keep running: the next server start adopts them
		this.scheduler.shutdownNow();
	}

}
