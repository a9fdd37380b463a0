package dev.pyapp.server.runtime.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.MountPaths;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * What a failed health check of a candidate says: without an answer, what the daemon
 * printed (its traceback is the cause, in {@code data.log} of the failed deploy, which
 * the CLI prints and the UI shows when the log store has no cause); with an answer, the
 * answer's start.
 */
class CandidateHealthTests {

	private static final AppId APP = AppId.of("guestbook");

	private static final String TRACEBACK = """
			Traceback (most recent call last):
			  File "/srv/guestbook/src/guestbook/web.py", line 3, in <module>
			    import guestbook_reports  # not in the release
			ModuleNotFoundError: No module named 'guestbook_reports'
			""";

	@TempDir
	Path dir;

	private final DaemonLauncher launcher = mock(DaemonLauncher.class);

	private CandidateSwitch candidates;

	@BeforeEach
	void candidates() {
		AppContexts contexts = mock(AppContexts.class);
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.health()).willReturn(new AppManifest.Health("/health", Duration.ofSeconds(5), null));
		given(contexts.manifest(APP, "1.1.0-x")).willReturn(manifest);
		this.candidates = new CandidateSwitch(mock(SupervisedApps.class), mock(DaemonStarts.class), contexts,
				this.launcher, mock(AppServers.class), (event) -> {
				}, new StaticListableBeanFactory().getBeanProvider(MountPaths.class), null);
	}

	@Test // without a sandbox, uWSGI's worker died with the request unread: "Connection
			// reset"
	void aResetConnectionCarriesWhatTheDaemonPrinted() throws Exception {
		onAResettingSocket((socket) -> {
			Daemon daemon = daemon(socket, null);
			given(this.launcher.stderrTail(APP, daemon))
				.willReturn("*** Operational MODE: preforking ***\n" + TRACEBACK);
			assertThatThrownBy(() -> this.candidates.checkHealth(APP, "1.1.0-x", daemon))
				.isInstanceOfSatisfying(PyappException.class, (ex) -> {
					assertThat(ex.getMessage()).startsWith("health check GET /health failed: ");
					assertThat(ex.getLog()).contains("ModuleNotFoundError: No module named 'guestbook_reports'")
						.contains("Traceback");
				});
		});
	}

	@Test // trial: a FastAPI app given as the entry; the first line said only "Connection
			// reset", as if the network had failed
	void aDaemonThatEndedIsSaidToHaveExitedBeforeItAnswered() throws Exception {
		onAResettingSocket((socket) -> {
			// uWSGI ends about a second after its worker failed to load the app
			CompletableFuture<Integer> exit = new CompletableFuture<>();
			CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(() -> exit.complete(22));
			Daemon daemon = daemon(socket, null, ProcessHandle.current().pid(), exit);
			given(this.launcher.stderrTail(APP, daemon)).willReturn(TRACEBACK);
			assertThatThrownBy(() -> this.candidates.checkHealth(APP, "1.1.0-x", daemon))
				.isInstanceOfSatisfying(PyappException.class, (ex) -> {
					assertThat(ex.getMessage()).startsWith(
							"gunicorn exited with code 22 before it answered: health check GET /health failed: ");
					assertThat(ex.getLog()).contains("ModuleNotFoundError");
				});
		});
	}

	@Test
	void anAnswerCarriesItsOwnStart() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread thread = new Thread(() -> {
				try (Socket socket = server.accept()) {
					socket.getInputStream().read(new byte[1024]);
					socket.getOutputStream()
						.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"
							.getBytes(StandardCharsets.US_ASCII));
				}
				catch (IOException ex) {
					// the test fails on the probe's side
				}
			});
			thread.start();
			Daemon daemon = daemon(null, server.getLocalPort());
			given(this.launcher.stderrTail(APP, daemon)).willReturn(TRACEBACK);
			assertThatThrownBy(() -> this.candidates.checkHealth(APP, "1.1.0-x", daemon))
				.isInstanceOfSatisfying(PyappException.class, (ex) -> {
					assertThat(ex.getMessage()).contains("500 Internal Server Error");
					assertThat(ex.getLog()).endsWith("boom").doesNotContain("Traceback");
				});
			thread.join(5000);
		}
	}

	@Test // trial: a Dash app over pandas under gunicorn, 3 workers importing it on a
			// busy host; the upgrade failed: "health check GET /dash/health timed out
			// after PT10S", 13 s after the daemon started, while the workers still loaded
			// the app
	void aDaemonJustStartedMayAnswerLateWhileAWorkerLoadsTheApp() throws Exception {
		CandidateSwitch candidates = candidates(Duration.ofMillis(300));
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Daemon daemon = daemon(null, server.getLocalPort());
			Path mark = loadMark();
			Thread thread = answerAfter(server, Duration.ofMillis(1500), () -> {
				// the worker has loaded the app, and answers soon after
				Files.delete(mark);
				Thread.sleep(100);
			});
			given(this.launcher.stderrTail(APP, daemon)).willReturn("");
			candidates.checkStarted(APP, "1.1.0-x", daemon);
			thread.join(5000);
		}
	}

	@Test
	void aLoadedAppHasTheHealthTimeoutSaidInSecondsAlsoRightAfterItsStart() throws Exception {
		CandidateSwitch candidates = candidates(Duration.ofMillis(300));
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Daemon daemon = daemon(null, server.getLocalPort());
			// a mark of a load before the daemon started is no load of its workers
			Path mark = loadMark();
			Files.setLastModifiedTime(mark, FileTime.from(daemon.started().minusSeconds(60)));
			Thread thread = answerAfter(server, Duration.ofMillis(1500), () -> {
			});
			given(this.launcher.stderrTail(APP, daemon)).willReturn("");
			assertThatThrownBy(() -> candidates.checkStarted(APP, "1.1.0-x", daemon))
				.hasMessage("health check GET /health timed out after 0.3 s");
			thread.join(5000);
		}
	}

	@Test
	void aWorkerThatLoadsLongerThanAStartMayTakeFailsTheCheckAtTheStartTimeout() throws Exception {
		CandidateSwitch candidates = candidates(Duration.ofMillis(300));
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Daemon started = daemon(null, server.getLocalPort());
			// started 9.5 s ago: 0.5 s of the start timeout (10 s) left
			Daemon daemon = new Daemon(started.release(), started.pid(), null, started.port(), started.pidFile(),
					Instant.now().minusMillis(9_500), null, 0, started.server(), null, 0);
			loadMark();
			Thread thread = answerAfter(server, Duration.ofMillis(3000), () -> {
			});
			given(this.launcher.stderrTail(APP, daemon)).willReturn("");
			long before = System.nanoTime();
			assertThatThrownBy(() -> candidates.checkStarted(APP, "1.1.0-x", daemon))
				.hasMessageStartingWith("health check GET /health timed out after 0.");
			assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(2500));
			thread.join(5000);
		}
	}

	@Test // the marks' directory is the app's to replace
	void aLinkInPlaceOfTheMarksDirectoryIsNotFollowed() throws IOException {
		Instant started = Instant.now().minusSeconds(1);
		Path elsewhere = Files.createDirectories(this.dir.resolve("elsewhere"));
		Files.createFile(elsewhere.resolve("1-7"));
		Path tmp = Files.createDirectories(this.dir.resolve("tmp"));
		Files.createSymbolicLink(tmp.resolve(CandidateSwitch.LOADING), elsewhere);

		assertThat(CandidateSwitch.loadingSince(tmp.resolve(CandidateSwitch.LOADING), started)).isFalse();
		Files.delete(tmp.resolve(CandidateSwitch.LOADING));
		loadMark();
		assertThat(CandidateSwitch.loadingSince(tmp.resolve(CandidateSwitch.LOADING), started)).isTrue();
	}

	/** The shim's mark of a load under way, in the app's {@code tmp/}. */
	private Path loadMark() throws IOException {
		return Files.createFile(
				Files.createDirectories(this.dir.resolve("tmp").resolve(CandidateSwitch.LOADING)).resolve("1-7"));
	}

	/**
	 * A switch with the given health timeout, a start timeout of 10 s and a stop timeout
	 * of 20 s.
	 */
	private CandidateSwitch candidates(Duration healthTimeout) {
		AppContexts contexts = mock(AppContexts.class);
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.health()).willReturn(new AppManifest.Health("/health", healthTimeout, null));
		given(contexts.manifest(APP, "1.1.0-x")).willReturn(manifest);
		given(contexts.context(APP, "1.1.0-x"))
			.willReturn(new ProcessContext(APP, "1.1.0-x", this.dir.resolve("venv/bin/python"), this.dir.resolve("src"),
					Map.of("PYAPP_TMP_PATH", this.dir.resolve("tmp").toString()),
					new Isolation(null, null, Isolation.Limits.NONE, "guestbook.1a2b3c4d")));
		return new CandidateSwitch(mock(SupervisedApps.class), mock(DaemonStarts.class), contexts, this.launcher,
				mock(AppServers.class), (event) -> {
				}, new StaticListableBeanFactory().getBeanProvider(MountPaths.class),
				LauncherFixtures.properties(Duration.ofSeconds(20)));
	}

	/**
	 * A daemon whose workers are still loading the app: it answers 200, but late.
	 * @param loaded what happens once the app is loaded, before the answer
	 */
	private static Thread answerAfter(ServerSocket server, Duration delay, Step loaded) {
		Thread thread = new Thread(() -> {
			try (Socket socket = server.accept()) {
				socket.getInputStream().read(new byte[1024]);
				Thread.sleep(delay.toMillis());
				loaded.run();
				socket.getOutputStream()
					.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
			}
			catch (Exception ex) {
				// the test fails on the probe's side
			}
		});
		thread.start();
		return thread;
	}

	private interface Step {

		void run() throws Exception;

	}

	@Test
	void aDaemonThatPrintedNothingKeepsTheConnectionError() {
		Daemon daemon = daemon(this.dir.resolve("nobody-listens.sock"), null);
		given(this.launcher.stderrTail(APP, daemon)).willReturn("");
		assertThatThrownBy(() -> this.candidates.checkHealth(APP, "1.1.0-x", daemon))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getMessage()).startsWith("health check GET /health failed: ");
				assertThat(ex.getLog()).isNull();
			});
	}

	@Test // an app replaced its socket in run/ with a link to a socket only root could
			// reach: the server, as root, sent it the check's request and showed
			// its answer
	void aSocketAnsweredByAnotherUserThanTheDaemonsIsSentNothing() throws Exception {
		assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root");
		Process nobody = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sleep",
				"60")
			.start();
		// setpriv drops to nobody a moment after it starts
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Files.getOwner(Path.of("/proc", Long.toString(nobody.pid()))).getName().equals("nobody"));
		Path socket = this.dir.resolve("r.sock");
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			Thread listener = new Thread(() -> readAll(server, received));
			listener.start();
			Daemon daemon = daemon(socket, null, nobody.pid());
			given(this.launcher.stderrTail(APP, daemon)).willReturn("");
			assertThatThrownBy(() -> this.candidates.checkHealth(APP, "1.1.0-x", daemon)).isInstanceOfSatisfying(
					PyappException.class,
					(ex) -> assertThat(ex.getMessage()).contains("not of the daemon's user nobody"));
			listener.join(5000);
			assertThat(received.size()).as("bytes the foreign socket received").isZero();
		}
		finally {
			nobody.destroyForcibly().waitFor();
		}
	}

	private static void readAll(ServerSocketChannel server, ByteArrayOutputStream received) {
		try (SocketChannel channel = server.accept()) {
			ByteBuffer buffer = ByteBuffer.allocate(4096);
			if (channel.read(buffer) > 0) {
				received.write(buffer.array(), 0, buffer.position());
				channel.write(ByteBuffer.wrap("HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
			}
		}
		catch (IOException ex) {
			// the test fails on the probe's side
		}
	}

	/** Runs a check against a socket whose worker resets the connection. */
	private void onAResettingSocket(SocketCheck check) throws Exception {
		Path socket = this.dir.resolve("r.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			Thread worker = new Thread(() -> dieWithTheRequestUnread(server));
			worker.start();
			check.run(socket);
			worker.join(5000);
		}
	}

	@FunctionalInterface
	private interface SocketCheck {

		void run(Path socket) throws Exception;

	}

	/** A worker that accepts the request and dies before reading it all: a reset. */
	private static void dieWithTheRequestUnread(ServerSocketChannel server) {
		try (SocketChannel channel = server.accept()) {
			channel.read(ByteBuffer.allocate(1));
		}
		catch (IOException ex) {
			// the test fails on the probe's side
		}
	}

	private static Daemon daemon(Path socket, Integer port) {
		return daemon(socket, port, ProcessHandle.current().pid());
	}

	private static Daemon daemon(Path socket, Integer port, long pid) {
		return daemon(socket, port, pid, null);
	}

	private static Daemon daemon(Path socket, Integer port, long pid, CompletableFuture<Integer> exit) {
		return new Daemon("1.1.0-x", pid, socket, port, Path.of("/nonexistent.pid"), Instant.now(), exit, 0,
				new GunicornServer(mock(VenvBuilder.class)), null, 0);
	}

}
