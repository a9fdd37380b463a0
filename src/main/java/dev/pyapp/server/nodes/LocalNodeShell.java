package dev.pyapp.server.nodes;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The local host as a node.
 */
@Component
public class LocalNodeShell implements NodeShell {

	private static final Logger logger = LoggerFactory.getLogger(LocalNodeShell.class);

	private static final int MAX_OUTPUT = 1024 * 1024;

	private static final List<String> MINIMAL_ENVIRONMENT = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER",
			"LOGNAME");

	private static final Path SETSID = Path.of("/usr/bin/setsid");

	@Override
	public ExecResult exec(ExecRequest request) {
		ProcessBuilder builder = builder(request, List.of());
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

	@Override
	public RunningProcess start(ExecRequest request) {
		// a session of its own: a Ctrl-C or the end of this JVM does not reach the app
		ProcessBuilder builder = builder(request, Files.isExecutable(SETSID) ? List.of(SETSID.toString()) : List.of());
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
		Process process = launch(builder, request);
		return new RunningProcess(process.pid(), process.onExit().thenApply(Process::exitValue));
	}

	@Override
	public boolean signal(long pid, Signal signal) {
		if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
			return false;
		}
		ExecResult result = exec(ExecRequest.of("kill", "-" + signal.number(), Long.toString(pid))
			.withTimeout(java.time.Duration.ofSeconds(10)));
		return result.succeeded();
	}

	@Override
	public Optional<ProcessInfo> process(long pid) {
		Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
		if (handle.isEmpty()) {
			return Optional.empty();
		}
		List<String> commandLine = List.of();
		try {
			byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
			String text = new String(raw, StandardCharsets.UTF_8);
			if (!text.isEmpty()) {
				commandLine = Arrays.asList(text.split("\0"));
			}
		}
		catch (IOException ex) {
			// not Linux, or the process ended meanwhile: the command line stays unknown
			commandLine = handle.get().info().arguments().map(Arrays::asList).orElse(List.of());
		}
		return Optional.of(new ProcessInfo(pid, commandLine, handle.get().info().startInstant().orElse(null)));
	}

	@Override
	public LaunchPlan plan(ExecRequest request) {
		Map<String, String> environment = new java.util.LinkedHashMap<>(System.getenv());
		if (!request.inheritEnvironment()) {
			environment.keySet().removeIf((name) -> !MINIMAL_ENVIRONMENT.contains(name));
		}
		environment.putAll(request.environment());
		return new LaunchPlan(request.command(), environment, request.workingDirectory());
	}

	private ProcessBuilder builder(ExecRequest request, List<String> prefix) {
		LaunchPlan plan = plan(request);
		List<String> command = new ArrayList<>(prefix);
		command.addAll(plan.command());
		ProcessBuilder builder = new ProcessBuilder(command);
		if (plan.directory() != null) {
			builder.directory(plan.directory().toFile());
		}
		Map<String, String> environment = builder.environment();
		environment.clear();
		environment.putAll(plan.environment());
		return builder;
	}

	private static Process launch(ProcessBuilder builder, ExecRequest request) {
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new NodeException("cannot run " + request.command().get(0) + ": " + ex.getMessage(), ex);
		}
	}

	private static void destroyTree(ProcessHandle process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
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
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
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
