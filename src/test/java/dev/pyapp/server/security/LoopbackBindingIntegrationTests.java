package dev.pyapp.server.security;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pyapp.server.TestHomes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By default the API listens on 127.0.0.1 only. The kernel's socket table shows what the
 * listening socket is bound to, without sending traffic anywhere but loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoopbackBindingIntegrationTests {

	/** 127.0.0.1 as /proc/net/tcp writes it, and as an IPv4-mapped IPv6 address. */
	private static final List<String> LOOPBACK = List.of("0100007F", "0000000000000000FFFF00000100007F");

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path home = TestHomes.create("pyapp-loopback");
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@Test
	void listensOnLoopbackOnly() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 2000);
			assertThat(socket.isConnected()).isTrue();
		}
		assertThat(listeningAddresses(this.port)).isNotEmpty().allMatch(LOOPBACK::contains);
	}

	private static List<String> listeningAddresses(int port) throws IOException {
		String hexPort = String.format(Locale.ROOT, "%04X", port);
		List<String> addresses = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			for (String line : Files.readAllLines(Path.of(table))) {
				String[] fields = line.trim().split("\\s+");
				// fields: sl local_address rem_address st ...; st 0A is LISTEN
				if (fields.length > 3 && fields[1].endsWith(":" + hexPort) && "0A".equals(fields[3])) {
					addresses.add(fields[1].substring(0, fields[1].indexOf(':')));
				}
			}
		}
		return addresses;
	}

}
