package dev.pyapp.server.nodes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A command to run on a node. The command is an argument vector: nothing passes through a
 * shell.
 *
 * @param command the program and its arguments
 * @param workingDirectory the working directory, or {@code null} for the server's
 * @param environment variables to set
 * @param inheritEnvironment whether the server's own environment is passed on (false:
 * only {@code HOME} and the locale, with {@link SystemPath#STANDARD} as {@code PATH}
 * unless {@code environment} sets one; on a remote node, its own {@code PATH})
 * @param timeout how long {@link NodeShell#exec} waits before killing the command
 * @param stdout where {@link NodeShell#start} writes standard output (appended), or
 * {@code null} to discard it
 * @param stderr where standard error goes, or {@code null} for the same file as
 * {@code stdout}
 * @param lines receives each line of output as it is printed ({@link NodeShell#exec}
 * only), or {@code null}
 * @param isolation the user, sandbox, limits and cgroup of an app process
 * ({@link Isolation#none()} for the server's own commands)
 */
public record ExecRequest(List<String> command, @Nullable Path workingDirectory, Map<String, String> environment,
		boolean inheritEnvironment, Duration timeout, @Nullable Path stdout, @Nullable Path stderr,
		@Nullable Consumer<String> lines, Isolation isolation) {

	public ExecRequest {
		Assert.notEmpty(command, "'command' must not be empty");
		Assert.notNull(isolation, "'isolation' must not be null");
		command = List.copyOf(command);
		environment = Map.copyOf(environment);
	}

	/**
	 * A command with the server's environment, no working directory and a ten-minute
	 * timeout.
	 * @param command the program and its arguments
	 * @return the request
	 */
	public static ExecRequest of(String... command) {
		return new ExecRequest(List.of(command), null, Map.of(), true, Duration.ofMinutes(10), null, null, null,
				Isolation.none());
	}

	public static ExecRequest of(List<String> command) {
		return new ExecRequest(command, null, Map.of(), true, Duration.ofMinutes(10), null, null, null,
				Isolation.none());
	}

	public ExecRequest in(@Nullable Path directory) {
		return new ExecRequest(this.command, directory, this.environment, this.inheritEnvironment, this.timeout,
				this.stdout, this.stderr, this.lines, this.isolation);
	}

	public ExecRequest withEnvironment(Map<String, String> environment, boolean inherit) {
		return new ExecRequest(this.command, this.workingDirectory, environment, inherit, this.timeout, this.stdout,
				this.stderr, this.lines, this.isolation);
	}

	public ExecRequest withTimeout(Duration timeout) {
		return new ExecRequest(this.command, this.workingDirectory, this.environment, this.inheritEnvironment, timeout,
				this.stdout, this.stderr, this.lines, this.isolation);
	}

	public ExecRequest withOutput(@Nullable Path stdout, @Nullable Path stderr) {
		return new ExecRequest(this.command, this.workingDirectory, this.environment, this.inheritEnvironment,
				this.timeout, stdout, stderr, this.lines, this.isolation);
	}

	public ExecRequest withLines(@Nullable Consumer<String> lines) {
		return new ExecRequest(this.command, this.workingDirectory, this.environment, this.inheritEnvironment,
				this.timeout, this.stdout, this.stderr, lines, this.isolation);
	}

	/**
	 * The same command, run as an app process.
	 * @param isolation its user, sandbox, limits and cgroup
	 * @return the request
	 */
	public ExecRequest isolated(Isolation isolation) {
		return new ExecRequest(this.command, this.workingDirectory, this.environment, this.inheritEnvironment,
				this.timeout, this.stdout, this.stderr, this.lines, isolation);
	}

}
