package dev.pyapp.server.runtime.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSwitching;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.runtime.Restarter;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The supervisor's mutable view of one app; guarded by its own monitor, which is held
 * only for short, non-blocking steps (never across a launch, a stop or a health wait).
 * <p>
 * The status, the live daemon and whether the app is wanted change only through the
 * methods below, each called under that monitor (or, for {@link #restore}, before the
 * state is shared). They are volatile so that {@link #status()}, {@link #live()} and
 * {@link #wanted()} may be read without it, as the API does.
 */
public final class Supervised {

	final AppId app;

	/** Restarts after crashes: counted, scheduled, given up. */
	final Restarter restarts;

	final DaemonLifecycle lifecycle;

	private volatile AppStatus status;

	private volatile @Nullable Daemon live;

	volatile @Nullable Daemon candidate;

	volatile @Nullable Daemon retiring;

	/**
	 * A daemon of another protocol that is about to go live ({@link AppSwitching}).
	 */
	volatile @Nullable Daemon switching;

	private volatile boolean wanted = true;

	private volatile @Nullable Integer recordedPort;

	/** The status a start under way ends with, for a second start to wait on. */
	@Nullable CompletableFuture<AppStatus> starting;

	/** When the kernel last killed a process of the live daemon for memory. */
	@Nullable Instant lastOutOfMemory;

	Supervised(AppId app, Restarter restarts, DaemonLifecycle.State initial) {
		this.app = app;
		this.restarts = restarts;
		this.lifecycle = new DaemonLifecycle(app, initial);
		this.status = AppStatus.stopped(app);
	}

	/**
	 * What the supervisor shows of the app (SPEC §9); may be read without the lock.
	 * @return the status
	 */
	public AppStatus status() {
		return this.status;
	}

	/**
	 * The live daemon, the one the web server reaches ({@code run/app.sock} or its port);
	 * may be read without the lock.
	 * @return the live daemon, or {@code null} when none runs
	 */
	public @Nullable Daemon live() {
		return this.live;
	}

	/**
	 * Whether the operator wants the app running (started and not stopped since); may be
	 * read without the lock.
	 * @return whether it should run
	 */
	public boolean wanted() {
		return this.wanted;
	}

	/**
	 * The port of a daemon bound to one that ran when the server last stopped, until
	 * adoption has looked for it ({@link #adoptionEnded()}): the web server keeps
	 * reaching it there meanwhile, as it did while the server was down; may be read
	 * without the lock.
	 * @return the port, or {@code null}
	 */
	public @Nullable Integer recordedPort() {
		return this.recordedPort;
	}

	/**
	 * Adoption has looked for the daemon that ran before the server's restart: it is live
	 * again (its port is in {@link #status()}) or gone (its port is free).
	 * @return the recorded port it no longer names, or {@code null}
	 */
	@Nullable Integer adoptionEnded() {
		Integer port = this.recordedPort;
		this.recordedPort = null;
		return port;
	}

	/**
	 * Takes over what was recorded about the app before a restart of the server; called
	 * once, before the state is shared.
	 * @param record the app's record
	 */
	void restore(DaemonRecord record) {
		this.wanted = record.running();
		this.recordedPort = (record.running() && !record.failed()) ? record.port() : null;
		this.status = new AppStatus(this.app, record.failed() ? ProcessState.FAILED : ProcessState.STOPPED,
				record.release(), null, null, null, null, record.restarts(), record.lastExit(), record.reason(),
				record.server());
	}

	/** Under the lock: the operator wants the app running (a start, a promotion). */
	void wantRunning() {
		this.wanted = true;
	}

	/** Under the lock: the operator stopped the app; it stays stopped until a start. */
	void wantStopped() {
		this.wanted = false;
	}

	/**
	 * Under the lock: a launch of the release begins.
	 * @param release the release
	 */
	void startBegins(String release) {
		this.status = this.status.startingAnew(release);
	}

	/**
	 * Under the lock: a daemon becomes the live one and the app runs.
	 * @param daemon the daemon
	 */
	void wentLive(Daemon daemon) {
		this.live = daemon;
		this.status = this.status.running(daemon.release(), daemon.pid(),
				(daemon.socket() != null) ? daemon.socket().toString() : null, daemon.port(), daemon.started(),
				daemon.server().name());
	}

	/** Under the lock: the live daemon is stopped on purpose. */
	void stoppedNow() {
		this.live = null;
		this.status = this.status.stoppedNow();
	}

	/**
	 * Under the lock: the live daemon's own stderr begins further on (a replaced daemon
	 * of its release wrote to the same file until it stopped).
	 * @param offset where the live daemon's own lines begin
	 */
	void liveStderrFrom(long offset) {
		Daemon daemon = this.live;
		if (daemon != null) {
			this.live = daemon.withStderrOffset(offset);
		}
	}

	/**
	 * Under the lock: the kernel killed a process of the live daemon for memory.
	 * @param kills the count of such kills its cgroup has now
	 * @return the live daemon, which remembers that count
	 */
	Daemon killedForMemory(long kills) {
		Daemon daemon = this.live;
		Assert.state(daemon != null, () -> "App [" + this.app + "] has no live daemon");
		daemon = daemon.withOomKills(kills);
		this.live = daemon;
		this.lastOutOfMemory = Instant.now();
		return daemon;
	}

	/**
	 * Under the lock: the app's daemon runs on, but something happened to it.
	 * @param reason what happened
	 */
	void because(String reason) {
		this.status = this.status.because(reason);
	}

	/**
	 * Under the lock: the live daemon ended by itself; {@link #crashed} counts it.
	 */
	void liveEnded() {
		this.live = null;
	}

	/**
	 * Under the lock: a crash (of the live daemon, or of a restart) is counted.
	 * @param exitCode the daemon's exit code, or {@code null} if unknown
	 * @param reason why
	 */
	void crashed(@Nullable Integer exitCode, String reason) {
		this.status = this.status.crashed(exitCode, reason);
	}

	/**
	 * Under the lock: the app failed (a start failed, or it crashed too often); nothing
	 * restarts it but a start.
	 * @param reason why
	 */
	void failed(String reason) {
		this.status = this.status.failed(reason);
	}

	/**
	 * Under the lock: the last crash is one too many; nothing restarts it but a start.
	 * @param exitCode the daemon's exit code, or {@code null} if unknown
	 * @param reason why
	 */
	void gaveUp(@Nullable Integer exitCode, String reason) {
		this.status = this.status.gaveUp(exitCode, reason);
	}

}
