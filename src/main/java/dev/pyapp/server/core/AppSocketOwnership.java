package dev.pyapp.server.core;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Gives a socket the server creates for an app (its log socket) the owner, group and mode
 * the app's processes need to connect to it. Called on the socket while it is still in a
 * directory only the server can write, before it is moved into the app's {@code run/};
 * without a bean of this type the socket keeps the server's owner and mode {@code 0660}.
 */
@FunctionalInterface
public interface AppSocketOwnership {

	/**
	 * @param app the app the socket belongs to
	 * @param socket the socket file, mode {@code 0660}
	 * @throws IOException if its owner or mode cannot be set
	 */
	void apply(AppId app, Path socket) throws IOException;

}
