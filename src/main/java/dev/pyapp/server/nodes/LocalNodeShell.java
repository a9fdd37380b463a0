package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The local host as a node. App processes are isolated here, and only here: a request's
 * {@link Isolation} becomes cgroup placement, rlimits, a bubblewrap sandbox and the app's
 * user ({@link IsolatedCommand}).
 */
@Component
public class LocalNodeShell implements NodeShell {

	private static final Path SETSID = Path.of("/usr/bin/setsid");

	private static final Duration SANDBOX_START = Duration.ofSeconds(10);

	private final HostIsolation host;

	LocalNodeShell(HostIsolation host) {
		this.host = host;
	}

	/**
	 * A shell for commands that are not kept apart (no user, sandbox or limits), such as
	 * the CLI's own {@code pip wheel}: a request that asks for isolation is refused.
	 * @return the shell
	 */
	public static NodeShell unisolated() {
		return new NodeShell() {

			@Override
			public ExecResult exec(ExecRequest request) {
				Assert.isTrue(!request.isolation().isolates(), "an unisolated shell cannot isolate a command");
				return ProcessRunner.exec(request, request.command());
			}

			@Override
			public RunningProcess start(ExecRequest request) {
				throw new UnsupportedOperationException("an unisolated shell only runs commands to their end");
			}

			@Override
			public boolean signal(long pid, Signal signal) {
				throw new UnsupportedOperationException("an unisolated shell only runs commands to their end");
			}

			@Override
			public Optional<ProcessInfo> process(long pid) {
				return Optional.empty();
			}

		};
	}

	@Override
	public ExecResult exec(ExecRequest request) {
		Isolation isolation = request.isolation();
		if (!isolation.isolates()) {
			return ProcessRunner.exec(request, request.command());
		}
		// a cgroup of its own, so that its limits and its end are its own
		String cgroup = (isolation.cgroup() != null)
				? isolation.cgroup() + "/" + Cgroups.RUN_PREFIX + UUID.randomUUID().toString().substring(0, 8) : null;
		ExecRequest run = request.isolated(isolation.withCgroup(cgroup));
		List<Path> procs = (cgroup != null) ? this.host.cgroups().prepare(cgroup, isolation.limits()) : List.of();
		try {
			return ProcessRunner.exec(run, this.host.command().command(run, procs, true));
		}
		finally {
			if (cgroup != null) {
				// what the command left behind is ending with its sandbox (or is killed
				// here): the cgroup can only go once it is empty
				this.host.kill(cgroup);
			}
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * In a sandbox, the pid returned is the command's own (a grandchild of the
	 * {@code bwrap} this server starts, which waits for it); the exit completes when the
	 * sandbox has ended.
	 */
	@Override
	public RunningProcess start(ExecRequest request) {
		Isolation isolation = request.isolation();
		List<String> command = new ArrayList<>();
		// a session of its own: a Ctrl-C or the end of this JVM does not reach the app
		if (Files.isExecutable(SETSID)) {
			command.add(SETSID.toString());
		}
		if (isolation.isolates()) {
			List<Path> procs = (isolation.cgroup() != null)
					? this.host.cgroups().prepare(isolation.cgroup(), isolation.limits()) : List.of();
			command.addAll(this.host.command().command(request, procs, false));
		}
		else {
			command.addAll(request.command());
		}
		Process process = ProcessRunner.start(request, command);
		long pid = (isolation.sandbox() != null) ? sandboxed(process) : process.pid();
		CompletableFuture<Integer> exit = process.onExit().thenApply(Process::exitValue);
		return new RunningProcess(pid, exit);
	}

	/**
	 * The pid of the command in a sandbox: {@code bwrap} forks the sandbox's init (pid 1
	 * of its PID namespace), which forks the command.
	 */
	private static long sandboxed(Process bwrap) {
		long deadline = System.nanoTime() + SANDBOX_START.toNanos();
		while (bwrap.isAlive() && System.nanoTime() < deadline) {
			Optional<ProcessHandle> command = bwrap.children()
				.findFirst()
				.flatMap((init) -> init.children().findFirst());
			if (command.isPresent()) {
				return command.get().pid();
			}
			try {
				Thread.sleep(2);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		// it ended (or never got going): its exit says the rest
		return bwrap.pid();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The command line is wrapped as {@link #exec} wraps it (limits, sandbox, the app's
	 * user), without a cgroup of its own: the caller's terminal runs it.
	 */
	@Override
	public LaunchPlan plan(ExecRequest request) {
		List<String> command = request.isolation().isolates() ? this.host.command().command(request, List.of(), true)
				: request.command();
		return new LaunchPlan(command, ProcessRunner.environment(request), request.workingDirectory());
	}

	@Override
	public boolean signal(long pid, Signal signal) {
		if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
			return false;
		}
		ExecRequest kill = ExecRequest.of("kill", "-" + signal.number(), Long.toString(pid))
			.withTimeout(Duration.ofSeconds(10));
		return ProcessRunner.exec(kill, kill.command()).succeeded();
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
		return Optional
			.of(new ProcessInfo(pid, commandLine, handle.get().info().startInstant().orElse(null), uid(pid)));
	}

	private static int uid(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("Uid:")) {
					return Integer.parseInt(line.split("\\s+")[1]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// ended meanwhile, or not Linux
		}
		return -1;
	}

}
