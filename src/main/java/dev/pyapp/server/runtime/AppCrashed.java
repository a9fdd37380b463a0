package dev.pyapp.server.runtime;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * An app's live daemon ended without being asked to.
 *
 * @param app the app
 * @param release the release it ran
 * @param exitCode its exit code, or {@code null} if unknown (an adopted process)
 * @param restarts how many restarts after crashes so far
 * @param failed whether it crashed too often and will not be restarted (state
 * {@code failed})
 * @param reason what happened, with the end of its stderr
 */
public record AppCrashed(AppId app, String release, @Nullable Integer exitCode, int restarts, boolean failed,
		String reason) {
}
