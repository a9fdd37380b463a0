package dev.pyapp.server.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A sample of every app is written in one command, not one per app.
 */
class MetricsSamplerTests {

	private final AppMetrics metrics = mock(AppMetrics.class);

	private final MongoOperations mongo = mock(MongoOperations.class);

	private final MetricsSampler sampler = new MetricsSampler(this.metrics, this.mongo,
			new MetricsProperties(Duration.ofMinutes(1), Duration.ofDays(7), 1500));

	@Test
	@SuppressWarnings("unchecked")
	void writesTheSamplesOfEveryAppInOneInsert() {
		given(this.metrics.snapshots()).willReturn(List.of(snapshot("a"), snapshot("b"), snapshot("c")));

		this.sampler.sample();

		ArgumentCaptor<Collection<MetricsSample>> samples = ArgumentCaptor.forClass(Collection.class);
		verify(this.mongo, times(1)).insert(samples.capture(), eq(MetricsSample.class));
		assertThat(samples.getValue()).extracting(MetricsSample::app).containsExactly("a", "b", "c");
		assertThat(samples.getValue()).extracting(MetricsSample::time)
			.containsOnly(samples.getValue().iterator().next().time());
		verify(this.mongo, never()).insert(any(MetricsSample.class));
		// expired samples are deleted on the first round
		verify(this.mongo).remove(any(Query.class), eq(MetricsSample.class));
	}

	@Test
	void writesNothingWithoutApps() {
		given(this.metrics.snapshots()).willReturn(List.of());

		this.sampler.sample();

		verify(this.mongo, never()).insert(any(Collection.class), eq(MetricsSample.class));
	}

	private static AppMetricsSnapshot snapshot(String app) {
		return new AppMetricsSnapshot(app, false, 0, null, null, null, Map.of(),
				new long[RequestCounters.BOUNDS.length + 1], 0, Map.of());
	}

}
