package dev.pyapp.server.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One app's series at one moment, as kept in MongoDB for {@code apps.metrics}. Counters
 * are cumulative as {@code GET /metrics} shows them; {@code run} tells this server's runs
 * apart, so that a restart of the server reads as a counter reset.
 *
 * @param id the document's id
 * @param app the app
 * @param time when it was taken
 * @param run the id of the server run that took it
 * @param up whether the daemon ran
 * @param restarts restarts after a crash so far
 * @param cpuSeconds CPU seconds of the daemon's tree, or {@code null} when it did not run
 * @param memoryBytes its resident memory, or {@code null}
 * @param memoryLimitBytes the memory limit in force, or {@code null}
 * @param statuses requests by status code (as text: MongoDB keys are strings)
 * @param buckets requests per latency bucket, not cumulative
 * @param durationSum the requests' durations in seconds
 * @param logs log records by level
 */
@Document("metrics_samples")
record MetricsSample(@Id @Nullable String id, String app, Instant time, String run, boolean up, long restarts,
		@Nullable Double cpuSeconds, @Nullable Long memoryBytes, @Nullable Long memoryLimitBytes,
		Map<String, Long> statuses, List<Long> buckets, double durationSum, Map<String, Long> logs) {

	static MetricsSample of(AppMetricsSnapshot snapshot, Instant time, String run) {
		Map<String, Long> statuses = new TreeMap<>();
		snapshot.statuses().forEach((status, count) -> statuses.put(String.valueOf(status), count));
		List<Long> buckets = new ArrayList<>(snapshot.buckets().length);
		for (long count : snapshot.buckets()) {
			buckets.add(count);
		}
		return new MetricsSample(null, snapshot.app(), time, run, snapshot.up(), snapshot.restarts(),
				snapshot.cpuSeconds(), snapshot.memoryBytes(), snapshot.memoryLimitBytes(), statuses, buckets,
				snapshot.durationSum(), snapshot.logs());
	}

}
