package dev.pyapp.server.metrics;

import java.util.Optional;

import dev.pyapp.server.core.AppId;

/**
 * Where the CPU and memory figures of an app's daemon come from. The default reads
 * {@code /proc} ({@link ProcfsUsageSource}); a bean of this type replaces it, for example
 * one that reads the app's own cgroup once apps run in one.
 */
public interface AppUsageSource {

	/**
	 * What the daemon whose main process is {@code pid} uses now. Called for every scrape
	 * and sample, so it must be quick (no process is started).
	 * @param app the app
	 * @param pid the daemon's main pid, as the supervisor knows it
	 * @return its usage, or empty when the process is gone
	 */
	Optional<AppUsage> usage(AppId app, long pid);

}
