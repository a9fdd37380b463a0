package dev.pyapp.server.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthProbeTests {

	@Test
	void readsTheStatusCode() {
		assertThat(HealthProbe.status("HTTP/1.1 302 Found\r\nLocation: /\r\n\r\n")).isEqualTo(302);
		assertThat(HealthProbe.status("garbage")).isEqualTo(-1);
	}

	@Test
	void sendsTheMountAsScriptNameAndAcceptsRedirects() throws Exception {
		AtomicReference<String> request = new AtomicReference<>();
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread thread = serveOnce(server, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", request);
			assertThatNoException().isThrownBy(
					() -> HealthProbe.check(daemon(server.getLocalPort()), "/gb", "/health", Duration.ofSeconds(5)));
			thread.join(5000);
		}
		assertThat(request.get()).startsWith("GET /gb/health HTTP/1.1\r\n").contains("SCRIPT_NAME: /gb\r\n");
	}

	@Test
	void reportsAServerErrorWithItsStatusLine() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			serveOnce(server, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom",
					new AtomicReference<>());
			assertThatThrownBy(() -> HealthProbe.check(daemon(server.getLocalPort()), "", "/", Duration.ofSeconds(5)))
				.isInstanceOf(PyappException.class)
				.hasMessageContaining("500 Internal Server Error");
		}
	}

	private static Daemon daemon(int port) {
		return new Daemon("1.0.0-x", 1, null, port, Path.of("/nonexistent.pid"), Instant.now(), null, 0, null, 0);
	}

	private static Thread serveOnce(ServerSocket server, String response, AtomicReference<String> request) {
		Thread thread = new Thread(() -> {
			try (Socket socket = server.accept()) {
				InputStream in = socket.getInputStream();
				StringBuilder text = new StringBuilder();
				while (!text.toString().endsWith("\r\n\r\n")) {
					int c = in.read();
					if (c < 0) {
						break;
					}
					text.append((char) c);
				}
				request.set(text.toString());
				OutputStream out = socket.getOutputStream();
				out.write(response.getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
			catch (IOException ex) {
				// the test fails on the probe's side
			}
		});
		thread.start();
		return thread;
	}

}
