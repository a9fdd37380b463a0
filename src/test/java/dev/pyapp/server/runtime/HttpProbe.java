package dev.pyapp.server.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.pyapp.server.runtime.internal.HealthProbe;

/**
 * A minimal client for tests: one GET per connection, over a unix socket (as the web
 * server talks to an app) or a TCP port, in the protocol the daemon speaks (HTTP/1.1 for
 * gunicorn, a uwsgi packet for uWSGI, which answers in HTTP either way).
 */
final class HttpProbe {

	private HttpProbe() {
	}

	static Response get(Path socket, String path) throws IOException {
		return get(WireProtocol.HTTP, socket, path);
	}

	static Response get(int port, String path) throws IOException {
		return get(WireProtocol.HTTP, port, path);
	}

	static Response get(WireProtocol protocol, Path socket, String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return exchange(channel, protocol, path);
		}
	}

	static Response get(WireProtocol protocol, int port, String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open()) {
			channel.connect(new InetSocketAddress("127.0.0.1", port));
			return exchange(channel, protocol, path);
		}
	}

	private static Response exchange(SocketChannel channel, WireProtocol protocol, String path) throws IOException {
		ByteBuffer request = ByteBuffer.wrap(HealthProbe.request(protocol, "", path, "localhost", false));
		while (request.hasRemaining()) {
			channel.write(request);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		while (channel.read(buffer) > 0) {
			out.write(buffer.array(), 0, buffer.position());
			buffer.clear();
		}
		String text = out.toString(StandardCharsets.UTF_8);
		int end = text.indexOf("\r\n");
		int bodyStart = text.indexOf("\r\n\r\n");
		if (end < 0 || bodyStart < 0) {
			throw new IOException("incomplete response: " + text);
		}
		int status = Integer.parseInt(text.substring(0, end).split(" ")[1]);
		return new Response(status, text.substring(bodyStart + 4));
	}

	record Response(int status, String body) {
	}

}
