package dev.pyapp.server.nodes.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.jcraft.jsch.Session;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.nodes.TestSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link SshNodeShell} and the host key pin against a real OpenSSH server on 127.0.0.1.
 */
@Tag("ssh")
class SshNodeShellIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static Path dir;

	private static TestSshd sshd;

	private static Session session;

	private static SshNodeShell shell;

	@BeforeAll
	static void startSshd() throws Exception {
		dir = Files.createTempDirectory(Path.of("/tmp"), "ps");
		sshd = TestSshd.start(dir);
		session = SshConnector.connect(target(), PinnedHostKey.of(sshd.hostKeyFingerprint()), TIMEOUT);
		shell = new SshNodeShell("test", () -> session);
	}

	@AfterAll
	static void stopSshd() throws Exception {
		if (session != null) {
			session.disconnect();
		}
		if (sshd != null) {
			sshd.close();
		}
		dev.pyapp.server.core.AtomicFiles.deleteTree(dir);
	}

	private static SshConnector.SshTarget target() throws Exception {
		return new SshConnector.SshTarget("127.0.0.1", sshd.port(), System.getProperty("user.name"), sshd.privateKey(),
				null);
	}

	@Test
	void refusesAHostKeyThatDoesNotMatchThePin() throws Exception {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> SshConnector.connect(target(), PinnedHostKey.of(sshd.otherFingerprint()), TIMEOUT))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.FORBIDDEN))
			.withMessageContaining("host key mismatch")
			.withMessageContaining(sshd.hostKeyFingerprint())
			.withMessageContaining(sshd.otherFingerprint());
	}

	@Test
	void refusesAnUnknownHostKeyUnlessAcceptedAndShowsIt() throws Exception {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> SshConnector.connect(target(), PinnedHostKey.firstContact(false), TIMEOUT))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.FORBIDDEN))
			.withMessageContaining("unknown host key")
			.withMessageContaining(sshd.hostKeyFingerprint());
		PinnedHostKey accepting = PinnedHostKey.firstContact(true);
		Session accepted = SshConnector.connect(target(), accepting, TIMEOUT);
		accepted.disconnect();
		assertThat(accepting.presented()).isEqualTo(sshd.hostKeyFingerprint());
	}

	@Test
	void normalizesFingerprintsAndPublicKeyLines() throws Exception {
		String line = Files.readString(dir.resolve("host_ed25519.pub"));
		assertThat(PinnedHostKey.normalize(line)).isEqualTo(sshd.hostKeyFingerprint());
		assertThat(PinnedHostKey.normalize(" " + sshd.hostKeyFingerprint() + " ")).isEqualTo(sshd.hostKeyFingerprint());
		assertThat(PinnedHostKey.normalize("MD5:00:11")).isNull();
	}

	@Test
	void passesArgumentsUnchangedThroughTheRemoteShell() {
		List<String> words = List.of("a b", "it's", "$HOME", "`id`", "$(id)", ";rm -rf /tmp/nothing", "\"q\"", "*",
				"back\\slash");
		List<String> command = new java.util.ArrayList<>(List.of("printf", "%s\\n"));
		command.addAll(words);
		ExecResult result = shell.exec(ExecRequest.of(command));
		assertThat(result.succeeded()).isTrue();
		assertThat(result.output().split("\n")).containsExactlyElementsOf(words);
	}

	@Test
	void reportsExitCodeOutputDirectoryAndEnvironment() {
		ExecResult result = shell.exec(ExecRequest
			.of("sh", "-c",
					"pwd; echo \"$GREETING\"; echo \"inherited=${PYAPP_SECRET_TEST:-none}\"; echo err >&2; exit 3")
			.in(Path.of("/tmp"))
			.withEnvironment(Map.of("GREETING", "hello world"), false));
		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.timedOut()).isFalse();
		assertThat(result.output()).isEqualTo("/tmp\nhello world\ninherited=none\nerr\n");
	}

	@Test
	void passesTheEnvironmentExactlyOnNoCommandLine() throws Exception {
		String token = "tok" + java.util.UUID.randomUUID().toString().replace("-", "");
		Map<String, String> environment = new java.util.LinkedHashMap<>();
		SshNodeShellTests.ODD.forEach((name, value) -> environment.put(name, token + value));
		// the program records what it sees, then stays
		String script = "env -0 > \"$1.env\"; cat /proc/$$/cmdline > \"$1.self\"; "
				+ "cat /proc/$PPID/cmdline > \"$1.parent\"; echo done > \"$1.done\"; exec sleep \"$2\"";
		try (CommandLineSweep sweep = new CommandLineSweep(token)) {
			Path started = dir.resolve("started");
			RunningProcess process = shell.start(ExecRequest.of("sh", "-c", script, "sh", started.toString(), "60")
				.withEnvironment(environment, false));
			await().atMost(TIMEOUT).until(() -> Files.exists(Path.of(started + ".done")));
			assertSeen(started, environment, token);
			java.util.Set<String> names = new java.util.HashSet<>(environment.keySet());
			names.addAll(List.of("PATH", "HOME", "LANG", "PWD", "SHLVL", "_"));
			assertThat(parse(Files.readAllBytes(Path.of(started + ".env"))).keySet()).isSubsetOf(names);
			assertThat(shell.signal(process.pid(), Signal.TERM)).isTrue();

			Path ran = dir.resolve("ran");
			ExecResult result = shell
				.exec(ExecRequest.of("sh", "-c", script, "sh", ran.toString(), "0").withEnvironment(environment, true));
			assertThat(result.succeeded()).as(result.output()).isTrue();
			assertSeen(ran, environment, token);
			assertThat(parse(Files.readAllBytes(Path.of(ran + ".env")))).containsKey("SSH_CONNECTION");

			assertThat(sweep.found()).as("command lines holding a value").isEmpty();
			assertThat(sweep.sweeps()).isPositive();
		}
	}

	private static void assertSeen(Path prefix, Map<String, String> environment, String token) throws Exception {
		Map<String, String> seen = parse(Files.readAllBytes(Path.of(prefix + ".env")));
		assertThat(seen).containsAllEntriesOf(environment);
		for (String which : List.of(".self", ".parent")) {
			String commandLine = Files.readString(Path.of(prefix + which), StandardCharsets.UTF_8);
			assertThat(commandLine).as(which).isNotEmpty().doesNotContain(token);
		}
	}

	private static Map<String, String> parse(byte[] environment) {
		Map<String, String> variables = new java.util.HashMap<>();
		for (String entry : new String(environment, StandardCharsets.UTF_8).split("\0")) {
			int equals = entry.indexOf('=');
			variables.put(entry.substring(0, equals), entry.substring(equals + 1));
		}
		return variables;
	}

	/**
	 * Reads the command line of every process on this host (the node) over and over, as
	 * {@code ps} would, and keeps those that hold a string.
	 */
	private static final class CommandLineSweep implements AutoCloseable {

		private final byte[] needle;

		private final java.util.Set<String> found = java.util.concurrent.ConcurrentHashMap.newKeySet();

		private final java.util.concurrent.atomic.AtomicLong sweeps = new java.util.concurrent.atomic.AtomicLong();

		private volatile boolean running = true;

		private final Thread thread;

		CommandLineSweep(String needle) {
			this.needle = needle.getBytes(StandardCharsets.UTF_8);
			this.thread = new Thread(this::sweep, "cmdline-sweep");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void sweep() {
			while (this.running) {
				try (java.util.stream.Stream<Path> processes = Files.list(Path.of("/proc"))) {
					processes.filter((path) -> path.getFileName().toString().matches("\\d+")).forEach((path) -> {
						try {
							byte[] commandLine = Files.readAllBytes(path.resolve("cmdline"));
							if (indexOf(commandLine, this.needle) >= 0) {
								this.found.add(path + ": " + new String(commandLine, StandardCharsets.UTF_8));
							}
						}
						catch (java.io.IOException ex) {
							// the process ended meanwhile
						}
					});
					this.sweeps.incrementAndGet();
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			}
		}

		private static int indexOf(byte[] haystack, byte[] needle) {
			outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
				for (int j = 0; j < needle.length; j++) {
					if (haystack[i + j] != needle[j]) {
						continue outer;
					}
				}
				return i;
			}
			return -1;
		}

		java.util.Set<String> found() {
			return this.found;
		}

		long sweeps() {
			return this.sweeps.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			this.thread.join(5000);
		}

	}

	@Test
	void killsACommandThatOutlivesItsTimeout() {
		long started = System.nanoTime();
		// an argument of its own: other processes on a shared host run "sleep 30"
		ExecResult result = shell.exec(ExecRequest.of("sleep", "30.0417").withTimeout(Duration.ofSeconds(1)));
		assertThat(result.timedOut()).isTrue();
		assertThat(result.succeeded()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(shell.exec(ExecRequest.of("pgrep", "-f", "^sleep 30[.]0417$")).exitCode())
				.isEqualTo(1));
	}

	@Test
	void startsDetachedProcessesAndSignalsThem() throws Exception {
		Path out = dir.resolve("detached.log");
		RunningProcess process = shell
			.start(ExecRequest.of("sh", "-c", "echo started; exec sleep 120").withOutput(out, null));
		Optional<ProcessInfo> info = shell.process(process.pid());
		assertThat(info).isPresent();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(shell.process(process.pid()).orElseThrow().commandLine())
				.containsExactly("sleep", "120"));
		assertThat(info.get().started()).isNotNull();
		assertThat(ProcessHandle.of(process.pid()).flatMap((handle) -> handle.info().startInstant()).orElseThrow())
			.isBetween(info.get().started().minusSeconds(2), info.get().started().plusSeconds(2));
		// its own session: it outlives the SSH channel that started it
		assertThat(ProcessHandle.of(process.pid())).isPresent();
		await().atMost(TIMEOUT).until(() -> Files.readString(out).contains("started"));
		assertThat(shell.signal(process.pid(), Signal.TERM)).isTrue();
		await().atMost(TIMEOUT).until(() -> shell.process(process.pid()).isEmpty());
		assertThat(shell.signal(process.pid(), Signal.ZERO)).isFalse();
		assertThat(process.exit().get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(-1);
	}

	@Test
	void uploadsAndReadsFiles() throws Exception {
		Path target = dir.resolve("uploaded.txt");
		shell.upload(new ByteArrayInputStream("line one\nline 'two'\n".getBytes(StandardCharsets.UTF_8)),
				target.toString(), "600");
		assertThat(Files.readString(target)).isEqualTo("line one\nline 'two'\n");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
		assertThat(shell.read(target.toString())).contains("line one\nline 'two'\n");
		assertThat(shell.read(dir.resolve("missing").toString())).isEmpty();
	}

}
