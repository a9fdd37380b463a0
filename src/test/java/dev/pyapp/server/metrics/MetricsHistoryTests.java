package dev.pyapp.server.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MetricsHistoryTests {

	private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

	@Test
	void ratesComeFromCounterIncreasesPerStep() {
		List<MetricsSample> samples = List.of(sample(0, "a", 10, 100, 1.0), sample(60, "a", 70, 100, 4.0),
				sample(120, "a", 190, 100, 7.0));
		MetricsSeries series = MetricsHistory.compute("app", T0.plusSeconds(60), T0.plusSeconds(120), 60, samples);
		assertThat(series.times()).containsExactly(T0.getEpochSecond() + 60, T0.getEpochSecond() + 120);
		assertThat(series.requests().get("2xx").get(0)).isCloseTo(1.0, within(1e-9));
		assertThat(series.requests().get("2xx").get(1)).isCloseTo(2.0, within(1e-9));
		assertThat(series.cpu().get(1)).isCloseTo(0.05, within(1e-9));
		assertThat(series.memory()).containsExactly(100L, 100L);
	}

	@Test
	void aSampleOfAnotherServerRunIsACounterReset() {
		List<MetricsSample> samples = List.of(sample(0, "a", 500, 1, 1.0), sample(60, "b", 30, 1, 2.0));
		MetricsSeries series = MetricsHistory.compute("app", T0.plusSeconds(60), T0.plusSeconds(60), 60, samples);
		assertThat(series.requests().get("2xx").get(0)).isCloseTo(0.5, within(1e-9));
	}

	@Test
	void restartsAreCountedPerStep() {
		MetricsSample first = sample(0, "a", 0, 1, 1.0);
		MetricsSample second = new MetricsSample(null, "app", T0.plusSeconds(60), "a", true, 2, 1.0, 1L, null, Map.of(),
				buckets(0), 0, Map.of());
		MetricsSeries series = MetricsHistory.compute("app", T0.plusSeconds(60), T0.plusSeconds(60), 60,
				List.of(first, second));
		assertThat(series.restarts()).containsExactly(2L);
	}

	@Test
	void quantilesInterpolateWithinTheBucketAsPrometheusDoes() {
		long[] buckets = new long[RequestCounters.BOUNDS.length + 1];
		buckets[0] = 50; // <= 5 ms
		buckets[4] = 50; // 50..100 ms
		assertThat(MetricsHistory.quantile(0.5, buckets)).isCloseTo(0.005, within(1e-9));
		assertThat(MetricsHistory.quantile(0.95, buckets)).isCloseTo(0.095, within(1e-9));
		assertThat(MetricsHistory.quantile(0.5, new long[buckets.length])).isNull();
	}

	private static MetricsSample sample(long seconds, String run, long ok, long memory, double cpu) {
		return new MetricsSample(null, "app", T0.plusSeconds(seconds), run, true, 0, cpu, memory, null,
				Map.of("200", ok), buckets(ok), 0.01 * ok, Map.of("INFO", ok));
	}

	private static List<Long> buckets(long first) {
		List<Long> buckets = new ArrayList<>();
		buckets.add(first);
		for (int i = 1; i <= RequestCounters.BOUNDS.length; i++) {
			buckets.add(0L);
		}
		return buckets;
	}

}
