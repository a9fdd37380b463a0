package dev.pyapp.server.runtime;

import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * An app's live daemon accepts connections: after a start, a restart after a crash, an
 * adoption at server startup, an upgrade or a rollback.
 *
 * @param app the app
 * @param release the release it runs
 * @param pid the gunicorn master's pid
 * @param socket the stable socket the web server talks to ({@code run/app.sock}), or
 * {@code null} when bound to a port
 * @param port the TCP port on 127.0.0.1, or {@code null} when bound to a socket
 */
public record AppStarted(AppId app, String release, long pid, @Nullable Path socket, @Nullable Integer port) {
}
