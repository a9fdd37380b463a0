package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;

/**
 * An app was removed.
 *
 * @param app the app
 */
public record AppRemoved(AppId app) {
}
