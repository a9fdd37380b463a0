package dev.pyapp.server.nodes.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * reaches the program exactly as given. Environment variables go over the channel's
 * standard input, never on a command line, where every user of the node could read their
 * values ({@code ps}, {@code /proc/PID/cmdline}).
 */
public final class SshNodeShell implements NodeShell {

	private static final int MAX_OUTPUT = 1024 * 1024;

	/**
	 * What every command prints first, with the pid of the shell that runs it: what the
	 * login shell's start-up files print before it (a banner of a {@code ~/.bashrc}) is
	 * not the command's output and is dropped.
	 */
	static final String BEGIN = "pyapp-begin-pid:";

	private static final java.util.regex.Pattern VARIABLE_NAME = java.util.regex.Pattern
		.compile("[A-Za-z_][A-Za-z0-9_]*");

	/** The login shell's variable that holds the script of variables. */
	private static final String ENVIRONMENT_VARIABLE = "pyapp_environment";

	private static final String DOCUMENT_END = "PYAPP_ENVIRONMENT_END";

	/** What {@code /bin/sh} runs between {@code env} and the program. */
	static final String EVALUATE_ENVIRONMENT = "eval \"$(cat <&3)\" || exit 126; exec 3<&-; exec \"$@\"";

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
		RemoteCommand command = execCommand(request);
		return run(command.line(), command.input(), request.timeout(), request.lines(), true);
	}

	@Override
	public RunningProcess start(ExecRequest request) {
		refuseIsolation(request);
		RemoteCommand command = startCommand(request);
		ExecResult result = run(command.line(), command.input(), Duration.ofSeconds(30), null, false);
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

	/**
	 * The remote command line of {@link #exec} and what it reads on its standard input.
	 * The shell's pid (printed first by every command, {@link #BEGIN}) is the command's,
	 * which takes it over with {@code exec}: the leader of the session sshd made for it,
	 * so a timeout kills the whole group.
	 * @param request the request
	 * @return the command
	 */
	static RemoteCommand execCommand(ExecRequest request) {
		StringBuilder command = new StringBuilder("exec 2>&1; ");
		byte[] stdin = appendReadEnvironment(command, request);
		command.append("exec </dev/null; ");
		appendDirectory(command, request);
		command.append("exec ");
		appendProgram(command, request);
		appendEnvironmentDocument(command, request, "");
		return new RemoteCommand(command.toString(), stdin);
	}

	/**
	 * The remote command line of {@link #start} and what it reads on its standard input.
	 * It prints the pid of the detached program.
	 * @param request the request
	 * @return the command
	 */
	static RemoteCommand startCommand(ExecRequest request) {
		StringBuilder command = new StringBuilder();
		byte[] stdin = appendReadEnvironment(command, request);
		command.append("exec </dev/null; ");
		appendDirectory(command, request);
		// in a non-interactive shell a background job is no process group leader, so
		// setsid needs no fork and $! is the program's own pid
		command.append("setsid nohup ");
		appendProgram(command, request);
		String out = (request.stdout() != null) ? quote(request.stdout().toString()) : "/dev/null";
		String err = (request.stderr() != null) ? quote(request.stderr().toString())
				: (request.stdout() != null) ? "&1" : "/dev/null";
		command.append(" >>").append(out).append(err.equals("&1") ? " 2>&1" : " 2>>" + err);
		appendEnvironmentDocument(command, request, " & echo $!");
		return new RemoteCommand(command.toString(), stdin);
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
	void upload(InputStream content, String path, String mode) {
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
	Optional<String> read(String path) {
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
			channel.setCommand(marked(command).getBytes(StandardCharsets.UTF_8));
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
		long[] pid = { 0 };
		Thread reader = new Thread(() -> read(out, output, lines, pidFirst ? pid : null), "ssh-exec-output");
		reader.setDaemon(true);
		reader.start();
		try {
			reader.join(timeout.toMillis());
			boolean finished = !reader.isAlive();
			if (!finished) {
				kill(session, channel, pid);
				reader.join(TimeUnit.SECONDS.toMillis(5));
			}
			// the exit status arrives with the channel's close, just after the
			// output ends
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

	/**
	 * A command as sent to the node: first printing {@link #BEGIN} and the shell's pid.
	 * @param command the command for the login shell
	 * @return the line sent
	 */
	static String marked(String command) {
		return "echo " + BEGIN + "$$; " + command;
	}

	/**
	 * Reads a command's output: the lines after the one that holds {@link #BEGIN} (that
	 * one gives the pid of the shell, kept in {@code pid} if given).
	 */
	static void read(InputStream out, StringBuilder output, java.util.function.@Nullable Consumer<String> lines,
			long @Nullable [] pid) {
		try (BoundedLines reader = new BoundedLines(out)) {
			String line;
			boolean begun = false;
			while ((line = reader.readLine()) != null) {
				if (!begun) {
					int mark = line.lastIndexOf(BEGIN);
					if (mark < 0) {
						// printed by the login shell's start-up files, not by the command
						continue;
					}
					begun = true;
					String digits = line.substring(mark + BEGIN.length());
					if (pid != null) {
						synchronized (pid) {
							pid[0] = digits.matches("\\d{1,18}") ? Long.parseLong(digits) : -1;
						}
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
			// the channel was closed (killed or the connection lost): what was read
			// is kept
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

	/**
	 * The request's variables never appear on a command line on the node (where
	 * {@code ps} shows them to every user): they travel on the channel's standard input
	 * as a script of {@code export 'NAME=value'} lines. The login shell reads all of it
	 * into a variable of its own (not exported) before it starts anything, so nothing is
	 * lost when it ends before the program has read it ({@link #start}).
	 * @return the bytes to send on standard input, or {@code null} for none
	 */
	private static byte @Nullable [] appendReadEnvironment(StringBuilder command, ExecRequest request) {
		if (request.environment().isEmpty()) {
			return null;
		}
		StringBuilder script = new StringBuilder();
		request.environment().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((variable) -> {
			if (!VARIABLE_NAME.matcher(variable.getKey()).matches()) {
				throw new NodeException("cannot pass the environment variable '" + variable.getKey()
						+ "': not a valid name for a POSIX shell", null);
			}
			if (variable.getValue().indexOf('\0') >= 0) {
				throw new NodeException(
						"cannot pass the environment variable '" + variable.getKey() + "': its value holds a NUL",
						null);
			}
			script.append("export ").append(quote(variable.getKey() + "=" + variable.getValue())).append('\n');
		});
		command.append(ENVIRONMENT_VARIABLE).append("=$(cat) || exit 126; ");
		return script.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The program, with a clean environment ({@code env -i} with {@code PATH},
	 * {@code HOME} and {@code LANG}) unless the request inherits it. With variables, a
	 * {@code /bin/sh} between: it evaluates the script on descriptor 3 (a here-document
	 * of the login shell, filled from its variable: the values are in no argument of any
	 * process), closes it and execs the program, keeping the pid. (A shell passes a
	 * here-document through a pipe, or, bash when it is larger than a pipe holds, through
	 * a temporary file of mode 0600 that it deletes as soon as it is open.)
	 */
	private static void appendProgram(StringBuilder command, ExecRequest request) {
		if (!request.inheritEnvironment()) {
			command.append("env -i PATH=\"$PATH\" HOME=\"$HOME\" LANG=\"${LANG:-C.UTF-8}\" ");
		}
		if (!request.environment().isEmpty()) {
			command.append("/bin/sh -c ").append(quote(EVALUATE_ENVIRONMENT)).append(" sh ");
		}
		command.append(quote(request.command()));
	}

	/**
	 * Ends the command: with variables, the here-document that feeds descriptor 3, whose
	 * delimiter is in the command as written, never in the values (they are the expansion
	 * of a variable, which is not scanned again).
	 */
	private static void appendEnvironmentDocument(StringBuilder command, ExecRequest request, String rest) {
		if (request.environment().isEmpty()) {
			command.append(rest);
			return;
		}
		command.append(" 3<<").append(DOCUMENT_END).append(rest).append('\n');
		command.append('$').append(ENVIRONMENT_VARIABLE).append('\n').append(DOCUMENT_END).append('\n');
	}

	/**
	 * A command run on a node.
	 *
	 * @param line the command line for the login shell
	 * @param stdin what it reads on standard input, or {@code null} for nothing
	 */
	record RemoteCommand(String line, byte @Nullable [] stdin) {

		@Nullable InputStream input() {
			return (this.stdin != null) ? new ByteArrayInputStream(this.stdin) : null;
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
