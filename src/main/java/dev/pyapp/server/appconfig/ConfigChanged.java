package dev.pyapp.server.appconfig;

import dev.pyapp.server.core.AppId;

/**
 * Published after an app's config file has been written with new values
 * ({@code config.set}, an undo, or an upgrade that completed its configuration). The
 * runtime reacts by restarting the app gracefully.
 *
 * @param app the app
 */
public record ConfigChanged(AppId app) {
}
