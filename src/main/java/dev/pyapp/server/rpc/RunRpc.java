package dev.pyapp.server.rpc;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.CommandResult;
import dev.pyapp.server.hooks.CommandRunner;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.nodes.LaunchPlan;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.security.Role;
import org.jspecify.annotations.Nullable;

/**
 * {@code apps.run}: a command in an app's live release, in the context its daemon runs
 * in; {@code apps.shell}: the same context as a command line that {@code pyapp shell}
 * runs with its own terminal on the server's host.
 */
@RpcEndpoint
class RunRpc {

	private final AppRegistry registry;

	private final AppContexts contexts;

	private final CommandRunner runner;

	RunRpc(AppRegistry registry, AppContexts contexts, CommandRunner runner) {
		this.registry = registry;
		this.contexts = contexts;
		this.runner = runner;
	}

	@RpcMethod(value = "apps.run", role = Role.DEPLOYER)
	Map<String, Object> run(RunParams params) {
		AppId app = AppId.of(params.name());
		String release = liveRelease(app);
		CommandResult result = this.runner.run(this.contexts.context(app, release), command(params.command()),
				(params.timeout() != null) ? Duration.ofSeconds(params.timeout()) : null);
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("exit_code", result.exitCode());
		view.put("output", result.output());
		view.put("truncated", result.truncated());
		view.put("timed_out", result.timedOut());
		view.put("release", release);
		return view;
	}

	@RpcMethod(value = "apps.shell", role = Role.ADMIN)
	Map<String, Object> shell(ShellParams params) {
		AppId app = AppId.of(params.name());
		String release = liveRelease(app);
		List<String> command = (params.command() != null && !params.command().isEmpty()) ? params.command()
				: defaultShell(app);
		LaunchPlan plan = this.runner.plan(this.contexts.context(app, release), command);
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("command", plan.command());
		view.put("environment", plan.environment());
		view.put("directory", (plan.directory() != null) ? plan.directory().toString() : null);
		view.put("release", release);
		return view;
	}

	/** An interactive shell whose prompt names the app. */
	private static List<String> defaultShell(AppId app) {
		if (Files.isExecutable(java.nio.file.Path.of("/bin/bash"))) {
			return List.of("/bin/bash", "--norc", "-i");
		}
		return List.of("/bin/sh", "-i");
	}

	private static List<String> command(@Nullable List<String> command) {
		return (command != null) ? command : List.of();
	}

	private String liveRelease(AppId app) {
		String release = this.registry.get(app).currentRelease();
		if (release == null) {
			throw PyappException.conflict("app '" + app + "' has no live release yet");
		}
		return release;
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
