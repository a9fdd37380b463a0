package dev.pyapp.server.metrics;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An app's series at one moment (the values {@code GET /metrics} shows for it).
 *
 * @param app the app's name
 * @param up whether its daemon runs
 * @param restarts restarts after a crash so far (as {@code apps.get} counts them)
 * @param cpuSeconds CPU seconds of its daemon's process tree, or {@code null} when it
 * does not run
 * @param memoryBytes resident memory of the tree, or {@code null} when it does not run
 * @param memoryLimitBytes the memory limit in force, or {@code null} when none is known
 * @param statuses requests by HTTP status since this server started
 * @param buckets requests per latency bucket ({@link #BOUNDS}, not cumulative, the last
 * beyond the last bound)
 * @param durationSum the requests' durations in seconds
 * @param logs log records by level name since this server started
 */
record AppMetricsSnapshot(String app, boolean up, long restarts, @Nullable Double cpuSeconds,
		@Nullable Long memoryBytes, @Nullable Long memoryLimitBytes, Map<Integer, Long> statuses, long[] buckets,
		double durationSum, Map<String, Long> logs) {

	static final double[] BOUNDS = RequestCounters.BOUNDS;

	long requests() {
		long total = 0;
		for (long count : this.buckets) {
			total += count;
		}
		return total;
	}

}
