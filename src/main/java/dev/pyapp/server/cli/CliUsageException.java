package dev.pyapp.server.cli;

/**
 * A usage error found while a command runs: a file or directory named on the command line
 * that is missing or cannot be read. Reported like any {@link CliException}, as one line
 * on stderr naming the path, but with exit code 2 (SPEC §7), which is not an API error.
 */
public class CliUsageException extends CliException {

	public CliUsageException(String message) {
		super(message);
	}

}
