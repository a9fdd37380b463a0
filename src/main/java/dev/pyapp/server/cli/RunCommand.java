package dev.pyapp.server.cli;

import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.cli.internal.ErrorReporter;
import dev.pyapp.server.cli.internal.Since;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp run NAME [--timeout T] -- ARGV...}: {@code apps.run}; prints the command's
 * output and exits with its exit code (124 when it ran past its timeout, as
 * {@code timeout(1)} does).
 */
@Command(name = "run",
		description = { RunCommand.DESCRIPTION,
				"It runs in the context its daemon runs in (environment, working directory src/, the venv's",
				"python first on PATH). Example: pyapp run blog -- python manage.py migrate" })
class RunCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Run a command in an app's live release and show its output.";

	/** The exit code of a command killed for running past its timeout. */
	static final int TIMED_OUT = 124;

	@Parameters(index = "0", paramLabel = "NAME", description = "the app")
	String name = "";

	@Parameters(index = "1..*", arity = "1..*", paramLabel = "ARGV",
			description = "the program and its arguments (after --)")
	List<String> command = new ArrayList<>();

	@Option(names = "--timeout", paramLabel = "T",
			description = "how long it may run: 30s, 10m, 1h (default: the server's, 10m)")
	@Nullable String timeout;

	@Override
	public Integer call() throws Exception {
		Long seconds = null;
		if (this.timeout != null) {
			try {
				seconds = Since.duration(this.timeout).toSeconds();
			}
			catch (IllegalArgumentException ex) {
				throw usage("--timeout must be a duration such as 30s, 10m or 1h, not '" + this.timeout + "'");
			}
		}
		JsonNode result = call("apps.run", params("name", this.name, "command", this.command, "timeout", seconds));
		if (json()) {
			printJson(result);
		}
		else {
			JsonNode output = result.get("output");
			if (Boolean.TRUE.equals(bool(result.get("truncated")))) {
				err().println("(the start of the output was cut off: it is in the app's log, logger pyapp.run)");
			}
			if (output != null && output.isString()) {
				out().print(Text.printable(output.stringValue()));
			}
		}
		out().flush();
		if (Boolean.TRUE.equals(bool(result.get("timed_out")))) {
			err().println("error: " + String.join(" ", this.command) + " ran past its timeout and was killed");
			err().flush();
			return TIMED_OUT;
		}
		JsonNode code = result.get("exit_code");
		return (code != null && code.isInt()) ? Math.max(0, Math.min(255, code.intValue())) : ErrorReporter.API_ERROR;
	}

	private static @Nullable Boolean bool(@Nullable JsonNode node) {
		return (node != null && node.isBoolean()) ? node.booleanValue() : null;
	}

}
