package dev.pyapp.server.mount;

import java.nio.file.Path;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The web server as {@code server.info} and {@code webserver.apply} report it.
 *
 * @param kind which web server
 * @param managed whether the server runs its own instance
 * @param state where it is in its life
 * @param pid the managed instance's main process, or {@code null}
 * @param config the live configuration file (the include file of a system server)
 * @param applied when a configuration was last applied, or {@code null}
 * @param message why the instance failed, or {@code null}
 */
public record WebServerStatus(WebServerKind kind, boolean managed, WebServerState state, @Nullable Long pid,
		Path config, @Nullable Instant applied, @Nullable String message) {
}
