package dev.pyapp.server.nodes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who holds a listening socket, read from {@code /proc}.
 */
class ListeningSocketsTests {

	@TempDir
	Path proc;

	@Test
	void decodesTheAddressesOfProcNetTcp() throws Exception {
		assertThat(ListeningSockets.decode("0100007F")).isEqualTo(InetAddress.getByName("127.0.0.1").getAddress());
		assertThat(ListeningSockets.decode("00000000000000000000000001000000"))
			.isEqualTo(InetAddress.getByName("::1").getAddress());
	}

	@Test
	void findsTheProcessesHoldingAListenAddressIncludingTheWildcard() throws IOException {
		Files.createDirectories(this.proc.resolve("net"));
		Files.writeString(this.proc.resolve("net/tcp"), """
				  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
				   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0
				   1: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0
				   2: 0100007F:1F92 0100007F:9999 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0
				""");
		Files.writeString(this.proc.resolve("net/tcp6"), "  sl  local_address\n");
		process(4242, "1001");
		process(4243, "1001");
		process(5000, "1002");
		process(6000, "1003");

		ListeningSockets sockets = new ListeningSockets(this.proc);

		assertThat(sockets.holders("127.0.0.1:8080")).containsExactlyInAnyOrder(4242L, 4243L);
		assertThat(sockets.holders("127.0.0.1:8081")).containsExactly(5000L);
		assertThat(sockets.holders("*:8081")).containsExactly(5000L);
		// an established connection is not a listener
		assertThat(sockets.holders("127.0.0.1:8082")).isEmpty();
		assertThat(sockets.listening("127.0.0.1:8082")).isFalse();
		assertThat(sockets.sockets(4242)).containsExactly("1001");
		assertThat(sockets.describe(4242)).isEqualTo("pid 4242 (nginx: master process)");
	}

	@Test // the holder may be an app's process, whose command line is its own to choose
	void describesAProcessOnOneBoundedLine() throws IOException {
		process(4242, "1001");
		Files.write(this.proc.resolve("4242/cmdline"),
				("python3\0-c\0import x\nprint('\033[2Jforged line')\0" + "y".repeat(500) + "\0").getBytes());

		String described = new ListeningSockets(this.proc).describe(4242);

		assertThat(described).startsWith("pid 4242 (python3 -c import x print(' [2Jforged line') yyy")
			.endsWith("...)")
			.doesNotContain("\n")
			.doesNotContain("\033")
			.hasSize("pid 4242 (".length() + ListeningSockets.MAX_COMMAND + "...)".length());
	}

	@Test // an Apache worker's generation is the pipe it shares with the master
	void readsThePipesOfAProcessApartFromItsSockets() throws IOException {
		process(4242, "1001");
		Path fd = this.proc.resolve("4242/fd");
		Files.createSymbolicLink(fd.resolve("4"), Path.of("pipe:[2001]"));
		Files.createSymbolicLink(fd.resolve("5"), Path.of("pipe:[2002]"));
		Files.createSymbolicLink(fd.resolve("6"), Path.of("/var/log/apache2/error.log"));

		ListeningSockets sockets = new ListeningSockets(this.proc);

		assertThat(sockets.pipes(4242)).containsExactlyInAnyOrder("2001", "2002");
		assertThat(sockets.sockets(4242)).containsExactly("1001");
		assertThat(sockets.pipes(4243)).isEmpty();
	}

	@Test // GH-15: on this host, the real /proc
	void seesThisJvmHoldAPortItListensOn() throws IOException {
		ListeningSockets sockets = new ListeningSockets();
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(sockets.holders("127.0.0.1:" + server.getLocalPort())).contains(ProcessHandle.current().pid());
		}
	}

	private void process(long pid, String inode) throws IOException {
		Path fd = Files.createDirectories(this.proc.resolve(pid + "/fd"));
		Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[" + inode + "]"));
		Files.write(this.proc.resolve(pid + "/cmdline"), "nginx: master process\0".getBytes());
	}

}
