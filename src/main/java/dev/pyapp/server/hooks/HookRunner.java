package dev.pyapp.server.hooks;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Runs an app's lifecycle hooks ({@code post-install}, {@code pre-update},
 * {@code post-update}, {@code pre-delete}) as {@code module:callable} in the app's
 * environment and context, with a timeout. Synchronous.
 */
@Component
public class HookRunner {

	private static final Logger logger = LoggerFactory.getLogger(HookRunner.class);

	/** How {@code pyapp_runtime.run} prints what a hook or task logs. */
	private static final Pattern LOGGED = Pattern.compile("(DEBUG|INFO|WARNING|ERROR|CRITICAL) [\\w.-]{1,200}: ");

	static final int LOG_LINES = 200;

	static final int LOG_CHARS = 32 * 1024;

	private final NodeShell shell;

	private final HooksProperties properties;

	HookRunner(NodeShell shell, HooksProperties properties) {
		this.shell = shell;
		this.properties = properties;
	}

	/**
	 * Runs one hook to completion.
	 * @param context the app's process context (the release whose code runs)
	 * @param hook the hook's name, such as {@code pre-update}
	 * @param call {@code module:callable}
	 * @param output receives each line the hook prints
	 * @return everything the hook printed
	 * @throws PyappException ({@code FAILED}, with the output as log) if the hook raised,
	 * exited non-zero or ran past {@code pyapp.hooks.timeout}
	 */
	public String run(ProcessContext context, String hook, String call, Consumer<String> output) {
		ExecResult result = exec(context, "hook", call, this.properties.timeout(), output);
		if (!result.succeeded()) {
			String why = result.timedOut() ? "timed out after " + this.properties.timeout()
					: "failed with exit code " + result.exitCode();
			logger.warn("{} hook {} ({}) of {} {}", hook, call, context.release(), context.app(), why);
			throw PyappException.failed("the " + hook + " hook " + call + " " + why, tail(result.output()));
		}
		return result.output();
	}

	/**
	 * The level of a line a hook or task printed: what it logged through {@code logging}
	 * comes as {@code LEVEL logger: message} ({@code pyapp_runtime.run}); anything else
	 * is INFO.
	 * @param line the line
	 * @return a Python level name
	 */
	public static String level(String line) {
		Matcher matcher = LOGGED.matcher(line);
		return matcher.lookingAt() ? matcher.group(1) : "INFO";
	}

	/**
	 * The end of a failed hook's output for the error's {@code data.log}: the last
	 * {@value #LOG_LINES} lines, at most {@value #LOG_CHARS} characters, which hold the
	 * traceback and what was logged before it; the whole output is in the app's log
	 * (logger {@code pyapp.deploy}).
	 */
	static String tail(String output) {
		String[] lines = output.stripTrailing().split("\n", -1);
		int from = Math.max(0, lines.length - LOG_LINES);
		String tail = String.join("\n", Arrays.asList(lines).subList(from, lines.length));
		if (tail.length() > LOG_CHARS) {
			tail = tail.substring(tail.length() - LOG_CHARS);
			from = -1;
		}
		return (from != 0) ? "[... the whole output is in the app's log, logger pyapp.deploy]\n" + tail : tail;
	}

	ExecResult exec(ProcessContext context, String role, String call, java.time.Duration timeout,
			Consumer<String> output) {
		return this.shell
			.exec(context.request(List.of(context.python().toString(), "-m", "pyapp_runtime.run", role, call))
				.withTimeout(timeout)
				.withLines(output)
				.isolated(context.isolation()));
	}

}
