package dev.pyapp.server.runtime;

import dev.pyapp.server.core.AppId;

/**
 * An app is about to switch to a daemon that speaks another wire protocol (an upgrade or
 * a rollback from gunicorn to uWSGI, or back). Until its {@link AppStarted},
 * {@link AppSupervisor#endpoint} answers that daemon's own socket: a web server that
 * follows now speaks the new protocol to it directly, while the connections it holds to
 * {@code run/app.sock} still reach the old daemon. Listeners run synchronously, before
 * the switch.
 *
 * @param app the app
 * @param release the release it switches to
 * @param protocol the new daemon's protocol
 */
public record AppSwitching(AppId app, String release, WireProtocol protocol) {
}
