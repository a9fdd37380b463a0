package dev.pyapp.server.nodes;

import java.util.concurrent.CompletableFuture;

/**
 * A process started by {@link NodeShell#start}.
 *
 * @param pid its process id
 * @param exit completes with the exit code when it ends
 */
public record RunningProcess(long pid, CompletableFuture<Integer> exit) {
}
