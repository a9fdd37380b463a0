package dev.pyapp.server.hooks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Redaction;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.LaunchPlan;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.SystemPath;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Runs a command in an app's context (SPEC §10 {@code apps.run}): the release's
 * {@link ProcessContext} like the daemon, its hooks and its tasks (environment, working
 * directory {@code src/}, the venv's {@code bin/} first on {@code PATH}, and whatever
 * confines the app's processes), standard input empty, output and time bounded. Each run
 * is logged under the app with logger {@code pyapp.run}: the command, each line of output
 * (up to the output bound) and the outcome. Also hands out the same command line for an
 * interactive terminal ({@code pyapp shell}).
 */
@Component
public class CommandRunner {

	/** The logger of the records a run leaves under its app. */
	public static final String LOGGER = "pyapp.run";

	static final int MAX_ARGUMENTS = 256;

	static final int MAX_COMMAND_LENGTH = 64 * 1024;

	private final NodeShell shell;

	private final HooksProperties properties;

	private final ApplicationEventPublisher events;

	CommandRunner(NodeShell shell, HooksProperties properties, ApplicationEventPublisher events) {
		this.shell = shell;
		this.properties = properties;
		this.events = events;
	}

	/**
	 * Runs a command to its end. Synchronous.
	 * @param context the live release's context
	 * @param command the program (looked up on the context's {@code PATH}, the venv's
	 * {@code bin/} first, when it has no {@code /}) and its arguments
	 * @param timeout how long it may run, or {@code null} for
	 * {@code pyapp.hooks.command-timeout}
	 * @return its exit code and output
	 * @throws PyappException ({@code INVALID}) for an empty or oversized command, a
	 * timeout beyond {@code pyapp.hooks.command-max-timeout} or a program that is not
	 * found; ({@code FAILED}) if it cannot be started
	 */
	public CommandResult run(ProcessContext context, List<String> command, @Nullable Duration timeout) {
		Duration limit = timeout(timeout);
		List<String> argv = resolve(context, check(command));
		// the log keeps what a person could read over the operator's shoulder:
		// no passwords
		String shown = String.join(" ", Redaction.arguments(command));
		log(context, "INFO", "running " + shown + " in " + context.release(), null);
		ProcessOutput output = new ProcessOutput(this.properties.commandMaxOutput().toBytes(),
				(line) -> log(context, "INFO", line, null));
		long started = System.nanoTime();
		ExecResult result;
		try {
			result = this.shell.exec(context.request(argv).withTimeout(limit).withLines(output::line));
		}
		catch (RuntimeException ex) {
			log(context, "ERROR", shown + " could not be started: " + ex.getMessage(), null);
			throw PyappException.failed("cannot run " + command.get(0) + ": " + ex.getMessage(), null);
		}
		String took = took(System.nanoTime() - started);
		if (output.unlogged() > 0) {
			log(context, "INFO", "(" + output.unlogged() + " more bytes of output not logged)", null);
		}
		if (result.timedOut()) {
			log(context, "ERROR", shown + " timed out after " + limit + " and was killed", null);
		}
		else {
			log(context, (result.exitCode() == 0) ? "INFO" : "WARNING",
					shown + " exited with code " + result.exitCode() + " after " + took, null);
		}
		return new CommandResult(result.exitCode(), output.text(), output.truncated(), result.timedOut());
	}

	/**
	 * The exact command line, environment and directory a command would run with in the
	 * context, for an interactive terminal the caller opens itself on this host.
	 * @param context the live release's context
	 * @param command the program and its arguments
	 * @return the plan
	 * @throws PyappException ({@code INVALID}) as {@link #run} does
	 */
	public LaunchPlan plan(ProcessContext context, List<String> command) {
		List<String> argv = resolve(context, check(command));
		log(context, "INFO", "interactive terminal: " + String.join(" ", Redaction.arguments(command)), null);
		return this.shell.plan(context.request(argv));
	}

	private Duration timeout(@Nullable Duration timeout) {
		if (timeout == null) {
			return this.properties.commandTimeout();
		}
		if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(this.properties.commandMaxTimeout()) > 0) {
			throw PyappException.invalid("invalid timeout", List.of(new Problem("timeout",
					"must be from 1 second to " + this.properties.commandMaxTimeout().toSeconds() + " seconds")));
		}
		return timeout;
	}

	private static List<String> check(List<String> command) {
		List<Problem> problems = new ArrayList<>();
		if (command.isEmpty() || command.get(0).isEmpty()) {
			problems.add(new Problem("command", "give the program to run and its arguments, such as "
					+ "[\"python\", \"manage.py\", \"migrate\"]"));
		}
		if (command.size() > MAX_ARGUMENTS) {
			problems.add(new Problem("command", "has " + command.size() + " arguments; at most " + MAX_ARGUMENTS));
		}
		long length = 0;
		for (int i = 0; i < command.size(); i++) {
			String argument = command.get(i);
			if (argument.indexOf('\0') >= 0) {
				problems.add(new Problem("command[" + i + "]", "must not contain a NUL character"));
			}
			length += argument.getBytes(StandardCharsets.UTF_8).length;
		}
		if (length > MAX_COMMAND_LENGTH) {
			problems.add(new Problem("command", "is " + length + " bytes long; at most " + MAX_COMMAND_LENGTH));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid command", problems);
		}
		return command;
	}

	/**
	 * The program as a path: a name without {@code /} is looked up on the context's
	 * {@code PATH}, as a shell would, not on the server's.
	 */
	private static List<String> resolve(ProcessContext context, List<String> command) {
		String program = command.get(0);
		if (program.contains("/")) {
			return command;
		}
		String path = context.environment().getOrDefault("PATH", SystemPath.STANDARD);
		for (String directory : path.split(":")) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, program);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				List<String> resolved = new ArrayList<>(command);
				resolved.set(0, candidate.toString());
				return resolved;
			}
		}
		throw PyappException.invalid("program not found", List.of(new Problem("command[0]",
				"'" + program + "' is not on the app's PATH (its venv's bin/ first, then " + path + ")")));
	}

	private void log(ProcessContext context, String level, String message, @Nullable String detail) {
		this.events
			.publishEvent(new AppProcessLogged(context.app(), context.release(), LOGGER, level, message, detail));
	}

	private static String took(long nanos) {
		long millis = nanos / 1_000_000;
		return (millis < 1000) ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
	}

}
