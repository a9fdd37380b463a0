package dev.pyapp.server.nodes;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A live process as the node sees it.
 *
 * @param pid its id
 * @param commandLine its argument vector (empty if unreadable)
 * @param started when it started, or {@code null} if unknown
 * @param uid the user it runs as (its real uid), or -1 if unknown
 */
public record ProcessInfo(long pid, List<String> commandLine, @Nullable Instant started, int uid) {
}
