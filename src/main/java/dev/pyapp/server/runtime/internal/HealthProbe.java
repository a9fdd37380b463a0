package dev.pyapp.server.runtime.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import dev.pyapp.server.core.DurationText;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.runtime.WireProtocol;

/**
 * SPEC's health check: {@code GET <mount><path>} on a daemon's own socket or port with
 * {@code SCRIPT_NAME} set to the mount path, {@code Host} set to the virtual server's
 * host name and {@code X-Forwarded-Proto: https} when it serves TLS, as the web server
 * sends them (an app that checks its host names, such as Django with
 * {@code ALLOWED_HOSTS}, answers the check as it answers its users), in the protocol the
 * daemon speaks (an HTTP request for gunicorn, a uwsgi packet with the request's
 * variables for uWSGI); 2xx and 3xx are healthy.
 */
public final class HealthProbe {

	/** No control characters and no blanks: nothing can end a header line early. */
	private static final Pattern SAFE_HEADER = Pattern.compile("[\\x21-\\x7e]{1,2048}");

	private HealthProbe() {
	}

	/**
	 * Checks a daemon.
	 * @param daemon the daemon
	 * @param mount the mount path ({@code ""} for the root)
	 * @param path the health path below the mount
	 * @param host the {@code Host} header's value (a host name validated by the caller)
	 * @param https whether to send {@code X-Forwarded-Proto: https}
	 * @param timeout how long the check may take
	 * @throws PyappException ({@code FAILED}) with the status line and the start of the
	 * body, or the connection error
	 */
	public static void check(Daemon daemon, String mount, String path, String host, boolean https, Duration timeout) {
		check(daemon, mount, path, host, https, timeout, () -> false, Instant.MIN);
	}

	/**
	 * Checks a daemon whose workers may still load the app: while they do, the answer may
	 * come later than the timeout, until a limit; once they are done, the app has the
	 * timeout to answer.
	 * @param daemon the daemon
	 * @param mount the mount path ({@code ""} for the root)
	 * @param path the health path below the mount
	 * @param host the {@code Host} header's value (a host name validated by the caller)
	 * @param https whether to send {@code X-Forwarded-Proto: https}
	 * @param timeout how long the app may take to answer once loaded
	 * @param loading whether a worker still loads the app
	 * @param limit when the wait ends even while a worker loads
	 * @throws PyappException ({@code FAILED}) with the status line and the start of the
	 * body, or the connection error
	 */
	public static void check(Daemon daemon, String mount, String path, String host, boolean https, Duration timeout,
			BooleanSupplier loading, Instant limit) {
		String target = mount + (path.startsWith("/") ? path : "/" + path);
		byte[] request = request(daemon.server().protocol(), mount, path.startsWith("/") ? path : "/" + path, host,
				https);
		Instant start = Instant.now();
		CompletableFuture<String> response = CompletableFuture.supplyAsync(() -> exchange(daemon, request));
		String text;
		Instant deadline = start.plus(timeout);
		boolean wasLoading = false;
		try {
			while (true) {
				try {
					text = response.get(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
							TimeUnit.MILLISECONDS);
					break;
				}
				catch (TimeoutException ex) {
					Instant now = Instant.now();
					boolean stillLoading = loading.getAsBoolean();
					if (!now.isBefore(limit) || !(stillLoading || wasLoading)) {
						throw ex;
					}
					// a worker still loads the app, or ended its load since the last
					// look:
					// it has the timeout again from now
					wasLoading = stillLoading;
					deadline = now.plus(timeout).isBefore(limit) ? now.plus(timeout) : limit;
				}
			}
		}
		catch (TimeoutException ex) {
			response.cancel(true);
			throw PyappException.failed("health check GET " + target + " timed out after "
					+ DurationText.of(Duration.between(start, deadline)), null);
		}
		catch (ExecutionException ex) {
			throw PyappException.failed("health check GET " + target + " failed: " + ex.getCause().getMessage(), null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted", null);
		}
		int status = status(text);
		if (status < 200 || status >= 400) {
			throw PyappException.failed(
					"health check GET " + target + " (Host: " + host + ") answered " + firstLine(text),
					text.substring(0, Math.min(text.length(), 4096)));
		}
	}

	/**
	 * The request a health check sends.
	 * @param protocol what the daemon speaks
	 * @param mount the mount path ({@code ""} for the root)
	 * @param path the path below it, with an optional query
	 * @param host the host name to send
	 * @param https whether the virtual server serves TLS (the app is told so)
	 * @return the bytes to write
	 * @throws IllegalArgumentException if the host or the target could end a header line
	 */
	public static byte[] request(WireProtocol protocol, String mount, String path, String host, boolean https) {
		String target = mount + path;
		if (!SAFE_HEADER.matcher(host).matches() || !SAFE_HEADER.matcher(target).matches()) {
			throw new IllegalArgumentException("not a safe request line or Host header: " + target + ", " + host);
		}
		if (protocol == WireProtocol.HTTP) {
			return ("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
					+ (mount.isEmpty() ? "" : "SCRIPT_NAME: " + mount + "\r\n")
					+ (https ? "X-Forwarded-Proto: https\r\n" : "")
					+ "User-Agent: pyapp-health\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1);
		}
		int query = path.indexOf('?');
		Map<String, String> vars = new LinkedHashMap<>();
		vars.put("REQUEST_METHOD", "GET");
		vars.put("REQUEST_URI", target);
		vars.put("SCRIPT_NAME", mount);
		vars.put("PATH_INFO", UwsgiPacket.percentDecode((query >= 0) ? path.substring(0, query) : path));
		vars.put("QUERY_STRING", (query >= 0) ? path.substring(query + 1) : "");
		vars.put("SERVER_PROTOCOL", "HTTP/1.1");
		vars.put("REQUEST_SCHEME", https ? "https" : "http");
		vars.put("SERVER_NAME", host);
		vars.put("SERVER_PORT", https ? "443" : "80");
		vars.put("REMOTE_ADDR", "127.0.0.1");
		vars.put("HTTP_HOST", host);
		vars.put("HTTP_USER_AGENT", "pyapp-health");
		if (https) {
			vars.put("HTTPS", "on");
			vars.put("HTTP_X_FORWARDED_PROTO", "https");
		}
		return UwsgiPacket.encode(vars);
	}

	public static int status(String response) {
		String line = firstLine(response);
		String[] parts = line.split(" ");
		try {
			return (parts.length >= 2 && parts[0].startsWith("HTTP/")) ? Integer.parseInt(parts[1]) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static String firstLine(String text) {
		int end = text.indexOf("\r\n");
		return (end >= 0) ? text.substring(0, end) : text;
	}

	private static String exchange(Daemon daemon, byte[] request) {
		SocketAddress address = (daemon.socket() != null) ? UnixDomainSocketAddress.of(daemon.socket())
				: new InetSocketAddress("127.0.0.1", daemon.port());
		try (SocketChannel channel = (daemon.socket() != null) ? SocketChannel.open(StandardProtocolFamily.UNIX)
				: SocketChannel.open()) {
			channel.connect(address);
			if (daemon.socket() != null) {
				requireDaemonsUser(channel, daemon);
			}
			ByteBuffer bytes = ByteBuffer.wrap(request);
			while (bytes.hasRemaining()) {
				channel.write(bytes);
			}
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			while (channel.read(buffer) > 0 && out.size() < 64 * 1024) {
				out.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			out.write(buffer.array(), 0, buffer.position());
			return out.toString(StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex.getMessage(), ex);
		}
	}

	/**
	 * The daemon's socket is in its app's {@code run/}, which the app may change at any
	 * moment: a link there to another socket of the host (another app's, or one only root
	 * may reach) would have the server, as root, send that socket the request and report
	 * its answer. So the process that accepted the connection must run as the daemon's
	 * master does ({@code SO_PEERCRED}) before a byte is sent.
	 */
	static void requireDaemonsUser(SocketChannel channel, Daemon daemon) throws IOException {
		UserPrincipal peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
		UserPrincipal owner;
		try {
			owner = Files.getOwner(Path.of("/proc", Long.toString(daemon.pid())));
		}
		catch (IOException ex) {
			throw new IOException("the daemon (pid " + daemon.pid() + ") is gone", ex);
		}
		if (!peer.getName().equals(owner.getName())) {
			throw new IOException("the socket " + daemon.socket() + " is answered by a process of " + peer.getName()
					+ ", not of the daemon's user " + owner.getName() + "; nothing was sent to it");
		}
	}

}
