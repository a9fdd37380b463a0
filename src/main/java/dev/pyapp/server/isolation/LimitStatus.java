package dev.pyapp.server.isolation;

import org.jspecify.annotations.Nullable;

/**
 * One limit of an app as it is in force.
 *
 * @param name {@code memory}, {@code processes}, {@code open_files} or {@code cpu}
 * @param value what is in force ({@code null}: unlimited); bytes, a count or cores
 * @param requested what the app's {@code resources.limits} asks for, or {@code null}
 * @param cap the operator's cap, or {@code null} for none
 * @param source where the value comes from: {@code app} (its request, within the cap),
 * {@code operator} (its cap set by {@code apps.limits.set}), {@code default} (the
 * server's {@code pyapp.runtime.limits.*}) or {@code none}
 * @param enforcement how it is enforced ({@code cgroup v1 (pids.max)},
 * {@code rlimit RLIMIT_NOFILE (per process)}, {@code none})
 */
public record LimitStatus(String name, @Nullable Number value, @Nullable Number requested, @Nullable Number cap,
		String source, String enforcement) {
}
