package dev.pyapp.server.metrics;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * An app's series over time, for charts ({@code apps.metrics}). Every list has one value
 * per entry of {@code times}; a value is {@code null} where nothing is known (no sample
 * before it to compute a rate from, no request in the step for a latency, the daemon not
 * running).
 *
 * @param app the app
 * @param since the start of the range (ISO-8601)
 * @param until its end
 * @param step seconds between two points
 * @param times each point's time, seconds since the epoch
 * @param requests requests per second by status class ({@code 2xx}, {@code 3xx},
 * {@code 4xx}, {@code 5xx}, {@code other})
 * @param latencyP50 the median request duration in the step, seconds
 * @param latencyP95 the 95th percentile, seconds
 * @param cpu CPU use of the daemon's process tree, in cores (CPU seconds per second)
 * @param memory its resident memory, bytes
 * @param memoryLimit the memory limit in force, bytes
 * @param restarts restarts after a crash within the step
 * @param up 1 where the daemon ran, 0 where it did not
 * @param logs log records per second by level
 */
public record MetricsSeries(String app, String since, String until, long step, List<Long> times,
		Map<String, List<@Nullable Double>> requests, @JsonProperty("latency_p50") List<@Nullable Double> latencyP50,
		@JsonProperty("latency_p95") List<@Nullable Double> latencyP95, List<@Nullable Double> cpu,
		List<@Nullable Long> memory, @JsonProperty("memory_limit") List<@Nullable Long> memoryLimit,
		List<Long> restarts, List<Integer> up, Map<String, List<@Nullable Double>> logs) {
}
