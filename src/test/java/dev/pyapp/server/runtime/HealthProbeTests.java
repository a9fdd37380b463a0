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
import dev.pyapp.server.runtime.internal.Daemon;
import dev.pyapp.server.runtime.internal.GunicornServer;
import dev.pyapp.server.runtime.internal.HealthProbe;
import dev.pyapp.server.runtime.internal.UwsgiPacket;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

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
			assertThatNoException().isThrownBy(() -> HealthProbe.check(daemon(server.getLocalPort()), "/gb", "/health",
					"localhost", false, Duration.ofSeconds(5)));
			thread.join(5000);
		}
		assertThat(request.get()).startsWith("GET /gb/health HTTP/1.1\r\n")
			.contains("SCRIPT_NAME: /gb\r\n")
			.contains("Host: localhost\r\n")
			.doesNotContain("X-Forwarded-Proto");
	}

	@Test // GH-15: Django's ALLOWED_HOSTS answered 400 to Host: localhost
	void sendsTheVirtualServersHostAndTheSchemeOfATlsServer() throws Exception {
		AtomicReference<String> request = new AtomicReference<>();
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread thread = serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", request);
			HealthProbe.check(daemon(server.getLocalPort()), "/library", "/", "library.test", true,
					Duration.ofSeconds(5));
			thread.join(5000);
		}
		assertThat(request.get()).contains("Host: library.test\r\n").contains("X-Forwarded-Proto: https\r\n");
	}

	@Test
	void refusesAHostThatCouldEndTheHeaderLine() {
		assertThatThrownBy(() -> HealthProbe.request(WireProtocol.HTTP, "", "/", "evil\r\nX-Injected: 1", false))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void reportsAServerErrorWithItsStatusLine() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			serveOnce(server, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom",
					new AtomicReference<>());
			assertThatThrownBy(() -> HealthProbe.check(daemon(server.getLocalPort()), "", "/", "localhost", false,
					Duration.ofSeconds(5)))
				.isInstanceOf(PyappException.class)
				.hasMessageContaining("500 Internal Server Error");
		}
	}

	@Test
	void speaksTheUwsgiProtocolToUwsgiWithTheMountAsScriptName() throws Exception {
		AtomicReference<byte[]> request = new AtomicReference<>();
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread thread = serveUwsgiOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", request);
			assertThatNoException().isThrownBy(() -> HealthProbe.check(daemon(server.getLocalPort(), uwsgi()), "/gb",
					"/health%20check?full=1", "localhost", false, Duration.ofSeconds(5)));
			thread.join(5000);
		}
		assertThat(vars(request.get())).containsEntry("REQUEST_METHOD", "GET")
			.containsEntry("REQUEST_URI", "/gb/health%20check?full=1")
			.containsEntry("SCRIPT_NAME", "/gb")
			.containsEntry("PATH_INFO", "/health check")
			.containsEntry("QUERY_STRING", "full=1")
			.containsEntry("HTTP_HOST", "localhost")
			.containsEntry("SERVER_PROTOCOL", "HTTP/1.1");
	}

	@Test
	void encodesAUwsgiPacketWithLittleEndianSizes() {
		byte[] packet = UwsgiPacket.encode(java.util.Map.of("A", "bc"));
		assertThat(packet).containsExactly(0, 7, 0, 0, 1, 0, 'A', 2, 0, 'b', 'c');
		assertThat(UwsgiPacket.percentDecode("/a%2Fb+c%zz%e2%82%ac")).isEqualTo("/a/b+c%zz\u20ac");
	}

	private static Daemon daemon(int port) {
		return daemon(port, new GunicornServer(mock(VenvBuilder.class)));
	}

	private static Daemon daemon(int port, AppServer server) {
		return new Daemon("1.0.0-x", 1, null, port, Path.of("/nonexistent.pid"), Instant.now(), null, 0, server, null,
				0);
	}

	private static AppServer uwsgi() {
		return new UwsgiServer(null);
	}

	/** Reads a uwsgi packet's variables. */
	private static java.util.Map<String, String> vars(byte[] packet) {
		java.util.Map<String, String> vars = new java.util.LinkedHashMap<>();
		int size = (packet[1] & 0xFF) | ((packet[2] & 0xFF) << 8);
		assertThat(packet).hasSize(size + 4);
		int at = 4;
		while (at < packet.length) {
			int keyLength = (packet[at] & 0xFF) | ((packet[at + 1] & 0xFF) << 8);
			String key = new String(packet, at + 2, keyLength, StandardCharsets.UTF_8);
			at += 2 + keyLength;
			int valueLength = (packet[at] & 0xFF) | ((packet[at + 1] & 0xFF) << 8);
			vars.put(key, new String(packet, at + 2, valueLength, StandardCharsets.UTF_8));
			at += 2 + valueLength;
		}
		return vars;
	}

	private static Thread serveUwsgiOnce(ServerSocket server, String response, AtomicReference<byte[]> request) {
		Thread thread = new Thread(() -> {
			try (Socket socket = server.accept()) {
				InputStream in = socket.getInputStream();
				byte[] header = in.readNBytes(4);
				int size = (header[1] & 0xFF) | ((header[2] & 0xFF) << 8);
				byte[] body = in.readNBytes(size);
				byte[] packet = new byte[4 + size];
				System.arraycopy(header, 0, packet, 0, 4);
				System.arraycopy(body, 0, packet, 4, size);
				request.set(packet);
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
