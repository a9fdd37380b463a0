package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;

/**
 * A release of an app went live: its first install, an upgrade or a rollback.
 *
 * @param app the app
 * @param releaseId the live release
 * @param upgrade whether another release was live before (so also for a rollback)
 */
public record ReleaseActivated(AppId app, String releaseId, boolean upgrade) {
}
