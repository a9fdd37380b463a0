package dev.pyapp.server.metrics;

import java.util.List;
import java.util.Map;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The per-app series of SPEC §10 as a collector on the Prometheus registry that
 * Micrometer's {@code PrometheusMeterRegistry} (and so the Actuator's scrape endpoint)
 * writes from. A collector rather than Micrometer meters because the figures arrive
 * already aggregated outside this JVM (cumulative CPU seconds of a process tree, request
 * counts and histogram buckets from the apps' processes): a collector reports them
 * exactly as they are, and an app that is removed simply stops appearing.
 */
class PrometheusAppSeries implements MultiCollector {

	static final List<String> NAMES = List.of("pyapp_app_up", "pyapp_app_restarts", "pyapp_app_cpu_seconds",
			"pyapp_app_memory_bytes", "pyapp_app_memory_limit_bytes", "pyapp_http_requests",
			"pyapp_http_request_duration_seconds", "pyapp_log_records");

	private static final double[] UPPER_BOUNDS = upperBounds();

	private final AppMetrics metrics;

	PrometheusAppSeries(AppMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public MetricSnapshots collect() {
		List<AppMetricsSnapshot> apps = this.metrics.snapshots();
		var up = GaugeSnapshot.builder().name("pyapp_app_up").help("1 when the app's daemon runs, else 0");
		var restarts = CounterSnapshot.builder()
			.name("pyapp_app_restarts")
			.help("Restarts of the app's daemon after a crash");
		var cpu = CounterSnapshot.builder()
			.name("pyapp_app_cpu_seconds")
			.help("CPU time (user and system) of the daemon's process tree since it started");
		var memory = GaugeSnapshot.builder()
			.name("pyapp_app_memory_bytes")
			.help("Resident memory of the daemon's process tree");
		var limit = GaugeSnapshot.builder()
			.name("pyapp_app_memory_limit_bytes")
			.help("The memory limit in force for the daemon, where one is known");
		var requests = CounterSnapshot.builder()
			.name("pyapp_http_requests")
			.help("Requests the app answered, by HTTP status (since the server started)");
		var durations = HistogramSnapshot.builder()
			.name("pyapp_http_request_duration_seconds")
			.help("How long the app took per request, until its response body was handed over");
		var logs = CounterSnapshot.builder()
			.name("pyapp_log_records")
			.help("Log records the app emitted, by level (since the server started)");
		for (AppMetricsSnapshot app : apps) {
			Labels labels = Labels.of("app", app.app());
			up.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(app.up() ? 1 : 0).build());
			restarts.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(app.restarts()).build());
			if (app.cpuSeconds() != null) {
				cpu.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(app.cpuSeconds()).build());
			}
			if (app.memoryBytes() != null) {
				memory.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(app.memoryBytes()).build());
			}
			if (app.memoryLimitBytes() != null) {
				limit.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(app.memoryLimitBytes()).build());
			}
			for (Map.Entry<Integer, Long> status : app.statuses().entrySet()) {
				requests.dataPoint(CounterDataPointSnapshot.builder()
					.labels(Labels.of("app", app.app(), "status", String.valueOf(status.getKey())))
					.value(status.getValue())
					.build());
			}
			durations.dataPoint(HistogramDataPointSnapshot.builder()
				.labels(labels)
				.classicHistogramBuckets(ClassicHistogramBuckets.of(UPPER_BOUNDS, app.buckets()))
				.sum(app.durationSum())
				.build());
			for (Map.Entry<String, Long> level : app.logs().entrySet()) {
				logs.dataPoint(CounterDataPointSnapshot.builder()
					.labels(Labels.of("app", app.app(), "level", level.getKey()))
					.value(level.getValue())
					.build());
			}
		}
		return new MetricSnapshots(up.build(), restarts.build(), cpu.build(), memory.build(), limit.build(),
				requests.build(), durations.build(), logs.build());
	}

	@Override
	public List<String> getPrometheusNames() {
		return NAMES;
	}

	private static double[] upperBounds() {
		double[] bounds = new double[AppMetricsSnapshot.BOUNDS.length + 1];
		System.arraycopy(AppMetricsSnapshot.BOUNDS, 0, bounds, 0, AppMetricsSnapshot.BOUNDS.length);
		bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
		return bounds;
	}

}
