package dev.pyapp.server.mount.internal;

import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.runtime.WireProtocol;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where the web server finds a mounted app: its backend (the stable unix socket, or a
 * port on 127.0.0.1), what the backend speaks, and the static directories it serves
 * itself.
 *
 * @param socket the unix socket (the stable {@code run/app.sock}), or {@code null} when
 * the app listens on a port
 * @param port the port on 127.0.0.1 when {@code socket} is {@code null}, else 0
 * @param statics the app's {@code static} entries, in manifest order
 * @param protocol what the app's daemon speaks (HTTP for gunicorn, uwsgi for uWSGI)
 */
public record MountTarget(@Nullable Path socket, int port, List<StaticDirectory> statics, WireProtocol protocol) {

	public MountTarget {
		Assert.isTrue(socket != null || (port > 0 && port < 65536), "a socket or a port is required");
		Assert.notNull(protocol, "'protocol' must not be null");
		statics = List.copyOf(statics);
	}

	public static MountTarget socket(Path socket, List<StaticDirectory> statics) {
		return socket(socket, statics, WireProtocol.HTTP);
	}

	public static MountTarget socket(Path socket, List<StaticDirectory> statics, WireProtocol protocol) {
		return new MountTarget(socket.toAbsolutePath().normalize(), 0, statics, protocol);
	}

	public static MountTarget port(int port, List<StaticDirectory> statics) {
		return port(port, statics, WireProtocol.HTTP);
	}

	public static MountTarget port(int port, List<StaticDirectory> statics, WireProtocol protocol) {
		return new MountTarget(null, port, statics, protocol);
	}

	/**
	 * One {@code static} entry of an app's manifest, resolved.
	 *
	 * @param url the URL below the app's mount path, such as {@code /static}
	 * @param directory the absolute directory, below the live release
	 * ({@code apps/<name>/current/<path>}) so an upgrade needs no new configuration
	 * @param exclude files not to serve: glob patterns relative to the directory (one
	 * without {@code /} matches a file name at any depth)
	 */
	public record StaticDirectory(String url, Path directory, List<String> exclude) {

		public StaticDirectory {
			exclude = List.copyOf(exclude);
		}

		public StaticDirectory(String url, Path directory) {
			this(url, directory, List.of());
		}

	}

}
