package dev.pyapp.server.cli;

/**
 * A failure the CLI reports as one readable line on stderr, with exit code 1: the
 * server's answer (see {@link CliApiException}), an unreachable server, a missing token,
 * a file that cannot be parsed. A file named on the command line that cannot be read is a
 * {@link CliUsageException} (exit code 2).
 */
public class CliException extends RuntimeException {

	public CliException(String message) {
		super(message, null, false, false);
	}

	public CliException(String message, Throwable cause) {
		super(message, cause, false, false);
	}

}
