package dev.pyapp.server.runtime;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * The kernel killed a process of an app's daemon because its cgroup reached its memory
 * limit.
 *
 * @param app the app
 * @param release the release the daemon runs
 * @param pid the daemon's pid
 * @param limit the memory limit in bytes, or {@code null} if unknown
 * @param ended whether the daemon itself ended (then the crash-restart policy applies);
 * otherwise a worker was killed and replaced
 */
public record AppOutOfMemory(AppId app, String release, long pid, @Nullable Long limit, boolean ended) {
}
