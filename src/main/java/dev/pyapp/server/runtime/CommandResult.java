package dev.pyapp.server.runtime;

/**
 * What a command run in an app's context printed and how it ended ({@code apps.run}).
 *
 * @param exitCode its exit code (-1 when it was killed for running too long)
 * @param output standard output and standard error as printed, at most the last
 * {@link AppCommands#MAX_OUTPUT} characters
 * @param truncated whether the start of the output was cut
 * @param timedOut whether it was killed for running past its timeout
 */
public record CommandResult(int exitCode, String output, boolean truncated, boolean timedOut) {
}
