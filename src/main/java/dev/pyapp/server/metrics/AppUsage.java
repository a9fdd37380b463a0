package dev.pyapp.server.metrics;

import org.jspecify.annotations.Nullable;

/**
 * What an app's daemon uses now: the whole process tree (the master and its workers).
 *
 * @param cpuSeconds CPU time (user and system) used since the daemon started, including
 * that of workers that ended
 * @param memoryBytes resident memory of every process of the tree
 * @param memoryLimitBytes the memory limit in force for the daemon, or {@code null} when
 * none is known
 */
public record AppUsage(double cpuSeconds, long memoryBytes, @Nullable Long memoryLimitBytes) {
}
