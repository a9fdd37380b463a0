package dev.pyapp.server.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * SPEC §9's crash restarts: the first restart after {@code backoff}, each further one
 * after twice the delay up to {@code max}; {@code limit} crashes within {@code window}
 * give up. The one give-up rule of everything the server supervises: app daemons and the
 * managed web server. Not thread-safe: its owner holds its own lock.
 */
public final class RestartPolicy {

	private final Duration backoff;

	private final Duration max;

	private final int limit;

	private final Duration window;

	private final Deque<Instant> crashes = new ArrayDeque<>();

	/**
	 * A policy.
	 * @param backoff the delay before the first restart
	 * @param max the longest delay
	 * @param limit how many crashes within the window give up
	 * @param window how long a crash counts
	 */
	public RestartPolicy(Duration backoff, Duration max, int limit, Duration window) {
		this.backoff = backoff;
		this.max = max;
		this.limit = limit;
		this.window = window;
	}

	/**
	 * Records a crash.
	 * @param at when it happened
	 * @return the delay before the restart, or {@code null} to give up
	 */
	public @Nullable Duration crashed(Instant at) {
		this.crashes.addLast(at);
		while (!this.crashes.isEmpty() && this.crashes.peekFirst().isBefore(at.minus(this.window))) {
			this.crashes.removeFirst();
		}
		int recent = this.crashes.size();
		if (recent >= this.limit) {
			return null;
		}
		Duration delay = this.backoff;
		for (int i = 1; i < recent && delay.compareTo(this.max) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		return (delay.compareTo(this.max) > 0) ? this.max : delay;
	}

	/**
	 * How many crashes count now.
	 * @return the crashes within the window at the last crash
	 */
	public int recentCrashes() {
		return this.crashes.size();
	}

	/**
	 * How many crashes within the window give up.
	 * @return the limit
	 */
	public int limit() {
		return this.limit;
	}

	/**
	 * How long a crash counts.
	 * @return the window
	 */
	public Duration window() {
		return this.window;
	}

	/** Forgets the crashes: an explicit start retries from the first delay. */
	public void reset() {
		this.crashes.clear();
	}

}
