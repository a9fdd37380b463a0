package dev.pyapp.server.runtime.internal;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pyapp.server.nodes.LocalNodeShell;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.runtime.AppServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * A replaced daemon is stopped only once the connections queued for it before the switch
 * are accepted: its stop would reset them (the web server answers 502, lighttpd 503 for a
 * second).
 */
class ListenQueueTests {

	private final NodeShell shell = LocalNodeShell.unisolated();

	@TempDir
	Path dir;

	@Test
	void readsTheQueueOfAUnixSocketAndOfAPortFromSs() {
		String unix = """
				u_str LISTEN 3      2048   /home/apps/a/run/r-1.sock 23040699 * 0
				u_str LISTEN 7      2048   /home/apps/a/run/r-1.sock.old 23040700 * 0
				""";
		assertThat(ListenQueue.parse(unix, "/home/apps/a/run/r-1.sock")).isEqualTo(3);
		String tcp = """
				LISTEN 0      128               0.0.0.0:18000  0.0.0.0:*
				LISTEN 4      511             127.0.0.1:8000  0.0.0.0:*
				LISTEN 1      100    [::ffff:127.0.0.1]:8000        *:*
				""";
		assertThat(ListenQueue.parse(tcp, ":8000")).isEqualTo(5);
		assertThat(ListenQueue.parse("", ":8000")).isNull();
		assertThat(ListenQueue.parse("Cannot open netlink socket: Permission denied\n", ":8000")).isNull();
	}

	@Test
	@EnabledIf("ss")
	void waitsUntilTheQueuedConnectionsAreAccepted() throws Exception {
		Path socket = this.dir.resolve("r-1.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket), 16);
			List<SocketChannel> clients = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				clients.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
			}
			Daemon daemon = daemon(socket);
			assertThat(ListenQueue.waiting(this.shell, daemon)).isEqualTo(3);

			// the old release's workers take them once their slow requests are done
			AtomicBoolean accepting = new AtomicBoolean();
			CompletableFuture<Void> workers = CompletableFuture.runAsync(() -> {
				try {
					Thread.sleep(300);
					accepting.set(true);
					for (int i = 0; i < 3; i++) {
						server.accept().close();
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			int left = ListenQueue.awaitEmpty(this.shell, daemon, Duration.ofSeconds(20), () -> true);
			assertThat(left).isZero();
			assertThat(accepting).isTrue();
			workers.get(5, TimeUnit.SECONDS);
			assertThat(ListenQueue.waiting(this.shell, daemon)).isZero();
			for (SocketChannel client : clients) {
				client.close();
			}
		}
	}

	@Test
	@EnabledIf("ss")
	void givesUpAfterItsBoundOrWhenTheDaemonEnded() throws Exception {
		Path socket = this.dir.resolve("r-2.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
				SocketChannel client = connect(server, socket)) {
			Daemon daemon = daemon(socket);
			assertThat(ListenQueue.awaitEmpty(this.shell, daemon, Duration.ofMillis(200), () -> true)).isEqualTo(1);
			assertThat(ListenQueue.awaitEmpty(this.shell, daemon, Duration.ofSeconds(20), () -> false)).isZero();
		}
	}

	@Test
	void anUnknownQueueIsNotWaitedFor() {
		Daemon daemon = daemon(this.dir.resolve("none.sock"));
		assertThat(ListenQueue.awaitEmpty(this.shell, daemon, Duration.ofSeconds(20), () -> true)).isZero();
	}

	private static SocketChannel connect(ServerSocketChannel server, Path socket) throws Exception {
		server.bind(UnixDomainSocketAddress.of(socket), 16);
		return SocketChannel.open(UnixDomainSocketAddress.of(socket));
	}

	private static Daemon daemon(Path socket) {
		return new Daemon("1.0.0", 4242, socket, null, socket.resolveSibling("r.pid"), Instant.now(), null, 0,
				mock(AppServer.class), null, 0);
	}

	static boolean ss() {
		return Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss"));
	}

}
