package dev.pyapp.server.runtime;

import java.time.Duration;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.CommandResult;
import dev.pyapp.server.hooks.CommandRunner;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.nodes.LaunchPlan;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The one entry point that runs a command in an app's live release (SPEC §10
 * {@code apps.run}, {@code pyapp run}) and hands out the command line of a terminal in
 * the same place ({@code apps.shell}, {@code pyapp shell}): the context the daemon runs
 * in ({@link AppContexts#context}), so the same user, sandbox, limits, environment and
 * working directory {@code src/}. The process itself is started by {@link CommandRunner},
 * from the request {@code ProcessContext.request} builds, as for hooks, tasks and the
 * daemon. Synchronous.
 */
@Component
public class AppCommands {

	private final AppRegistry registry;

	private final AppContexts contexts;

	private final CommandRunner runner;

	AppCommands(AppRegistry registry, AppContexts contexts, CommandRunner runner) {
		this.registry = registry;
		this.contexts = contexts;
		this.runner = runner;
	}

	/**
	 * Runs a command to its end (or its timeout) in the app's live release; logged under
	 * the app with logger {@code pyapp.run}.
	 * @param app the app
	 * @param command the program (looked up on the app's {@code PATH}, the venv's
	 * {@code bin/} first) and its arguments
	 * @param timeout how long it may run, or {@code null} for the default
	 * ({@code pyapp.hooks.command-timeout})
	 * @return the release it ran in, its exit code and output
	 * @throws PyappException {@code NOT_FOUND} for an unknown app, {@code CONFLICT} when
	 * it has no live release, {@code INVALID} for a bad command or timeout
	 */
	public CommandRun run(AppId app, List<String> command, @Nullable Duration timeout) {
		String release = liveRelease(app);
		return new CommandRun(release, this.runner.run(this.contexts.context(app, release), command, timeout));
	}

	/**
	 * The exact command line, environment and directory of a command in the app's live
	 * release, for a terminal the caller opens itself on this host.
	 * @param app the app
	 * @param command the program and its arguments
	 * @return the release and the plan
	 * @throws PyappException as {@link #run} does
	 */
	public ShellPlan shell(AppId app, List<String> command) {
		String release = liveRelease(app);
		return new ShellPlan(release, this.runner.plan(this.contexts.context(app, release), command));
	}

	private String liveRelease(AppId app) {
		String release = this.registry.get(app).currentRelease();
		if (release == null) {
			throw PyappException.conflict("app '" + app + "' has no live release yet");
		}
		return release;
	}

	/**
	 * A command that ran.
	 *
	 * @param release the release it ran in
	 * @param result how it ended and what it printed
	 */
	public record CommandRun(String release, CommandResult result) {
	}

	/**
	 * A terminal's command line.
	 *
	 * @param release the release it opens in
	 * @param plan the command line, environment and directory
	 */
	public record ShellPlan(String release, LaunchPlan plan) {
	}

}
