package dev.pyapp.server.runtime.internal;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.pyapp.server.runtime.AppServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Whether a socket daemon accepts: its socket is in the app's {@code run/}, which the app
 * may change, and the server (root) must not connect to whatever another entry at that
 * name leads to. Real sockets of this JVM stand for the daemon and for another listener.
 */
class DaemonAcceptsTests {

	@TempDir
	Path dir;

	@Test
	void aListeningSocketOfTheDaemonsUserAccepts() throws Exception {
		Path socket = this.dir.resolve("r-1.sock");
		try (ServerSocketChannel server = listen(socket)) {
			assertThat(DaemonAddresses.accepts(daemon(socket, ProcessHandle.current().pid()))).isTrue();
		}
		assertThat(DaemonAddresses.accepts(daemon(socket, ProcessHandle.current().pid()))).isFalse();
	}

	@Test
	void aSymlinkToAnotherListeningSocketIsNotConnectedTo() throws Exception {
		// the app's run/r-1.sock -> a socket only root may reach (another app's, the
		// server's own database)
		Path other = Files.createDirectories(this.dir.resolve("elsewhere")).resolve("other.sock");
		Path socket = this.dir.resolve("r-1.sock");
		try (ServerSocketChannel server = listen(other)) {
			Files.createSymbolicLink(socket, other);

			assertThat(DaemonAddresses.accepts(daemon(socket, ProcessHandle.current().pid()))).isFalse();
			assertThat(server.accept()).isNull();
		}
	}

	@Test
	void aFileThatIsNoSocketIsNotConnectedTo() throws Exception {
		Path socket = Files.writeString(this.dir.resolve("r-1.sock"), "");

		assertThat(DaemonAddresses.accepts(daemon(socket, ProcessHandle.current().pid()))).isFalse();
	}

	@Test
	@EnabledIf("root")
	void aSocketAnsweredByAnotherUserThanTheDaemonsDoesNotCount() throws Exception {
		// the daemon runs as nobody; the listener at its socket's name is root's
		Process daemon = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sleep",
				"30")
			.start();
		Path socket = this.dir.resolve("r-1.sock");
		try (ServerSocketChannel server = listen(socket)) {
			// /proc/<pid> is root's until setpriv has run sleep (not dumpable before)
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Files.getOwner(Path.of("/proc", Long.toString(daemon.pid()))).getName(),
						(owner) -> !owner.equals("root"));
			assertThat(DaemonAddresses.accepts(daemon(socket, daemon.pid()))).isFalse();
		}
		finally {
			daemon.destroy();
			daemon.waitFor();
		}
	}

	static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static ServerSocketChannel listen(Path socket) throws Exception {
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(socket), 16);
		server.configureBlocking(false);
		return server;
	}

	private static Daemon daemon(Path socket, long pid) {
		return new Daemon("1.0.0", pid, socket, null, socket.resolveSibling("r-1.pid"), Instant.now(), null, 0,
				mock(AppServer.class), null, 0);
	}

}
