package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;

/**
 * A release of an app went live.
 *
 * @param app the app
 * @param releaseId the live release
 * @param upgrade whether another release was live before
 */
public record AppInstalled(AppId app, String releaseId, boolean upgrade) {
}
