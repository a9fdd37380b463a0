package dev.pyapp.server.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs every running app's health check (SPEC {@code health}) against its live daemon
 * every {@value #INTERVAL_SECONDS} seconds and right after it starts, so that the
 * dashboard shows health that was measured, not guessed. Checks run one at a time on a
 * thread of their own, each bounded by the app's health timeout.
 */
@Component
public class HealthMonitor implements DisposableBean {

	static final int INTERVAL_SECONDS = 30;

	private static final Logger logger = LoggerFactory.getLogger(HealthMonitor.class);

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	private final Map<String, HealthReport> reports = new ConcurrentHashMap<>();

	private final ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
		Thread thread = new Thread(runnable, "pyapp-health");
		thread.setDaemon(true);
		return thread;
	});

	HealthMonitor(AppRegistry registry, AppSupervisor supervisor) {
		this.registry = registry;
		this.supervisor = supervisor;
		this.executor.scheduleWithFixedDelay(this::checkAll, 5, INTERVAL_SECONDS, TimeUnit.SECONDS);
	}

	/**
	 * The last health check of the app's live daemon, if it ran since the daemon started.
	 * @param app the app
	 * @return the report
	 */
	public Optional<HealthReport> report(AppId app) {
		HealthReport report = this.reports.get(app.value());
		AppStatus status = this.supervisor.status(app);
		if (report == null || status.state() != ProcessState.RUNNING || !report.release().equals(status.release())) {
			return Optional.empty();
		}
		return Optional.of(report);
	}

	@EventListener
	void on(AppStarted event) {
		// a moment for the daemon's workers to boot
		this.executor.schedule(() -> check(event.app()), 1, TimeUnit.SECONDS);
	}

	private void checkAll() {
		for (InstalledApp app : this.registry.list()) {
			check(AppId.of(app.name()));
		}
	}

	private void check(AppId app) {
		try {
			AppStatus status = this.supervisor.status(app);
			String release = status.release();
			if (status.state() != ProcessState.RUNNING || release == null) {
				this.reports.remove(app.value());
				return;
			}
			long start = System.nanoTime();
			String message = null;
			try {
				this.supervisor.checkHealth(app, release);
			}
			catch (RuntimeException ex) {
				message = String.valueOf(ex.getMessage());
			}
			this.reports.put(app.value(), new HealthReport(message == null, Instant.now(), release, message,
					Duration.ofNanos(System.nanoTime() - start).toMillis()));
		}
		catch (RuntimeException ex) {
			// an app removed or switched while it was checked: the next round sees it
			logger.debug("Health check of {} skipped: {}", app, ex.getMessage());
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	/**
	 * One health check of an app's live daemon.
	 *
	 * @param healthy whether it answered 2xx or 3xx in time
	 * @param checked when
	 * @param release the release checked
	 * @param message why it failed, or {@code null}
	 * @param millis how long the check took
	 */
	public record HealthReport(boolean healthy, Instant checked, String release, @Nullable String message,
			long millis) {
	}

}
