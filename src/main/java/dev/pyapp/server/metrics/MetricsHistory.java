package dev.pyapp.server.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppRemoved;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * An app's series over a range, computed from the samples {@link MetricsSampler} keeps in
 * MongoDB: rates from counter increases (a decrease, or a sample of another server run,
 * is a counter reset), latency percentiles from the histogram buckets' increases, gauges
 * as sampled.
 */
@Component
public class MetricsHistory {

	static final String[] CLASSES = { "2xx", "3xx", "4xx", "5xx", "other" };

	private final MongoOperations mongo;

	private final AppRegistry registry;

	private final MetricsProperties properties;

	MetricsHistory(MongoOperations mongo, AppRegistry registry, MetricsProperties properties) {
		this.mongo = mongo;
		this.registry = registry;
		this.properties = properties;
	}

	/**
	 * An app's series.
	 * @param app the app
	 * @param since the start (default: an hour before {@code until})
	 * @param until the end (default: now)
	 * @param step the time between points (default: the sample interval, or coarser so
	 * that the answer has at most {@code pyapp.metrics.max-points} points)
	 * @return the series
	 * @throws PyappException {@code NOT_FOUND} for an unknown app, {@code INVALID} for a
	 * range or step that makes no sense
	 */
	public MetricsSeries series(AppId app, @Nullable Instant since, @Nullable Instant until, @Nullable Duration step) {
		this.registry.get(app);
		Instant end = (until != null) ? until : Instant.now();
		Instant start = (since != null) ? since : end.minus(Duration.ofHours(1));
		List<Problem> problems = new ArrayList<>();
		if (!start.isBefore(end)) {
			problems.add(new Problem("since", "must be before until"));
		}
		long sample = Math.max(1, this.properties.sampleInterval().toSeconds());
		long span = Math.max(1, Duration.between(start, end).toSeconds());
		long fewest = (span + this.properties.maxPoints() - 1) / this.properties.maxPoints();
		long seconds;
		if (step != null) {
			seconds = step.toSeconds();
			if (seconds < 1) {
				problems.add(new Problem("step", "must be at least one second"));
			}
			else if (seconds < fewest) {
				problems.add(new Problem("step", "gives more than " + this.properties.maxPoints()
						+ " points for this range; use at least " + fewest + "s"));
			}
		}
		else {
			seconds = Math.max(sample, ((fewest + sample - 1) / sample) * sample);
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid metrics query", problems);
		}
		Query query = Query
			.query(Criteria.where("app").is(app.value()).and("time").gt(start.minusSeconds(2 * seconds)).lte(end))
			.with(Sort.by("time"));
		return compute(app.value(), start, end, seconds, this.mongo.find(query, MetricsSample.class));
	}

	/**
	 * The series of samples (sorted by time) over a range: one point at the end of each
	 * step that holds a sample, from the last sample in it.
	 */
	static MetricsSeries compute(String app, Instant start, Instant end, long step, List<MetricsSample> samples) {
		List<MetricsSample> points = new ArrayList<>();
		List<@Nullable MetricsSample> previous = new ArrayList<>();
		List<Long> times = new ArrayList<>();
		long first = Math.floorDiv(start.getEpochSecond(), step) * step;
		MetricsSample before = null;
		int index = 0;
		// the slot before the first gives the first point its rate
		for (long slot = first - step; slot < end.getEpochSecond() + step; slot += step) {
			MetricsSample last = null;
			while (index < samples.size() && samples.get(index).time().getEpochSecond() <= slot) {
				last = samples.get(index++);
			}
			if (last == null) {
				continue;
			}
			if (slot >= first) {
				points.add(last);
				previous.add(before);
				times.add(slot);
			}
			before = last;
		}
		Map<String, List<@Nullable Double>> requests = new LinkedHashMap<>();
		for (String name : CLASSES) {
			requests.put(name, new ArrayList<>());
		}
		List<@Nullable Double> p50 = new ArrayList<>();
		List<@Nullable Double> p95 = new ArrayList<>();
		List<@Nullable Double> cpu = new ArrayList<>();
		List<@Nullable Long> memory = new ArrayList<>();
		List<@Nullable Long> limit = new ArrayList<>();
		List<Long> restarts = new ArrayList<>();
		List<Integer> up = new ArrayList<>();
		Map<String, List<@Nullable Double>> logs = new LinkedHashMap<>();
		for (String level : List.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")) {
			logs.put(level, new ArrayList<>());
		}
		for (int i = 0; i < points.size(); i++) {
			MetricsSample point = points.get(i);
			MetricsSample prior = previous.get(i);
			memory.add(point.memoryBytes());
			limit.add(point.memoryLimitBytes());
			up.add(point.up() ? 1 : 0);
			restarts.add((prior != null) ? Math.max(0, point.restarts() - prior.restarts()) : 0);
			double seconds = (prior != null) ? Duration.between(prior.time(), point.time()).toMillis() / 1000.0 : 0;
			if (prior == null || seconds <= 0) {
				requests.values().forEach((list) -> list.add(null));
				logs.values().forEach((list) -> list.add(null));
				p50.add(null);
				p95.add(null);
				cpu.add(null);
				continue;
			}
			boolean sameRun = point.run().equals(prior.run());
			Map<String, Double> byClass = new LinkedHashMap<>();
			point.statuses().forEach((status, count) -> {
				long increase = increase(count, sameRun ? prior.statuses().get(status) : null);
				byClass.merge(statusClass(status), (double) increase, Double::sum);
			});
			for (String name : CLASSES) {
				requests.get(name).add(byClass.getOrDefault(name, 0.0) / seconds);
			}
			long[] buckets = new long[point.buckets().size()];
			for (int b = 0; b < buckets.length; b++) {
				Long before0 = (sameRun && b < prior.buckets().size()) ? prior.buckets().get(b) : null;
				buckets[b] = increase(point.buckets().get(b), before0);
			}
			p50.add(quantile(0.5, buckets));
			p95.add(quantile(0.95, buckets));
			Double cpuNow = point.cpuSeconds();
			Double cpuBefore = prior.cpuSeconds();
			cpu.add((cpuNow == null) ? null
					: ((cpuBefore != null && cpuNow >= cpuBefore) ? cpuNow - cpuBefore : cpuNow) / seconds);
			for (Map.Entry<String, List<@Nullable Double>> level : logs.entrySet()) {
				Long count = point.logs().get(level.getKey());
				level.getValue()
					.add((count != null) ? increase(count, sameRun ? prior.logs().get(level.getKey()) : null) / seconds
							: 0.0);
			}
		}
		return new MetricsSeries(app, start.toString(), end.toString(), step, times, requests, p50, p95, cpu, memory,
				limit, restarts, up, logs);
	}

	private static long increase(long now, @Nullable Long before) {
		return (before != null && now >= before) ? now - before : now;
	}

	static String statusClass(String status) {
		return (status.length() == 3 && status.charAt(0) >= '2' && status.charAt(0) <= '5') ? status.charAt(0) + "xx"
				: "other";
	}

	/**
	 * The quantile of the requests counted in the buckets, interpolated linearly within
	 * the bucket it falls in, as Prometheus' {@code histogram_quantile} does.
	 * @return the duration in seconds, or {@code null} when there were no requests
	 */
	static @Nullable Double quantile(double q, long[] buckets) {
		long total = 0;
		for (long count : buckets) {
			total += count;
		}
		if (total == 0) {
			return null;
		}
		double rank = q * total;
		long seen = 0;
		double[] bounds = RequestCounters.BOUNDS;
		for (int i = 0; i < buckets.length; i++) {
			if (buckets[i] > 0 && seen + buckets[i] >= rank) {
				if (i >= bounds.length) {
					// beyond the last bound: the best that can be said is "at least that"
					return bounds[bounds.length - 1];
				}
				double lower = (i == 0) ? 0 : bounds[i - 1];
				return lower + (bounds[i] - lower) * ((rank - seen) / buckets[i]);
			}
			seen += buckets[i];
		}
		return bounds[bounds.length - 1];
	}

	@EventListener
	void on(AppRemoved removed) {
		this.mongo.remove(Query.query(Criteria.where("app").is(removed.app().value())), MetricsSample.class);
	}

}
