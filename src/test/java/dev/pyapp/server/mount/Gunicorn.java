package dev.pyapp.server.mount;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Real gunicorn for the mount tests: a venv built once per JVM with
 * {@code /usr/bin/python3 -m venv --without-pip} and {@code pip install gunicorn}
 * (Debian's pip wheel, from the host's pip configuration), serving
 * {@code mount/echoapp.py} on unix sockets.
 */
final class Gunicorn implements EchoBackend {

	private static Path venv;

	private static Path appDir;

	private final Process process;

	private final Path socket;

	private Gunicorn(Process process, Path socket) {
		this.process = process;
		this.socket = socket;
	}

	/**
	 * The venv of every test backend, made by {@code /usr/bin/python3} (the interpreter
	 * Debian's uWSGI plugin embeds), with gunicorn; deleted when the JVM ends.
	 * @return the venv
	 */
	static synchronized Path venv() throws IOException, InterruptedException {
		if (venv == null) {
			Path dir = Files.createTempDirectory(Path.of("/tmp"), "pv");
			// shared by every test class of the JVM, whose backends are stopped by then
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					dev.pyapp.server.core.AtomicFiles.deleteTree(dir);
				}
				catch (RuntimeException ex) {
					// left for a look by hand
				}
			}, "delete-test-venv"));
			// without a pip of its own: ensurepip's install of pip into the venv took
			// 3.4 s of CPU; Debian's pip wheel (python3-pip-whl, which
			// scripts/packages.sh installs), run by the venv's python as the server
			// runs it, installs gunicorn for 1.8 s in all instead of 4.2 s
			run(List.of("/usr/bin/python3", "-m", "venv", "--without-pip", dir.toString()));
			run(List.of(dir.resolve("bin/python").toString(), pipWheel().resolve("pip").toString(), "install", "-q",
					"--disable-pip-version-check", "--retries", "0", "--timeout", "5", "gunicorn"));
			appDir = Files.createDirectories(dir.resolve("app"));
			try (InputStream app = Gunicorn.class.getResourceAsStream("/mount/echoapp.py")) {
				Files.copy(app, appDir.resolve("echoapp.py"), StandardCopyOption.REPLACE_EXISTING);
			}
			venv = dir;
		}
		return venv;
	}

	/**
	 * Debian's pip wheel ({@code /usr/share/python-wheels/pip-*.whl}), which runs as it
	 * is.
	 */
	private static Path pipWheel() throws IOException {
		try (DirectoryStream<Path> wheels = Files.newDirectoryStream(Path.of("/usr/share/python-wheels"),
				"pip-*.whl")) {
			for (Path wheel : wheels) {
				return wheel;
			}
		}
		throw new IllegalStateException("no /usr/share/python-wheels/pip-*.whl: install python3-pip-whl");
	}

	/**
	 * Starts gunicorn (gthread, one process, 8 threads, like the runtime's default).
	 * @param socket the unix socket to bind
	 * @param name the backend's name in its answers
	 * @param log the file every request path is appended to
	 * @param app the WSGI callable in {@code echoapp}
	 * @return the running server, once its app answers
	 */
	static Gunicorn start(Path socket, String name, Path log, String app) throws IOException, InterruptedException {
		Path bin = venv().resolve("bin/gunicorn");
		ProcessBuilder builder = new ProcessBuilder(bin.toString(), "-k", "gthread", "--threads", "8", "-w", "1",
				"--graceful-timeout", "10", "-b", "unix:" + socket, "echoapp:" + app);
		builder.directory(appDir.toFile());
		Map<String, String> env = builder.environment();
		env.put("ECHO_NAME", name);
		env.put("ECHO_LOG", log.toString());
		builder.redirectErrorStream(true);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling(name + "-gunicorn.log").toFile()));
		Gunicorn gunicorn = new Gunicorn(builder.start(), socket);
		// the file comes with bind(), a moment before listen(): a connection in between
		// is refused (a 503 from Apache right after a switch to this backend, in CI).
		// Once it listens, a connection is queued while the worker still loads the app
		// (up to 0.6 s more on a loaded host): started is when the app answers, as a
		// uWSGI backend is started once its worker printed the app line
		await().atMost(Duration.ofSeconds(30)).until(() -> answers(socket) || !gunicorn.process.isAlive());
		if (!gunicorn.process.isAlive()) {
			throw new IllegalStateException(
					"gunicorn did not start: " + Files.readString(log.resolveSibling(name + "-gunicorn.log")));
		}
		return gunicorn;
	}

	@Override
	public Path socket() {
		return this.socket;
	}

	/** Stops gracefully (TERM: in-flight requests finish) and waits. */
	@Override
	public void stop() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.toHandle().destroy();
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly();
			}
		}
	}

	/**
	 * The directory of the test apps ({@code echoapp.py}) in the venv.
	 * @return the directory
	 */
	static synchronized Path appDir() throws IOException, InterruptedException {
		venv();
		return appDir;
	}

	/** Whether something listens on the socket: a connection is accepted (queued). */
	static boolean accepts(Path socket) {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Whether the app answers a request of its own through the socket. */
	private static boolean answers(Path socket) {
		try (HttpLoad.Connection connection = new HttpLoad.Connection(HttpLoad.unix(socket))) {
			return connection.send("GET /started HTTP/1.1\r\nHost: backend\r\nConnection: close\r\n\r\n")
				.status() == 200;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IllegalStateException(command + " failed:\n" + output);
		}
	}

}
