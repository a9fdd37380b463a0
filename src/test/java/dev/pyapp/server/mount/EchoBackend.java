package dev.pyapp.server.mount;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A real app server serving {@code mount/echoapp.py} on a unix socket for the mount
 * tests: {@link Gunicorn} (HTTP) or {@link Uwsgi} (the uwsgi protocol).
 */
interface EchoBackend {

	/** The socket it listens on. */
	Path socket();

	/** Stops gracefully (in-flight requests finish) and waits. */
	void stop() throws InterruptedException;

	/**
	 * Starts one, with one process and 8 threads (the runtime's default daemon).
	 * @param server {@code gunicorn} or {@code uwsgi}
	 * @param socket the unix socket to bind
	 * @param name the backend's name in its answers
	 * @param log the file every request path is appended to
	 * @param app the WSGI callable in {@code echoapp}
	 * @return the running server, once its app is ready to answer
	 */
	static EchoBackend start(String server, Path socket, String name, Path log, String app)
			throws IOException, InterruptedException {
		return switch (server) {
			case "gunicorn" -> Gunicorn.start(socket, name, log, app);
			case "uwsgi" -> Uwsgi.start(socket, name, log, app);
			default -> throw new IllegalArgumentException(server);
		};
	}

}
