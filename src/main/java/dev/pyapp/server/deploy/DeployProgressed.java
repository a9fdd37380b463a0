package dev.pyapp.server.deploy;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * A step of an install, upgrade or rollback started, printed output, or ended. The logs
 * module stores these under the app with logger {@code pyapp.deploy}.
 *
 * @param app the app
 * @param release the release being deployed, or {@code null} before it has an id
 * @param step the step's short name ({@code extract}, {@code venv}, {@code hooks},
 * {@code start}, {@code health}, {@code switch}, ...)
 * @param level the Python level name: {@code INFO}, {@code WARNING} or {@code ERROR}
 * @param message one line of what happened or what the step printed
 */
public record DeployProgressed(AppId app, @Nullable String release, String step, String level, String message) {
}
