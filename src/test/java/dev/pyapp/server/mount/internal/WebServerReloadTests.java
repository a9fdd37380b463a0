package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ListeningSockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * An Apache graceful reload waits for the new generation of workers, told apart by the
 * pipe each generation opens, as {@code /proc} shows them: here a {@code /proc} of our
 * own, about processes of our own (this JVM as the master, {@code sleep}s as its
 * workers), changed step by step as Apache's master does while it handles the signal.
 */
class WebServerReloadTests {

	private static final String LISTENING = "9001";

	private static final String OLD_PIPE = "2001";

	private static final String NEW_PIPE = "2002";

	@TempDir
	Path dir;

	private Path proc;

	private ServerSocket port;

	private final List<Process> sleeps = new ArrayList<>();

	private final long master = ProcessHandle.current().pid();

	/** The master's workers, as the reload finds them. */
	private volatile Set<Long> workers = Set.of();

	/** What the master does on the signal. */
	private volatile Runnable onSignal = () -> {
	};

	private NodeShell shell;

	private RenderSettings settings;

	private WebServerProperties properties;

	private ListenAddresses listens;

	@BeforeEach
	void apache() throws IOException {
		this.proc = Files.createDirectories(this.dir.resolve("proc"));
		this.port = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		Files.createDirectories(this.proc.resolve("net"));
		Files.writeString(this.proc.resolve("net/tcp"), String.format(Locale.ROOT, """
				  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
				   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %s 1 0
				""", this.port.getLocalPort(), LISTENING));
		this.settings = new RenderSettings(this.dir.resolve("webserver"), false, null, 1, true, Duration.ofHours(1), 32,
				Path.of("/usr/lib/apache2/modules"), Duration.ofSeconds(60));
		this.properties = new WebServerProperties(WebServerKind.APACHE, true, Path.of("/usr/sbin/nginx"),
				Path.of("/usr/sbin/apache2"), Path.of("/usr/sbin/lighttpd"), Path.of("/usr/lib/apache2/modules"),
				List.of(), List.of(), "", 1, true, Duration.ofHours(1), 32, Duration.ofSeconds(60),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
		this.shell = mock(NodeShell.class);
		willAnswer((invocation) -> {
			this.onSignal.run();
			return new ExecResult(0, "", false);
		}).given(this.shell).exec(any());
		this.listens = new ListenAddresses(WebServerKind.APACHE, new ListeningSockets(this.proc), () -> true);
		this.listens.set(List.of("127.0.0.1:" + this.port.getLocalPort()));
	}

	private WebServerReload reload(Duration timeout) {
		return new WebServerReload(WebServerKind.APACHE,
				new WebServerCommands(WebServerKind.APACHE, this.settings, this.shell, this.properties),
				new WebServerLogs(WebServerKind.APACHE, this.settings), this.listens, timeout,
				(pid) -> (pid == this.master) ? this.workers : Set.of());
	}

	@AfterEach
	void close() throws IOException {
		this.sleeps.forEach(Process::destroy);
		this.port.close();
	}

	@Test // about 1 CI run in 5: the first request after apply got the old configuration
	void aWorkerStartedJustBeforeTheSignalIsOldWhileTheMasterHoldsNoPipe() throws Exception {
		long before = worker();
		long late = worker();
		long started = worker();
		fds(this.master, "pipe:[" + OLD_PIPE + "]");
		fds(before, "socket:[" + LISTENING + "]", "pipe:[" + OLD_PIPE + "]");
		this.workers = Set.of(before);
		this.onSignal = () -> {
			// a worker of the old configuration started just before the signal; the
			// master closed the old generation's pipe and reads the new configuration
			fds(late, "socket:[" + LISTENING + "]", "pipe:[" + OLD_PIPE + "]");
			this.workers = Set.of(before, late);
			fds(before, "pipe:[" + OLD_PIPE + "]");
			fds(this.master);
		};

		CompletableFuture<Void> reloading = CompletableFuture
			.runAsync(() -> reload(Duration.ofSeconds(10)).reload(this.master));

		pauseWhileNotDone(reloading, 300);
		assertThat(reloading).as("done while the master holds no pipe").isNotDone();
		// the new generation runs; the late worker still accepts
		fds(started, "socket:[" + LISTENING + "]", "pipe:[" + NEW_PIPE + "]");
		this.workers = Set.of(before, late, started);
		fds(this.master, "pipe:[" + NEW_PIPE + "]");
		pauseWhileNotDone(reloading, 300);
		assertThat(reloading).as("done while a late worker of the old configuration accepts").isNotDone();
		fds(late, "pipe:[" + OLD_PIPE + "]");
		reloading.get(5, TimeUnit.SECONDS);
	}

	// a reload right after a start: the master may still read its configuration a
	// second time, holding no pipe and no worker yet
	@Test
	void signalsOnlyOnceTheMasterRunsItsFirstGeneration() throws Exception {
		long first = worker();
		long started = worker();
		fds(this.master);
		AtomicBoolean signalled = new AtomicBoolean();
		this.onSignal = () -> {
			signalled.set(true);
			fds(started, "socket:[" + LISTENING + "]", "pipe:[" + NEW_PIPE + "]");
			fds(first, "pipe:[" + OLD_PIPE + "]");
			this.workers = Set.of(first, started);
			fds(this.master, "pipe:[" + NEW_PIPE + "]");
		};

		CompletableFuture<Void> reloading = CompletableFuture
			.runAsync(() -> reload(Duration.ofSeconds(10)).reload(this.master));

		pauseWhileNotDone(reloading, 300);
		assertThat(signalled).as("signalled before the master holds a pipe").isFalse();
		// the first generation runs, with the configuration the master read
		fds(first, "socket:[" + LISTENING + "]", "pipe:[" + OLD_PIPE + "]");
		this.workers = Set.of(first);
		fds(this.master, "pipe:[" + OLD_PIPE + "]");
		reloading.get(5, TimeUnit.SECONDS);
		assertThat(signalled).isTrue();
	}

	@Test
	void failsNamingTheWebServerWhenTheMasterDoesNotReadTheNewConfigurationInTime() throws Exception {
		long before = worker();
		fds(this.master, "pipe:[" + OLD_PIPE + "]");
		fds(before, "socket:[" + LISTENING + "]", "pipe:[" + OLD_PIPE + "]");
		this.workers = Set.of(before);
		// the master still reads the new configuration when the time is up
		this.onSignal = () -> fds(this.master);

		assertThatThrownBy(() -> reload(Duration.ofMillis(300)).reload(this.master))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED);
				assertThat(ex.getMessage()).isEqualTo(
						"the new apache configuration does not answer: apache has not read the new configuration yet; the server keeps trying");
			});
	}

	// a CI run: a new address was taken by another process, Apache's master ended on the
	// reload, and its workers, still finishing on the old address, were named instead
	@Test
	void namesTheStrangerOnANewAddressBeforeWorkersOfOurConfigurationWhoseMasterEnded() throws Exception {
		long master = worker();
		long orphaned = worker();
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			Files.writeString(this.proc.resolve("net/tcp"), String.format(Locale.ROOT, """
					  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
					   0: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %s 1 0
					   1: 0100007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9002 1 0
					""", this.port.getLocalPort(), LISTENING, taken.getLocalPort()));
			this.listens.set(List.of("127.0.0.1:" + this.port.getLocalPort(), "127.0.0.1:" + taken.getLocalPort()));
			fds(orphaned, "socket:[" + LISTENING + "]");
			// this JVM holds the new address
			fds(this.master, "socket:[9002]");

			assertThat(this.listens.foreignHolder(master, (pid) -> pid == orphaned))
				.startsWith("127.0.0.1:" + taken.getLocalPort() + " is held by pid " + this.master);
			// without the new address, the workers whose master ended are in the way
			this.listens.set(List.of("127.0.0.1:" + this.port.getLocalPort()));
			assertThat(this.listens.foreignHolder(master, (pid) -> pid == orphaned))
				.startsWith("127.0.0.1:" + this.port.getLocalPort() + " is held by pid " + orphaned);
		}
	}

	/** A live process of ours that stands for a worker. */
	private long worker() throws IOException {
		Process sleep = new ProcessBuilder("sleep", "600").start();
		this.sleeps.add(sleep);
		return sleep.pid();
	}

	/** Replaces the file descriptors of a process in our {@code /proc}. */
	private void fds(long pid, String... targets) {
		try {
			Path fd = Files.createDirectories(this.proc.resolve(pid + "/fd"));
			try (var old = Files.list(fd)) {
				for (Path link : old.toList()) {
					Files.delete(link);
				}
			}
			for (int i = 0; i < targets.length; i++) {
				Files.createSymbolicLink(fd.resolve(Integer.toString(3 + i)), Path.of(targets[i]));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void pauseWhileNotDone(CompletableFuture<?> future, long millis) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (!future.isDone() && System.nanoTime() < end) {
			Thread.sleep(10);
		}
	}

}
