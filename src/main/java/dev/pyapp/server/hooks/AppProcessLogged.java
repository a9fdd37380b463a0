package dev.pyapp.server.hooks;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * Something the server did in an app's context happened: a task run ended (logger
 * {@code pyapp.task}), a command of {@code apps.run} started, printed a line or ended
 * (logger {@code pyapp.run}). The logs module stores it under the app.
 *
 * @param app the app
 * @param release the release whose code ran, or {@code null}
 * @param logger the logger's name
 * @param level a Python level name: {@code INFO}, {@code WARNING} or {@code ERROR}
 * @param message what happened, or one line of output
 * @param detail more lines (the end of a failed run's output), or {@code null}
 */
public record AppProcessLogged(AppId app, @Nullable String release, String logger, String level, String message,
		@Nullable String detail) {
}
