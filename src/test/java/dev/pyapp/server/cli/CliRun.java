package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import picocli.CommandLine;

/**
 * Runs the CLI in-process with captured output.
 *
 * @param exitCode the exit code
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
record CliRun(int exitCode, String out, String err) {

	static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

	static CliRun run(Map<String, String> env, Path workingDirectory, String... args) {
		PyappCli cli = new PyappCli(env, workingDirectory, false, Clock.fixed(NOW, ZoneOffset.UTC));
		return run(cli, args);
	}

	static CliRun run(PyappCli cli, String... args) {
		CommandLine commandLine = PyappCli.commandLine(cli, args);
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		int exitCode = commandLine.execute(args);
		return new CliRun(exitCode, out.toString(), err.toString());
	}

}
