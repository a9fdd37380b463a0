package dev.pyapp.server.runtime.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.DaemonSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;

/**
 * A port is free when it is chosen, and another process (another server's daemon, on a
 * host where two servers share a port range) can bind it before the daemon does: the
 * start then tries another port instead of failing, a few times. Real processes on this
 * host's loopback: the daemon and the process that takes its port both listen with
 * {@code SO_REUSEPORT}, so that both hold it, as when a squatter bound it first. Starts
 * of this server under way at once (the apps started after a reboot) are not given the
 * same port.
 */
class DaemonPortRetryTests {

	private static final AppId APP = AppId.of("ported");

	private static final String LISTENER = """
			import socket, sys
			s = socket.socket()
			s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
			s.bind(("127.0.0.1", int(sys.argv[1])))
			s.listen(16)
			print("ready", flush=True)
			while True:
			    c, _ = s.accept()
			    c.close()
			""";

	@TempDir
	Path dir;

	private final NodeShell shell = mock(NodeShell.class);

	private final AppServer server = mock(AppServer.class);

	private final List<Process> processes = new CopyOnWriteArrayList<>();

	/** Ports a process took before the daemon bound them. */
	private final Set<Integer> taken = new HashSet<>();

	private DaemonLauncher launcher;

	private int squat;

	@BeforeEach
	void launcher() {
		this.launcher = LauncherFixtures.launcher(this.dir, this.shell, mock(HostIsolation.class),
				mock(ApplicationEventPublisher.class), Duration.ofSeconds(2));
		given(this.server.displayName()).willReturn("gunicorn");
		willAnswer((invocation) -> List.of("python3", "-c", LISTENER,
				String.valueOf(invocation.<DaemonSpec>getArgument(0).port())))
			.given(this.server)
			.command(any());
		// the daemon: the command run as a real process; before the first ones, another
		// process binds the port they were given
		willAnswer((invocation) -> {
			List<String> command = invocation.<ExecRequest>getArgument(0).command();
			int port = Integer.parseInt(command.get(command.size() - 1));
			if (this.squat > 0) {
				this.squat--;
				listen(port);
				this.taken.add(port);
			}
			Process daemon = listen(port);
			return new RunningProcess(daemon.pid(), daemon.onExit().thenApply(Process::exitValue));
		}).given(this.shell).start(any());
		willAnswer((invocation) -> {
			ProcessHandle.of(invocation.<Long>getArgument(0)).ifPresent(ProcessHandle::destroy);
			return null;
		}).given(this.shell).signal(anyLong(), any());
	}

	@AfterEach
	void stopProcesses() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly().waitFor();
		}
	}

	@Test
	void aPortTakenBeforeTheDaemonBoundItIsLeftForAnother() {
		this.squat = 1;
		Daemon daemon = this.launcher.launch(context(), manifest(), this.server, Set.of(), "r-5e6f7a8b");

		assertThat(this.taken).hasSize(1);
		assertThat(daemon.port()).isNotNull().isNotIn(this.taken);
		assertThat(DaemonAddresses.accepts(daemon)).isTrue();
		// the first daemon, which shared its port with the other process, was stopped
		assertThat(this.processes.get(1).isAlive()).isFalse();
	}

	@Test
	void aStartWhosePortsAreAllTakenFailsNamingThem() {
		this.squat = DaemonLauncher.PORT_ATTEMPTS;
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.launcher.launch(context(), manifest(), this.server, Set.of(), "r-5e6f7a8b"))
			.withMessageContaining("another process took it after it was found free")
			.withMessageContaining("(" + DaemonLauncher.PORT_ATTEMPTS + " ports tried)");
		assertThat(this.taken).hasSize(DaemonLauncher.PORT_ATTEMPTS);
	}

	@Test
	void startsUnderWayAtOnceAreGivenPortsOfTheirOwn() throws Exception {
		// the first daemon binds its port only once the second start has been given one:
		// a port found free is still free then
		List<Integer> given = new CopyOnWriteArrayList<>();
		CountDownLatch secondGiven = new CountDownLatch(1);
		willAnswer((invocation) -> {
			List<String> command = invocation.<ExecRequest>getArgument(0).command();
			int port = Integer.parseInt(command.get(command.size() - 1));
			given.add(port);
			if (given.size() == 1) {
				secondGiven.await(10, TimeUnit.SECONDS);
			}
			else {
				secondGiven.countDown();
			}
			Process daemon = listen(port);
			return new RunningProcess(daemon.pid(), daemon.onExit().thenApply(Process::exitValue));
		}).given(this.shell).start(any());
		ExecutorService two = Executors.newFixedThreadPool(2);
		try {
			Future<Daemon> first = two
				.submit(() -> this.launcher.launch(context(), manifest(), this.server, Set.of(), "r-5e6f7a8b"));
			await().atMost(Duration.ofSeconds(10)).until(() -> given.size() == 1);
			Future<Daemon> second = two
				.submit(() -> this.launcher.launch(context(), manifest(), this.server, Set.of(), "r-1a2b3c4d"));

			Daemon one = first.get(30, TimeUnit.SECONDS);
			Daemon other = second.get(30, TimeUnit.SECONDS);
			assertThat(one.port()).isNotNull().isNotEqualTo(other.port());
			// neither had to stop its daemon and try another port
			assertThat(given).hasSize(2);
			assertThat(DaemonAddresses.accepts(one)).isTrue();
			assertThat(DaemonAddresses.accepts(other)).isTrue();
		}
		finally {
			two.shutdownNow();
		}
	}

	private ProcessContext context() {
		return new ProcessContext(APP, "1.0.0-20260101T000000Z", this.dir.resolve("venv/bin/python"),
				this.dir.resolve("src"), Map.of(), Isolation.none());
	}

	private static AppManifest manifest() {
		AppManifest manifest = mock(AppManifest.class, RETURNS_DEEP_STUBS);
		given(manifest.entry().target()).willReturn("app:app");
		given(manifest.daemon().bind()).willReturn(AppManifest.BindKind.PORT);
		return manifest;
	}

	/** A process listening on the port (with SO_REUSEPORT), once it listens. */
	private Process listen(int port) throws IOException {
		Process process = new ProcessBuilder("python3", "-c", LISTENER, String.valueOf(port)).start();
		this.processes.add(process);
		BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		assertThat(out.readLine()).isEqualTo("ready");
		return process;
	}

}
