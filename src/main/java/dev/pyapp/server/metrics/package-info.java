/**
 * What every app is doing, in numbers (SPEC §10 "Metrics"): its daemon's CPU and memory
 * (from {@code /proc} through an {@link dev.pyapp.server.metrics.AppUsageSource} that a
 * cgroup reading can replace), its requests by status and their latency as the
 * {@code pyapp_runtime} WSGI middleware counts them, its log records by level; exposed to
 * Prometheus on the Actuator's registry and sampled into MongoDB for
 * {@code apps.metrics}.
 */
@NullMarked
@ApplicationModule(displayName = "Metrics", allowedDependencies = { "core", "install", "runtime", "logs" })
package dev.pyapp.server.metrics;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
