package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code /usr/bin/python3} with {@code pyapp_runtime} on its path and the
 * environment an app process gets, its stdout appended to the app's
 * {@code logs/stdout.log} as the runtime does.
 */
final class PythonLogger {

	static final String RELEASE = "1.0-20240101T000000Z";

	static final Path PYTHON_PATH = Path.of("src/main/resources/python").toAbsolutePath();

	/**
	 * Prepended to every script: a stand-in for the runtime's {@code context.py}.
	 */
	static final String CONTEXT = """
			import contextvars, sys, types
			_context = types.ModuleType("pyapp_runtime.context")
			_context.request_path = contextvars.ContextVar("request_path", default=None)
			sys.modules["pyapp_runtime.context"] = _context
			""";

	private PythonLogger() {
	}

	/**
	 * Runs a script to its end.
	 * @return what it printed to stderr (stdout goes to the app's file)
	 */
	static Result run(Path home, String app, String script, Map<String, String> env) throws Exception {
		Path logs = home.resolve("apps").resolve(app).resolve("logs");
		Files.createDirectories(logs);
		// the server takes a sender's release only if the app has it on disk
		Files.createDirectories(home.resolve("apps").resolve(app).resolve("releases").resolve(RELEASE));
		ProcessBuilder builder = new ProcessBuilder("/usr/bin/python3", "-c", CONTEXT + script);
		builder.environment().put("PYTHONPATH", PYTHON_PATH.toString());
		builder.environment().put("PYAPP_NAME", app);
		builder.environment().put("PYAPP_RELEASE", RELEASE);
		builder.environment()
			.put("PYAPP_LOG_SOCKET", home.resolve("apps").resolve(app).resolve("run").resolve("logs.sock").toString());
		builder.environment().putAll(env);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("stdout.log").toFile()));
		Path stderr = Files.createTempFile(home, "stderr", ".txt");
		builder.redirectError(stderr.toFile());
		Process process = builder.start();
		try {
			assertThat(process.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)).isTrue();
			return new Result(process.pid(), process.exitValue(), Files.readString(stderr));
		}
		finally {
			process.destroyForcibly();
		}
	}

	record Result(long pid, int exitCode, String stderr) {
	}

	static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// best effort in a test's temp dir
		}
	}

}
