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

/**
 * A minimal HTTP/1.1 client for tests: one request per connection, over a unix socket (as
 * the web server talks to an app) or a TCP port.
 */
final class HttpProbe {

	private HttpProbe() {
	}

	static Response get(Path socket, String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return exchange(channel, path);
		}
	}

	static Response get(int port, String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open()) {
			channel.connect(new InetSocketAddress("127.0.0.1", port));
			return exchange(channel, path);
		}
	}

	private static Response exchange(SocketChannel channel, String path) throws IOException {
		String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
		channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
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
