package dev.pyapp.server.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyapp.server.cli.internal.ErrorReporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp shell NAME [-- ARGV...]}: an interactive terminal in an app's live
 * release, on the server's host, in exactly the context its daemon runs in.
 * <p>
 * The server hands out the command line ({@code apps.shell}): the program with whatever
 * confines the app's processes, the whole environment and the working directory. This JVM
 * does not sit between the terminal and the command: with {@code --print-exec} (which
 * {@code bin/pyapp} adds) it prints that command line as one shell-quoted
 * {@code cd ... && exec env -i ...} line, and {@code bin/pyapp} {@code exec}s it, so the
 * command owns the terminal, its signals (Ctrl-C reaches it, not a JVM) and its exit
 * code.
 */
@Command(name = "shell",
		description = { ShellCommand.DESCRIPTION,
				"It runs on the server's host, in the context the daemon runs in. Default: a bash shell;",
				"give a command after --, such as: pyapp shell blog -- python manage.py shell" })
class ShellCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Open an interactive terminal in an app's live release.";

	private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

	@Parameters(index = "0", paramLabel = "NAME", description = "the app")
	String name = "";

	@Parameters(index = "1..*", arity = "0..*", paramLabel = "ARGV",
			description = "the program and its arguments (after --); default: an interactive shell")
	List<String> command = new ArrayList<>();

	@Option(names = "--print-exec", hidden = true,
			description = "print the command line for bin/pyapp to exec (it hands over the terminal)")
	boolean printExec;

	@Override
	public Integer call() throws Exception {
		if (cli().node() != null) {
			throw usage("pyapp shell runs on the server's host only; on node " + cli().node()
					+ ", use pyapp run --node " + cli().node() + " " + this.name + " -- ARGV");
		}
		URI endpoint = client().endpoint();
		if (!LOCAL_HOSTS.contains(String.valueOf(endpoint.getHost()))) {
			throw new CliException("pyapp shell works on the server's host only (the API is at " + endpoint
					+ "); from here, use pyapp run " + this.name + " -- ARGV");
		}
		JsonNode plan = call("apps.shell",
				params("name", this.name, "command", this.command.isEmpty() ? null : this.command));
		String line = execLine(plan, this.command.isEmpty() ? this.name : null);
		if (this.printExec) {
			out().println(line);
			out().flush();
			return 0;
		}
		err().println("error: pyapp shell needs bin/pyapp to hand the terminal to the command; run it as");
		err().println("    bin/pyapp shell " + this.name + (this.command.isEmpty() ? "" : " -- ...")
				+ "   or run this line in a shell:");
		err().println(line);
		err().flush();
		return ErrorReporter.API_ERROR;
	}

	/**
	 * The plan as one POSIX shell line:
	 * {@code cd 'DIR' && exec env -i /bin/sh -c '. /dev/fd/3 ...' sh 'ARGV'... 3<<'END'}
	 * and a here-document of {@code export 'K=V'} lines. The values are in no argument of
	 * any process, where {@code ps} would show them to every user of the host ({@code env
	 * -i 'K=V' ARGV} would hold them until it starts the program); the {@code /bin/sh}
	 * between reads them from descriptor 3, closes it and execs the program.
	 * @param plan the result of {@code apps.shell}
	 * @param prompt the app's name for the prompt of the default shell, or {@code null}
	 * @return the line
	 */
	static String execLine(JsonNode plan, @org.jspecify.annotations.Nullable String prompt) {
		StringBuilder line = new StringBuilder();
		JsonNode directory = plan.get("directory");
		if (directory != null && directory.isString()) {
			line.append("cd -- ").append(quote(directory.stringValue())).append(" && ");
		}
		line.append("exec env -i");
		StringBuilder script = new StringBuilder();
		JsonNode environment = plan.get("environment");
		if (environment != null && environment.isObject()) {
			for (Map.Entry<String, JsonNode> variable : environment.properties()) {
				export(script, variable.getKey(), variable.getValue().asString());
			}
		}
		if (prompt != null) {
			export(script, "PS1", "[pyapp " + prompt + "] \\W\\$ ");
		}
		if (!script.isEmpty()) {
			line.append(" /bin/sh -c ").append(quote(". /dev/fd/3 || exit 126; exec 3<&-; exec \"$@\"")).append(" sh");
		}
		JsonNode command = plan.get("command");
		if (command == null || !command.isArray() || command.isEmpty()) {
			throw new CliException("the server gave no command line to run");
		}
		for (JsonNode argument : command) {
			line.append(' ').append(quote(argument.asString()));
		}
		if (!script.isEmpty()) {
			// a delimiter that is no line of the script (a value may hold any line)
			String end = "PYAPP_ENVIRONMENT";
			while (("\n" + script).contains("\n" + end + "\n")) {
				end += "_";
			}
			line.append(" 3<<'").append(end).append("'\n").append(script).append(end);
		}
		return line.toString();
	}

	private static void export(StringBuilder script, String name, String value) {
		if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
			throw new CliException("the server gave an environment variable the shell cannot set: '" + name + "'");
		}
		script.append("export ").append(quote(name + "=" + value)).append('\n');
	}

	/** One shell word, quoted so that nothing in it is interpreted. */
	static String quote(String word) {
		if (word.indexOf('\0') >= 0) {
			throw new CliException("the server gave a command line with a NUL character");
		}
		return "'" + word.replace("'", "'\\''") + "'";
	}

}
