package dev.pyapp.server.mount;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * Real uWSGI (Debian's uwsgi-core with uwsgi-plugin-python3) for the mount tests, as the
 * runtime starts it: the venv of {@link Gunicorn#venv()} (made by
 * {@code /usr/bin/python3}, the interpreter the plugin embeds), the app behind the
 * runtime's own WSGI wrapper ({@code pyapp_runtime.wsgi}, which applies Apache's
 * {@code PYAPP_SCRIPT_NAME}), the uwsgi protocol on a unix socket, and TERM as a graceful
 * shutdown.
 */
final class Uwsgi implements EchoBackend {

	private static final List<String> SHIM = List.of("__init__.py", "capture.py", "context.py", "logship.py",
			"metrics.py", "wsgi.py");

	private final Process process;

	private final Path socket;

	private Uwsgi(Process process, Path socket) {
		this.process = process;
		this.socket = socket;
	}

	/**
	 * The arguments the runtime's UwsgiServer uses, for one process with {@code threads}
	 * threads or {@code processes} single-threaded processes.
	 */
	static List<String> command(Path venv, Path appDir, String bind, int processes, int threads) {
		List<String> command = new ArrayList<>(List.of("uwsgi", "--strict", "--plugin", "python3", "--master",
				"--lazy-apps", "--need-app", "--single-interpreter", "--enable-threads", "--virtualenv",
				venv.toString(), "--chdir", appDir.toString(), "--module", "pyapp_runtime.wsgi:application",
				"--uwsgi-socket", bind, "--chmod-socket=666", "--processes", Integer.toString(processes)));
		if (threads > 1) {
			command.addAll(List.of("--threads", Integer.toString(threads)));
		}
		if (processes > 1) {
			command.add("--thunder-lock");
		}
		command.addAll(List.of("--die-on-term", "--hook-master-start", "unix_signal:15 gracefully_kill_them_all",
				"--no-orphans", "--vacuum", "--disable-logging", "--buffer-size", "65535", "--listen", "1024"));
		return command;
	}

	/**
	 * Copies the runtime's WSGI wrapper next to the test apps.
	 * @param appDir where the apps are
	 */
	static void installShim(Path appDir) throws IOException {
		Path shim = Files.createDirectories(appDir.resolve("pyapp_runtime"));
		for (String file : SHIM) {
			try (InputStream in = Uwsgi.class.getResourceAsStream("/python/pyapp_runtime/" + file)) {
				Files.copy(in, shim.resolve(file), StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	static Uwsgi start(Path socket, String name, Path log, String app) throws IOException, InterruptedException {
		Path venv = Gunicorn.venv();
		Path appDir = Gunicorn.appDir();
		installShim(appDir);
		ProcessBuilder builder = new ProcessBuilder(command(venv, appDir, socket.toString(), 1, 8));
		builder.directory(appDir.toFile());
		Map<String, String> env = builder.environment();
		env.put("ECHO_NAME", name);
		env.put("ECHO_LOG", log.toString());
		env.put("PYAPP_ENTRY", "echoapp:" + app);
		builder.redirectErrorStream(true);
		Path output = log.resolveSibling(name + "-uwsgi.log");
		// a backend started again under its name appends to the log of the one before
		long before = Files.exists(output) ? Files.size(output) : 0;
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
		Uwsgi uwsgi = new Uwsgi(builder.start(), socket);
		// its own app line, and a socket that accepts: the file comes with bind(), a
		// moment before listen(), and the earlier run's line was in the log already, so
		// a request switched to it in between was refused (lighttpd then answered 503
		// to every request for a second or two, in CI)
		await().atMost(Duration.ofSeconds(30))
			.until(() -> (since(output, before).contains("WSGI app 0") && Gunicorn.accepts(socket))
					|| !uwsgi.process.isAlive());
		if (!uwsgi.process.isAlive()) {
			throw new IllegalStateException("uWSGI did not start: " + Files.readString(output));
		}
		return uwsgi;
	}

	private static String since(Path file, long offset) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
				StandardCharsets.UTF_8);
	}

	@Override
	public Path socket() {
		return this.socket;
	}

	@Override
	public void stop() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.toHandle().destroy();
			if (!this.process.waitFor(25, TimeUnit.SECONDS)) {
				this.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly();
			}
		}
	}

}
