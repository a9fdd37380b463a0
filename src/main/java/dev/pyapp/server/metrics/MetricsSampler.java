package dev.pyapp.server.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Writes every app's series to MongoDB each {@code pyapp.metrics.sample-interval} and
 * deletes samples older than {@code pyapp.metrics.retention}, so the collection stays
 * bounded (a week of one-minute samples is about 10,000 small documents per app) and the
 * charts survive a restart of the server.
 */
@Component
class MetricsSampler implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(MetricsSampler.class);

	private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

	/** Tells this run's samples from those of earlier runs (counters start at 0). */
	private final String run = UUID.randomUUID().toString();

	private final AppMetrics metrics;

	private final MongoOperations mongo;

	private final MetricsProperties properties;

	private final Clock clock = Clock.systemUTC();

	private @Nullable ScheduledExecutorService executor;

	private Instant pruned = Instant.EPOCH;

	MetricsSampler(AppMetrics metrics, MongoOperations mongo, MetricsProperties properties) {
		this.metrics = metrics;
		this.mongo = mongo;
		this.properties = properties;
	}

	@Override
	public void start() {
		this.mongo.indexOps(MetricsSample.class)
			.createIndex(new Index().on("app", Sort.Direction.ASC).on("time", Sort.Direction.ASC));
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-metrics-sampler");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.sampleInterval().toMillis();
		scheduler.scheduleWithFixedDelay(this::sampleQuietly, interval, interval, TimeUnit.MILLISECONDS);
		this.executor = scheduler;
	}

	private void sampleQuietly() {
		try {
			sample();
		}
		catch (RuntimeException ex) {
			// a periodic task that throws is never run again: log and try at the
			// next tick
			logger.warn("Cannot sample the apps' metrics: {}", ex.toString());
		}
	}

	/**
	 * Writes one sample per installed app now, in one command, and deletes expired
	 * samples every ten minutes. One insert per app took the embedded store about 2.4 s
	 * of a busy core for 500 apps (a command and a commit each), once a minute beside the
	 * calls.
	 */
	void sample() {
		Instant now = this.clock.instant();
		List<MetricsSample> samples = new ArrayList<>();
		for (AppMetricsSnapshot snapshot : this.metrics.snapshots()) {
			samples.add(MetricsSample.of(snapshot, now, this.run));
		}
		if (!samples.isEmpty()) {
			this.mongo.insert(samples, MetricsSample.class);
		}
		if (this.pruned.plus(PRUNE_EVERY).isBefore(now)) {
			this.mongo.remove(Query.query(Criteria.where("time").lt(now.minus(this.properties.retention()))),
					MetricsSample.class);
			this.pruned = now;
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.executor;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

}
