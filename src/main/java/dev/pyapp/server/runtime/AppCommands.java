package dev.pyapp.server.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Runs a command in an app's live release exactly like its daemon (SPEC §10
 * {@code apps.run}): the app's user and sandbox, its limits, its environment,
 * {@code src/} as working directory and the venv's {@code bin/} first on {@code PATH}.
 * The command dies with the server and has a cgroup of its own. Publishes
 * {@link CommandRan}. Synchronous.
 */
@Component
public class AppCommands {

	/** Output kept of one run: the last 1 MiB. */
	public static final int MAX_OUTPUT = 1024 * 1024;

	/** The longest a command may run. */
	public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

	private static final int MAX_ARGUMENTS = 4096;

	private final AppRegistry registry;

	private final AppContexts contexts;

	private final NodeShell shell;

	private final ApplicationEventPublisher events;

	AppCommands(AppRegistry registry, AppContexts contexts, NodeShell shell, ApplicationEventPublisher events) {
		this.registry = registry;
		this.contexts = contexts;
		this.shell = shell;
		this.events = events;
	}

	/**
	 * Runs a command to its end (or its timeout) in the app's live release.
	 * @param app the app
	 * @param command the program and its arguments (a program without {@code /} is looked
	 * up on the app's {@code PATH}, the venv's {@code bin/} first)
	 * @param timeout how long it may run, at most {@link #MAX_TIMEOUT}
	 * @return its exit code and output
	 * @throws PyappException {@code NOT_FOUND} for an unknown app, {@code CONFLICT} when
	 * it has no live release, {@code INVALID} for an empty command, a NUL in an argument
	 * or a timeout out of range
	 */
	public CommandResult run(AppId app, List<String> command, Duration timeout) {
		List<Problem> problems = new ArrayList<>();
		if (command.isEmpty() || command.get(0).isEmpty()) {
			problems.add(new Problem("command", "give the program and its arguments, such as [\"python\", \"-V\"]"));
		}
		if (command.size() > MAX_ARGUMENTS) {
			problems.add(new Problem("command", "at most " + MAX_ARGUMENTS + " arguments"));
		}
		for (int i = 0; i < command.size(); i++) {
			if (command.get(i).indexOf('\0') >= 0) {
				problems.add(new Problem("command[" + i + "]", "an argument may not hold a NUL character"));
			}
		}
		if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
			problems.add(new Problem("timeout", "expected a duration from 1s to " + MAX_TIMEOUT.toMinutes() + "m"));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid command", problems);
		}
		String release = this.registry.get(app).currentRelease();
		if (release == null) {
			throw PyappException.conflict("app '" + app + "' has no live release to run a command in");
		}
		ProcessContext context = this.contexts.context(app, release);
		AtomicLong printed = new AtomicLong();
		ExecResult result = this.shell.exec(ExecRequest.of(command)
			.in(context.workingDirectory())
			.withEnvironment(context.environment(), false)
			.withTimeout(timeout)
			.withLines((line) -> printed.addAndGet(line.length() + 1))
			.isolated(context.isolation()));
		String output = result.output();
		boolean truncated = printed.get() > output.length() || output.length() > MAX_OUTPUT;
		if (output.length() > MAX_OUTPUT) {
			output = output.substring(output.length() - MAX_OUTPUT);
		}
		this.events.publishEvent(new CommandRan(app, release, List.copyOf(command), result.exitCode()));
		return new CommandResult(result.exitCode(), output, truncated, result.timedOut());
	}

}
