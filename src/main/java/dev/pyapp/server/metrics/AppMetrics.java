package dev.pyapp.server.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.RequestMetrics;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.ProcessState;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The live figures of every installed app: the supervisor's state and restarts, the
 * daemon's usage from the {@link AppUsageSource}, and the request and log counts that
 * arrive with the log records (counted since this server started; Prometheus and
 * {@code apps.metrics} treat a restart of the server as a counter reset).
 */
@Component
class AppMetrics {

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	private final AppUsageSource usage;

	private final Map<String, RequestCounters> counters = new ConcurrentHashMap<>();

	AppMetrics(AppRegistry registry, AppSupervisor supervisor, AppUsageSource usage, LogCollector collector) {
		this.registry = registry;
		this.supervisor = supervisor;
		this.usage = usage;
		collector.addListener(this::logged);
		collector.addRequestMetricsListener(this::requests);
	}

	private void logged(LogRecord record) {
		// only this server's own apps: a node's records are that node's to count
		if (record.app() != null && record.node() == null) {
			counters(record.app()).log(record.level());
		}
	}

	private void requests(RequestMetrics metrics) {
		counters(metrics.app()).add(metrics);
	}

	private RequestCounters counters(String app) {
		return this.counters.computeIfAbsent(app, (name) -> new RequestCounters());
	}

	/**
	 * Every installed app's figures now.
	 * @return one snapshot per app, by name
	 */
	List<AppMetricsSnapshot> snapshots() {
		List<AppMetricsSnapshot> snapshots = new ArrayList<>();
		for (InstalledApp app : this.registry.list()) {
			snapshots.add(snapshot(AppId.of(app.name())));
		}
		return snapshots;
	}

	/**
	 * One app's figures now.
	 * @param app the app
	 * @return its snapshot
	 */
	AppMetricsSnapshot snapshot(AppId app) {
		AppStatus status = this.supervisor.status(app);
		boolean up = status.state() == ProcessState.RUNNING && status.pid() != null;
		Optional<AppUsage> used = up ? this.usage.usage(app, status.pid()) : Optional.empty();
		RequestCounters counts = this.counters.get(app.value());
		RequestCounters.Snapshot requests = (counts != null) ? counts.snapshot() : RequestCounters.Snapshot.EMPTY;
		return new AppMetricsSnapshot(app.value(), up && used.isPresent(), status.restarts(),
				used.map(AppUsage::cpuSeconds).orElse(null), used.map(AppUsage::memoryBytes).orElse(null),
				used.map(AppUsage::memoryLimitBytes).orElse(null), requests.statuses(), requests.buckets(),
				requests.sum(), requests.logs());
	}

	@EventListener
	void on(AppRemoved removed) {
		this.counters.remove(removed.app().value());
	}

}
