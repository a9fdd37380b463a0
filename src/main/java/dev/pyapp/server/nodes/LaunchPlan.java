package dev.pyapp.server.nodes;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Exactly what a node runs for an {@link ExecRequest}: the final argument vector (with
 * whatever the node wraps around the command), the whole environment and the working
 * directory. For a caller that must run a command itself, such as an interactive terminal
 * on the server's host ({@code pyapp shell}).
 *
 * @param command the program and its arguments, as executed
 * @param environment the complete environment (nothing else is inherited)
 * @param directory the working directory, or {@code null} for the caller's
 */
public record LaunchPlan(List<String> command, Map<String, String> environment, @Nullable Path directory) {

	public LaunchPlan {
		command = List.copyOf(command);
		environment = Map.copyOf(environment);
	}

}
