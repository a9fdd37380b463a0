package dev.pyapp.server.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * SPEC §9's crash restarts: the first restart after {@code backoff}, each further one
 * after twice the delay up to {@code max}; {@code limit} crashes within {@code window}
 * give up. Not thread-safe: the supervisor holds the app's lock.
 */
final class RestartPolicy {

	private final Duration backoff;

	private final Duration max;

	private final int limit;

	private final Duration window;

	private final Deque<Instant> crashes = new ArrayDeque<>();

	RestartPolicy(Duration backoff, Duration max, int limit, Duration window) {
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
	Duration crashed(Instant at) {
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

	int recentCrashes() {
		return this.crashes.size();
	}

	void reset() {
		this.crashes.clear();
	}

}
