package dev.pyapp.server.rpc;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.CommandResult;
import dev.pyapp.server.nodes.LaunchPlan;
import dev.pyapp.server.runtime.AppCommands;
import dev.pyapp.server.security.Role;
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
	Map<String, Object> run(RunParams params) {
		AppCommands.CommandRun run = this.commands.run(AppId.of(params.name()), command(params.command()),
				(params.timeout() != null) ? Duration.ofSeconds(params.timeout()) : null);
		CommandResult result = run.result();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("exit_code", result.exitCode());
		view.put("output", result.output());
		view.put("truncated", result.truncated());
		view.put("timed_out", result.timedOut());
		view.put("release", run.release());
		return view;
	}

	@RpcMethod(value = "apps.shell", role = Role.ADMIN)
	Map<String, Object> shell(ShellParams params) {
		AppId app = AppId.of(params.name());
		List<String> command = (params.command() != null && !params.command().isEmpty()) ? params.command()
				: defaultShell();
		AppCommands.ShellPlan shell = this.commands.shell(app, command);
		LaunchPlan plan = shell.plan();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("command", plan.command());
		view.put("environment", plan.environment());
		view.put("directory", (plan.directory() != null) ? plan.directory().toString() : null);
		view.put("release", shell.release());
		return view;
	}

	/** An interactive shell whose prompt names the app. */
	private static List<String> defaultShell() {
		if (Files.isExecutable(java.nio.file.Path.of("/bin/bash"))) {
			return List.of("/bin/bash", "--norc", "-i");
		}
		return List.of("/bin/sh", "-i");
	}

	private static List<String> command(@Nullable List<String> command) {
		return (command != null) ? command : List.of();
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
