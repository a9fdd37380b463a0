package dev.pyapp.server.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

/**
 * The restarts after crashes of one supervised process: the one supervision mechanism of
 * everything the server keeps running (each app's daemon, the managed web server). Its
 * owner notices that the process ended and calls {@link #crashed}; the crash counts
 * against the {@link RestartPolicy}, and either the owner's relaunch is scheduled after
 * the backoff delay, to run on a thread of its own ({@link RestartScheduler}), or the
 * policy gives up and the owner's give-up callback runs, also on a thread of its own.
 *
 * <p>
 * This object's monitor is held only to count and to (un)schedule. Neither the relaunch
 * nor the callback ever runs under it, nor under a lock the owner held when it reported
 * the crash: a relaunch takes the owner's lock only for its own short steps. An explicit
 * start calls {@link #reset} and a stop {@link #cancel}: a relaunch scheduled before then
 * does not run, even one whose delay is over but whose thread has not started yet.
 */
public final class Restarter {

	private final RestartPolicy policy;

	private final RestartScheduler scheduler;

	private final Clock clock;

	private @Nullable ScheduledFuture<?> pending;

	/** Counts every schedule and cancel: a relaunch runs only if still the latest. */
	private long generation;

	/**
	 * A restarter.
	 * @param policy the backoff and give-up rule; this restarter becomes its only user
	 * @param scheduler the threads relaunches and callbacks run on
	 */
	public Restarter(RestartPolicy policy, RestartScheduler scheduler) {
		this(policy, scheduler, Clock.systemUTC());
	}

	Restarter(RestartPolicy policy, RestartScheduler scheduler, Clock clock) {
		this.policy = policy;
		this.scheduler = scheduler;
		this.clock = clock;
	}

	/**
	 * The process ended unexpectedly (or a relaunch failed): counts it and schedules the
	 * relaunch after the policy's delay, or gives up. Replaces a relaunch still
	 * scheduled. Returns at once; the caller may hold its own lock.
	 * @param relaunch what starts the process again; runs on a thread of its own, with no
	 * lock held, unless {@link #cancel} or {@link #reset} comes first
	 * @param gaveUp what to tell when the policy gives up, on a thread of its own (not
	 * under the caller's lock), or {@code null}
	 * @return the delay before the relaunch, or {@code null} when the policy gave up
	 */
	public synchronized @Nullable Duration crashed(Runnable relaunch, @Nullable Runnable gaveUp) {
		cancel();
		Duration delay = this.policy.crashed(this.clock.instant());
		if (delay == null) {
			if (gaveUp != null) {
				this.scheduler.execute(gaveUp);
			}
			return null;
		}
		long scheduled = this.generation;
		this.pending = this.scheduler.schedule(delay, () -> {
			if (claim(scheduled)) {
				relaunch.run();
			}
		});
		return delay;
	}

	private synchronized boolean claim(long scheduled) {
		if (this.generation != scheduled) {
			return false;
		}
		this.pending = null;
		return true;
	}

	/** A stop: a scheduled relaunch does not run; the crashes still count. */
	public synchronized void cancel() {
		this.generation++;
		if (this.pending != null) {
			this.pending.cancel(false);
			this.pending = null;
		}
	}

	/**
	 * An explicit start: a scheduled relaunch does not run, and the crashes so far no
	 * longer count (the next one waits the first delay).
	 */
	public synchronized void reset() {
		cancel();
		this.policy.reset();
	}

	/**
	 * Whether a relaunch waits for its delay.
	 * @return whether one is scheduled and has not started
	 */
	public synchronized boolean isScheduled() {
		return this.pending != null;
	}

	/**
	 * How many crashes within the window give up.
	 * @return the policy's limit
	 */
	public int limit() {
		return this.policy.limit();
	}

	/**
	 * How long a crash counts.
	 * @return the policy's window
	 */
	public Duration window() {
		return this.policy.window();
	}

}
