package dev.pyapp.server.runtime.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.runtime.AppServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * A port daemon counts as started only when its own process tree holds its port: a port
 * is free when it is chosen, and another process (another app, a second server on the
 * host) can take it before the daemon binds it, then accept and answer health checks in
 * the daemon's place. Read from this host's {@code /proc}, with real processes.
 */
class DaemonPortHolderTests {

	@TempDir
	Path home;

	private DaemonAddresses addresses;

	@BeforeEach
	void addresses() {
		this.addresses = new DaemonAddresses(new PyappHome(this.home),
				LauncherFixtures.properties(Duration.ofSeconds(1)));
	}

	@Test
	void aPortItsOwnProcessOrOneOfItsChildrenHoldsIsTheDaemons() throws Exception {
		long self = ProcessHandle.current().pid();
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(this.addresses.otherHolder(daemon(self, socket.getLocalPort()))).isNull();
		}
		Process child = listener(0);
		try {
			int port = readPort(child);
			// the daemon is this JVM (as bwrap is above the app server's master)
			assertThat(this.addresses.otherHolder(daemon(self, port))).isNull();
			// a daemon that is not an ancestor of what holds the port
			Process other = new ProcessBuilder("sleep", "30").start();
			try {
				assertThat(this.addresses.otherHolder(daemon(other.pid(), port))).startsWith("pid " + child.pid())
					.contains("python3");
			}
			finally {
				other.destroy();
				other.waitFor();
			}
		}
		finally {
			child.destroy();
			child.waitFor();
		}
	}

	@Test // a process sharing the port beside the daemon would take some of its
			// connections
	void aProcessSharingThePortWithTheDaemonIsNamed() throws Exception {
		Process outsider = listener(0);
		try {
			int port = readPort(outsider);
			Process daemon = listener(port);
			try {
				assertThat(readPort(daemon)).isEqualTo(port);
				assertThat(this.addresses.otherHolder(daemon(daemon.pid(), port)))
					.startsWith("pid " + outsider.pid() + " (")
					.contains("python3 -c import socket, sys s = socket.socket() s.setsockopt(")
					.doesNotContain("pid " + daemon.pid())
					.doesNotContain("\n");
			}
			finally {
				daemon.destroy();
				daemon.waitFor();
			}
		}
		finally {
			outsider.destroy();
			outsider.waitFor();
		}
	}

	private static Process listener(int port) throws java.io.IOException {
		return new ProcessBuilder("python3", "-c",
				"import socket, sys\n" + "s = socket.socket()\n"
						+ "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)\n" + "s.bind(('127.0.0.1', " + port
						+ ")); s.listen(1)\n" + "print(s.getsockname()[1], flush=True)\n" + "sys.stdin.read()\n")
			.start();
	}

	private static int readPort(Process process) throws java.io.IOException {
		return Integer.parseInt(
				new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine()
					.strip());
	}

	@Test
	void aPortNothingListensOnYetOrASocketDaemonHasNoOtherHolder() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		assertThat(this.addresses.otherHolder(daemon(1, port))).isNull();
		Daemon socketDaemon = new Daemon("1.0.0", 1, this.home.resolve("run/r-1.sock"), null,
				this.home.resolve("run/r-1.pid"), Instant.now(), null, 0, mock(AppServer.class), null, 0);
		assertThat(this.addresses.otherHolder(socketDaemon)).isNull();
	}

	private Daemon daemon(long pid, int port) {
		return new Daemon("1.0.0", pid, null, port, this.home.resolve("run/r-1.pid"), Instant.now(), null, 0,
				mock(AppServer.class), null, 0);
	}

}
