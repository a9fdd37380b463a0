package dev.pyapp.server.nodes.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeException;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import org.jspecify.annotations.Nullable;

/**
 * A remote host as a node, over SSH exec channels. Every argument is quoted for the
 * remote POSIX shell (which OpenSSH always runs the command through), so an argument
 * reaches the program exactly as given.
 */
public final class SshNodeShell implements NodeShell {

	private static final int MAX_OUTPUT = 1024 * 1024;

	private static final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "ssh-process-watcher");
		thread.setDaemon(true);
		return thread;
	});

	private final Supplier<Session> sessions;

	private final String name;

	public SshNodeShell(String name, Supplier<Session> sessions) {
		this.name = name;
		this.sessions = sessions;
	}

	@Override
	public ExecResult exec(ExecRequest request) {
		refuseIsolation(request);
		// the first line is the shell's pid, which the command takes over with exec: the
		// leader of the session sshd made for it, so a timeout kills the whole group
		StringBuilder command = new StringBuilder("echo $$; exec 2>&1 </dev/null; ");
		appendDirectory(command, request);
		command.append("exec ");
		appendEnvironment(command, request);
		command.append(quote(request.command()));
		return run(command.toString(), null, request.timeout(), request.lines(), true);
	}

	@Override
	public RunningProcess start(ExecRequest request) {
		refuseIsolation(request);
		StringBuilder command = new StringBuilder("exec </dev/null; ");
		appendDirectory(command, request);
		// in a non-interactive shell a background job is no process group leader, so
		// setsid needs no fork and $! is the program's own pid
		command.append("setsid nohup ");
		appendEnvironment(command, request);
		command.append(quote(request.command()));
		String out = (request.stdout() != null) ? quote(request.stdout().toString()) : "/dev/null";
		String err = (request.stderr() != null) ? quote(request.stderr().toString())
				: (request.stdout() != null) ? "&1" : "/dev/null";
		command.append(" >>").append(out).append(err.equals("&1") ? " 2>&1" : " 2>>" + err).append(" & echo $!");
		ExecResult result = run(command.toString(), null, Duration.ofSeconds(30), null, false);
		String pidText = result.output().trim();
		if (!result.succeeded() || !pidText.matches("\\d+")) {
			throw new NodeException(
					"cannot start " + request.command().get(0) + " on node '" + this.name + "': " + result.output(),
					null);
		}
		long pid = Long.parseLong(pidText);
		CompletableFuture<Integer> exit = new CompletableFuture<>();
		watch(pid, exit);
		return new RunningProcess(pid, exit);
	}

	@Override
	public boolean signal(long pid, Signal signal) {
		return exec(
				ExecRequest.of("kill", "-" + signal.number(), Long.toString(pid)).withTimeout(Duration.ofSeconds(10)))
			.succeeded();
	}

	@Override
	public Optional<ProcessInfo> process(long pid) {
		// field 22 of /proc/<pid>/stat is the start in clock ticks after boot; the
		// command name before it may hold spaces, so fields are counted after its ")"
		String script = "p=/proc/$1; [ -r $p/cmdline ] || exit 3; "
				+ "t=$(sed 's/.*) //' $p/stat | cut -d' ' -f20); b=$(awk '/^btime/{print $2}' /proc/stat); "
				+ "echo $(( b + t / $(getconf CLK_TCK) )); tr '\\0' '\\n' < $p/cmdline";
		ExecResult result = exec(
				ExecRequest.of("sh", "-c", script, "sh", Long.toString(pid)).withTimeout(Duration.ofSeconds(10)));
		if (!result.succeeded()) {
			return Optional.empty();
		}
		List<String> lines = new ArrayList<>(Arrays.asList(result.output().split("\n")));
		Instant started = null;
		if (!lines.isEmpty() && lines.get(0).matches("\\d+")) {
			started = Instant.ofEpochSecond(Long.parseLong(lines.remove(0)));
		}
		return Optional.of(new ProcessInfo(pid, List.copyOf(lines), started, -1));
	}

	private void refuseIsolation(ExecRequest request) {
		if (request.isolation().isolates()) {
			// app processes on a node are started by the node's own agent, whose local
			// shell isolates them; this shell only installs and manages the agent
			throw new NodeException("node '" + this.name + "' runs app processes through its agent, not over SSH",
					null);
		}
	}

	/**
	 * Writes a file on the node from a stream, through a temporary file and a rename.
	 * @param content the bytes to write
	 * @param path the absolute path on the node
	 * @param mode the octal permissions, such as {@code 600}
	 * @throws NodeException if it cannot be written
	 */
	public void upload(InputStream content, String path, String mode) {
		String temp = path + ".part";
		String command = "umask 077 && cat > " + quote(temp) + " && chmod " + quote(mode) + " " + quote(temp)
				+ " && mv -f " + quote(temp) + " " + quote(path);
		ExecResult result = run(command, content, Duration.ofMinutes(10), null, false);
		if (!result.succeeded()) {
			throw new NodeException("cannot write " + path + " on node '" + this.name + "': " + result.output(), null);
		}
	}

	/**
	 * Reads a small file on the node. Its content is not logged.
	 * @param path the absolute path on the node
	 * @return the content, or empty if the file does not exist
	 */
	public Optional<String> read(String path) {
		ExecResult result = run("test -f " + quote(path) + " && cat " + quote(path), null, Duration.ofSeconds(30), null,
				false);
		return result.succeeded() ? Optional.of(result.output()) : Optional.empty();
	}

	private ExecResult run(String command, @Nullable InputStream stdin, Duration timeout,
			java.util.function.@Nullable Consumer<String> lines, boolean pidFirst) {
		Session session = this.sessions.get();
		ChannelExec channel;
		InputStream out;
		try {
			channel = (ChannelExec) session.openChannel("exec");
			channel.setCommand(command.getBytes(StandardCharsets.UTF_8));
			channel.setErrStream(OutputStream.nullOutputStream());
			out = channel.getInputStream();
			OutputStream in = (stdin != null) ? channel.getOutputStream() : null;
			channel.connect((int) Duration.ofSeconds(30).toMillis());
			if (in != null) {
				try (in) {
					stdin.transferTo(in);
				}
			}
		}
		catch (JSchException | IOException ex) {
			throw new NodeException("cannot run a command on node '" + this.name + "': " + ex.getMessage(), ex);
		}
		StringBuilder output = new StringBuilder();
		long[] pid = { pidFirst ? 0 : -1 };
		Thread reader = new Thread(() -> read(out, output, lines, pid), "ssh-exec-output");
		reader.setDaemon(true);
		reader.start();
		try {
			reader.join(timeout.toMillis());
			boolean finished = !reader.isAlive();
			if (!finished) {
				kill(session, channel, pid);
				reader.join(TimeUnit.SECONDS.toMillis(5));
			}
			// the exit status arrives with the channel's close, just after the output
			// ends
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (finished && !channel.isClosed() && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			int status = finished ? channel.getExitStatus() : -1;
			synchronized (output) {
				return new ExecResult(status, output.toString(), !finished);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(session, channel, pid);
			throw new NodeException("interrupted while running a command on node '" + this.name + "'", ex);
		}
		finally {
			channel.disconnect();
		}
	}

	private static void read(InputStream out, StringBuilder output, java.util.function.@Nullable Consumer<String> lines,
			long[] pid) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (pid[0] == 0) {
					synchronized (pid) {
						pid[0] = line.matches("\\d+") ? Long.parseLong(line) : -1;
					}
					continue;
				}
				synchronized (output) {
					output.append(line).append('\n');
					if (output.length() > MAX_OUTPUT) {
						output.delete(0, output.length() - MAX_OUTPUT);
					}
				}
				if (lines != null) {
					lines.accept(line);
				}
			}
		}
		catch (IOException ex) {
			// the channel was closed (killed or the connection lost): what was read is
			// kept
		}
	}

	private static void kill(Session session, ChannelExec channel, long[] pid) {
		long leader;
		synchronized (pid) {
			leader = pid[0];
		}
		if (leader > 0) {
			// closing the channel does not end a command that has no terminal
			try {
				ChannelExec killer = (ChannelExec) session.openChannel("exec");
				killer.setCommand("kill -KILL -- -" + leader + " 2>/dev/null || kill -KILL " + leader);
				killer.connect(10_000);
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
				while (!killer.isClosed() && System.nanoTime() < deadline) {
					Thread.sleep(10);
				}
				killer.disconnect();
			}
			catch (JSchException ex) {
				// the connection is gone: so is the command's channel
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		channel.disconnect();
	}

	private void watch(long pid, CompletableFuture<Integer> exit) {
		watcher.schedule(() -> {
			try {
				if (process(pid).isEmpty()) {
					// the exit code of a process that is not our child is unknown
					exit.complete(-1);
					return;
				}
			}
			catch (RuntimeException ex) {
				// node unreachable for now: the process may well still run there
			}
			watch(pid, exit);
		}, 5, TimeUnit.SECONDS);
	}

	private static void appendDirectory(StringBuilder command, ExecRequest request) {
		if (request.workingDirectory() != null) {
			command.append("cd ").append(quote(request.workingDirectory().toString())).append(" || exit 127; ");
		}
	}

	private static void appendEnvironment(StringBuilder command, ExecRequest request) {
		if (!request.inheritEnvironment()) {
			command.append("env -i PATH=\"$PATH\" HOME=\"$HOME\" LANG=\"${LANG:-C.UTF-8}\" ");
		}
		else if (!request.environment().isEmpty()) {
			command.append("env ");
		}
		for (Map.Entry<String, String> variable : request.environment().entrySet()) {
			command.append(quote(variable.getKey() + "=" + variable.getValue())).append(' ');
		}
	}

	static String quote(List<String> words) {
		return String.join(" ", words.stream().map(SshNodeShell::quote).toList());
	}

	/**
	 * Quotes a word for a POSIX shell: inside single quotes nothing is special except the
	 * single quote itself, which is closed, escaped and reopened.
	 * @param word the word
	 * @return the quoted word
	 */
	static String quote(String word) {
		return "'" + word.replace("'", "'\\''") + "'";
	}

}
