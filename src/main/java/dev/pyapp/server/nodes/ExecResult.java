package dev.pyapp.server.nodes;

/**
 * The outcome of {@link NodeShell#exec}.
 *
 * @param exitCode the exit code (-1 if it timed out)
 * @param output standard output and standard error, interleaved as printed (the last 1
 * MiB when longer)
 * @param timedOut whether it was killed for running too long
 */
public record ExecResult(int exitCode, String output, boolean timedOut) {

	public boolean succeeded() {
		return this.exitCode == 0 && !this.timedOut;
	}

}
