package dev.pyapp.server.runtime;

import dev.pyapp.server.core.AppId;

/**
 * An app's live daemon was stopped on purpose.
 *
 * @param app the app
 * @param release the release it ran
 */
public record AppStopped(AppId app, String release) {
}
