package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The output files whose last lines are the start of a traceback, left unread for the
 * rest of it; by the file's key. They wait at most {@link #FOLD_WAIT}, then are stored as
 * they are.
 */
final class OpenTracebacks {

	/** How long the lines of a traceback a process began writing wait for the rest. */
	static final Duration FOLD_WAIT = Duration.ofSeconds(2);

	private final Map<String, Waiting> waiting = new HashMap<>();

	/**
	 * Whether the lines at an offset have waited long enough for the rest of a traceback
	 * that a process began writing: then they are stored as they are.
	 */
	boolean waitedEnough(String key, long offset) {
		Waiting waiting = this.waiting.get(key);
		if (waiting == null || waiting.offset() != offset) {
			this.waiting.remove(key);
			return false;
		}
		return System.nanoTime() - waiting.since() > FOLD_WAIT.toNanos();
	}

	/** The lines from an offset were left unread (since now, unless since before). */
	void leftAt(String key, long offset) {
		this.waiting.putIfAbsent(key, new Waiting(offset, System.nanoTime()));
	}

	boolean contains(String key) {
		return this.waiting.containsKey(key);
	}

	void remove(String key) {
		this.waiting.remove(key);
	}

	/**
	 * Lines left unread for the rest of a traceback.
	 *
	 * @param offset where they begin
	 * @param since when they were first left ({@link System#nanoTime()})
	 */
	private record Waiting(long offset, long since) {
	}

}
