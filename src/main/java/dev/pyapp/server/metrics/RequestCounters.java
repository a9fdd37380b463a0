package dev.pyapp.server.metrics;

import java.util.Map;
import java.util.TreeMap;

import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.RequestMetrics;

/**
 * The cumulative counts of one app since this server started: requests by status, the
 * latency histogram and log records by level. Guarded by its own monitor; every update is
 * a handful of additions.
 */
final class RequestCounters {

	/** The latency buckets every app shares: Prometheus' default bounds, in seconds. */
	static final double[] BOUNDS = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

	private final Map<Integer, Long> statuses = new TreeMap<>();

	private final long[] buckets = new long[BOUNDS.length + 1];

	private double sum;

	private final long[] logs = new long[LogLevel.values().length];

	synchronized void add(RequestMetrics metrics) {
		metrics.statuses().forEach((status, count) -> this.statuses.merge(status, count, Long::sum));
		// a report with other bounds is folded into ours by its upper bounds, so that a
		// slow request never counts as a fast one
		for (int i = 0; i < metrics.buckets().length; i++) {
			double upper = (i < metrics.bounds().length) ? metrics.bounds()[i] : Double.POSITIVE_INFINITY;
			this.buckets[bucketOf(upper)] += metrics.buckets()[i];
		}
		this.sum += metrics.sum();
	}

	static int bucketOf(double upper) {
		for (int i = 0; i < BOUNDS.length; i++) {
			if (upper <= BOUNDS[i]) {
				return i;
			}
		}
		return BOUNDS.length;
	}

	synchronized void log(LogLevel level) {
		this.logs[level.ordinal()]++;
	}

	synchronized Snapshot snapshot() {
		Map<String, Long> levels = new TreeMap<>();
		for (LogLevel level : LogLevel.values()) {
			levels.put(level.name(), this.logs[level.ordinal()]);
		}
		return new Snapshot(new TreeMap<>(this.statuses), this.buckets.clone(), this.sum, levels);
	}

	/**
	 * @param statuses requests by status code
	 * @param buckets requests per latency bucket of {@link RequestCounters#BOUNDS} (not
	 * cumulative; the last one beyond the last bound)
	 * @param sum the requests' durations in seconds
	 * @param logs log records by level name
	 */
	record Snapshot(Map<Integer, Long> statuses, long[] buckets, double sum, Map<String, Long> logs) {

		static final Snapshot EMPTY = new Snapshot(Map.of(), new long[BOUNDS.length + 1], 0, Map.of());

	}

}
