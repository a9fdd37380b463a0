package dev.pyapp.server.hooks;

/**
 * What a command run in an app's context ({@code apps.run}) did.
 *
 * @param exitCode its exit code ({@code -1} when it was killed for running too long)
 * @param output what it printed, standard output and standard error interleaved: the end
 * of it when it printed more than {@code pyapp.hooks.command-max-output}
 * @param truncated whether the start of the output was cut off
 * @param timedOut whether it was killed for running past its timeout
 */
public record CommandResult(int exitCode, String output, boolean truncated, boolean timedOut) {
}
