package dev.pyapp.server.rpc.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.CommandResult;
import dev.pyapp.server.nodes.LaunchPlan;
import dev.pyapp.server.runtime.AppCommands;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code apps.run}: a command in an app's live release, in the context its daemon runs
 * in; {@code apps.shell}: the same context as a command line that {@code pyapp shell}
 * runs with its own terminal on the server's host. Both through {@link AppCommands}.
 */
@RpcEndpoint
class RunRpc {

	private final AppCommands commands;

	RunRpc(AppCommands commands) {
		this.commands = commands;
	}

	@RpcMethod(value = "apps.run", role = Role.DEPLOYER)
	RunResult run(RunParams params) {
		AppCommands.CommandRun run = this.commands.run(AppId.of(params.name()), command(params.command()),
				(params.timeout() != null) ? Duration.ofSeconds(params.timeout()) : null);
		CommandResult result = run.result();
		return new RunResult(result.exitCode(), result.output(), result.truncated(), result.timedOut(), run.release());
	}

	@RpcMethod(value = "apps.shell", role = Role.ADMIN)
	ShellView shell(ShellParams params) {
		AppId app = AppId.of(params.name());
		List<String> command = (params.command() != null && !params.command().isEmpty()) ? params.command()
				: defaultShell();
		AppCommands.ShellPlan shell = this.commands.shell(app, command);
		LaunchPlan plan = shell.plan();
		return new ShellView(plan.command(), plan.environment(),
				(plan.directory() != null) ? plan.directory().toString() : null, shell.release());
	}

	/** An interactive shell whose prompt names the app. */
	private static List<String> defaultShell() {
		if (Files.isExecutable(Path.of("/bin/bash"))) {
			return List.of("/bin/bash", "--norc", "-i");
		}
		return List.of("/bin/sh", "-i");
	}

	private static List<String> command(@Nullable List<String> command) {
		return (command != null) ? command : List.of();
	}

	/**
	 * {@code apps.run}.
	 *
	 * @param exitCode the command's exit code
	 * @param output what it printed (stdout and stderr)
	 * @param truncated whether the output was cut at its bound
	 * @param timedOut whether it was killed at its timeout
	 * @param release the release it ran in
	 */
	record RunResult(@JsonProperty("exit_code") int exitCode, String output, boolean truncated,
			@JsonProperty("timed_out") boolean timedOut, String release) {
	}

	/**
	 * {@code apps.shell}: what {@code pyapp shell} runs with its own terminal.
	 *
	 * @param command the command line, wrapped as the app's processes are
	 * @param environment its environment
	 * @param directory its working directory, or {@code null}
	 * @param release the release it runs in
	 */
	record ShellView(List<String> command, Map<String, String> environment, @Nullable String directory,
			String release) {
	}

	/**
	 * @param name the app
	 * @param command the program and its arguments, such as
	 * {@code ["python", "manage.py", "migrate"]}
	 * @param timeout how many seconds it may run (default
	 * {@code pyapp.hooks.command-timeout})
	 */
	record RunParams(String name, @Nullable List<String> command, @Nullable Long timeout) {
	}

	/**
	 * @param name the app
	 * @param command the program and its arguments, or {@code null} for an interactive
	 * shell
	 */
	record ShellParams(String name, @Nullable List<String> command) {
	}

}
