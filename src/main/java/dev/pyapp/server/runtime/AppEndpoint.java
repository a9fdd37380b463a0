package dev.pyapp.server.runtime;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where a web server reaches an app, and what it speaks there.
 *
 * @param socket the unix socket (normally the stable {@code run/app.sock}), or
 * {@code null} when the app is bound to a port
 * @param port the port on 127.0.0.1, or {@code null}
 * @param protocol what the daemon behind it speaks
 */
public record AppEndpoint(@Nullable Path socket, @Nullable Integer port, WireProtocol protocol) {

	public AppEndpoint {
		Assert.isTrue((socket == null) != (port == null), "exactly one of 'socket' and 'port' is required");
		Assert.notNull(protocol, "'protocol' must not be null");
	}

}
