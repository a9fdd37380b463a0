package dev.pyapp.server.runtime;

import java.time.Duration;

import dev.pyapp.server.core.AppId;

/**
 * A daemon of an app did not end within {@code pyapp.runtime.stop-timeout} of its app
 * server's stop signal and was killed (SIGKILL): requests it was still serving were cut
 * off.
 *
 * @param app the app
 * @param release the release the daemon ran
 * @param pid the daemon's pid
 * @param signal the stop signal it was sent first ({@code TERM}, {@code QUIT})
 * @param waited how long it was given to stop
 */
public record AppKilled(AppId app, String release, long pid, String signal, Duration waited) {
}
