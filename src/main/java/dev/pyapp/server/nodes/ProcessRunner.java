package dev.pyapp.server.nodes;

import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.nodes.internal.BoundedLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an argument vector on this host with {@link ProcessBuilder}: to completion with
 * its output captured, or in the background with its output in files. The isolation an
 * {@link ExecRequest} asks for is applied before ({@link IsolatedCommand}); this class
 * runs exactly the command line it is given.
 */
final class ProcessRunner {

	private static final Logger logger = LoggerFactory.getLogger(ProcessRunner.class);

	static final int MAX_OUTPUT = 1024 * 1024;

	private static final List<String> MINIMAL_ENVIRONMENT = List.of("HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME");

	private ProcessRunner() {
	}

	/**
	 * Runs a command to completion; on timeout it is killed with every descendant.
	 * @param request the request (its directory, environment, timeout and line consumer)
	 * @param command the command line to run
	 * @return the result
	 */
	static ExecResult exec(ExecRequest request, List<String> command) {
		ProcessBuilder builder = builder(request, command);
		builder.redirectErrorStream(true);
		builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		Process process = launch(builder, request);
		OutputCollector collector = new OutputCollector(process, request);
		Thread reader = new Thread(collector, "exec-output-" + process.pid());
		reader.setDaemon(true);
		reader.start();
		try {
			boolean finished = process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				destroyTree(process.toHandle());
				process.waitFor(5, TimeUnit.SECONDS);
			}
			reader.join(TimeUnit.SECONDS.toMillis(5));
			return new ExecResult(finished ? process.exitValue() : -1, collector.output(), !finished);
		}
		catch (InterruptedException ex) {
			destroyTree(process.toHandle());
			Thread.currentThread().interrupt();
			throw new NodeException("interrupted while running " + request.command().get(0), ex);
		}
	}

	/**
	 * Starts a command in the background, its output appended to the request's files.
	 * @param request the request
	 * @param command the command line to run
	 * @return the process
	 */
	static Process start(ExecRequest request, List<String> command) {
		ProcessBuilder builder = builder(request, command);
		builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		if (request.stdout() != null) {
			builder.redirectOutput(ProcessBuilder.Redirect.appendTo(request.stdout().toFile()));
		}
		else {
			builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
		}
		if (request.stderr() != null) {
			builder.redirectError(ProcessBuilder.Redirect.appendTo(request.stderr().toFile()));
		}
		else if (request.stdout() != null) {
			builder.redirectErrorStream(true);
		}
		else {
			builder.redirectError(ProcessBuilder.Redirect.DISCARD);
		}
		return launch(builder, request);
	}

	static void destroyTree(ProcessHandle process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	private static ProcessBuilder builder(ExecRequest request, List<String> command) {
		ProcessBuilder builder = new ProcessBuilder(command);
		if (request.workingDirectory() != null) {
			builder.directory(request.workingDirectory().toFile());
		}
		Map<String, String> environment = builder.environment();
		environment.clear();
		environment.putAll(environment(request));
		return builder;
	}

	/**
	 * The whole environment of a request's process: the server's own only if the request
	 * inherits it (else {@code HOME}, the locale and {@link SystemPath#STANDARD} as
	 * {@code PATH}, not the server's), the app user's {@code HOME}, {@code USER} and
	 * {@code LOGNAME}, then the request's variables.
	 * @param request the request
	 * @return the environment
	 */
	static Map<String, String> environment(ExecRequest request) {
		Map<String, String> environment = new LinkedHashMap<>(System.getenv());
		if (!request.inheritEnvironment()) {
			environment.keySet().removeIf((name) -> !MINIMAL_ENVIRONMENT.contains(name));
			environment.put("PATH", SystemPath.STANDARD);
		}
		Isolation.Account account = request.isolation().account();
		if (account != null) {
			environment.put("HOME", account.home().toString());
			environment.put("USER", account.name());
			environment.put("LOGNAME", account.name());
		}
		environment.putAll(request.environment());
		return environment;
	}

	private static Process launch(ProcessBuilder builder, ExecRequest request) {
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new NodeException("cannot run " + request.command().get(0) + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads a command's output line by line, keeping the last {@link #MAX_OUTPUT}
	 * characters.
	 */
	private static final class OutputCollector implements Runnable {

		private final Process process;

		private final ExecRequest request;

		private final StringBuilder output = new StringBuilder();

		OutputCollector(Process process, ExecRequest request) {
			this.process = process;
			this.request = request;
		}

		@Override
		public void run() {
			try (BoundedLines reader = new BoundedLines(this.process.getInputStream())) {
				String line;
				while ((line = reader.readLine()) != null) {
					synchronized (this.output) {
						this.output.append(line).append('\n');
						if (this.output.length() > MAX_OUTPUT) {
							this.output.delete(0, this.output.length() - MAX_OUTPUT);
						}
					}
					if (this.request.lines() != null) {
						this.request.lines().accept(line);
					}
				}
			}
			catch (IOException ex) {
				// the stream closes when the process is killed; what was read is kept
				logger.debug("Output of {} ended: {}", this.request.command().get(0), ex.getMessage());
			}
		}

		String output() {
			synchronized (this.output) {
				return this.output.toString();
			}
		}

	}

}
