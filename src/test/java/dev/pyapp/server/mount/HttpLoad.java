package dev.pyapp.server.mount;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small closed-loop HTTP/1.1 load client: each of {@code connections} threads keeps one
 * keep-alive connection (TCP or a unix socket) and sends GET requests one after another.
 * Like a browser, a request that finds its idle keep-alive connection closed before any
 * byte of a response is retried once on a new connection (counted as a reset); every
 * other error, and every status other than 2xx/3xx, is a failure.
 */
public final class HttpLoad {

	private final SocketAddress address;

	private final String request;

	private final int connections;

	private final AtomicBoolean running = new AtomicBoolean();

	public final AtomicLong ok = new AtomicLong();

	public final AtomicLong failed = new AtomicLong();

	final AtomicLong resets = new AtomicLong();

	public final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

	/** The last response body of each connection, for watching a backend switch. */
	final ConcurrentHashMap<Integer, String> lastBodies = new ConcurrentHashMap<>();

	private final List<long[]> latencies = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final int[] counts;

	public HttpLoad(SocketAddress address, String host, String path, int connections) {
		this.address = address;
		this.request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: pyapp-load\r\n\r\n";
		this.connections = connections;
		this.counts = new int[connections];
	}

	static SocketAddress tcp(int port) {
		return new InetSocketAddress("127.0.0.1", port);
	}

	public static SocketAddress unix(Path socket) {
		return UnixDomainSocketAddress.of(socket);
	}

	void start() {
		this.running.set(true);
		for (int i = 0; i < this.connections; i++) {
			long[] samples = new long[1 << 18];
			this.latencies.add(samples);
			int index = i;
			Thread thread = new Thread(() -> run(index, samples), "load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	void stop() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join(10_000);
		}
	}

	/**
	 * Runs the load for a while.
	 * @param duration how long
	 * @return this
	 */
	public HttpLoad runFor(Duration duration) throws InterruptedException {
		start();
		Thread.sleep(duration.toMillis());
		stop();
		return this;
	}

	/** The given percentile of the latencies, in microseconds. */
	public long percentile(double percentile) {
		int total = 0;
		for (int i = 0; i < this.connections; i++) {
			total += Math.min(this.counts[i], this.latencies.get(i).length);
		}
		long[] all = new long[total];
		int at = 0;
		for (int i = 0; i < this.connections; i++) {
			int n = Math.min(this.counts[i], this.latencies.get(i).length);
			System.arraycopy(this.latencies.get(i), 0, all, at, n);
			at += n;
		}
		if (all.length == 0) {
			return 0;
		}
		Arrays.sort(all);
		return all[Math.min(all.length - 1, (int) Math.ceil(percentile / 100 * all.length) - 1)] / 1000;
	}

	private void run(int index, long[] samples) {
		Connection connection = null;
		while (this.running.get()) {
			long started = System.nanoTime();
			boolean fresh = connection == null;
			try {
				if (connection == null) {
					connection = new Connection(this.address);
				}
				Response response = connection.send(this.request);
				record(index, samples, started, response);
				if (response.close()) {
					connection.close();
					connection = null;
				}
			}
			catch (IOException ex) {
				close(connection);
				connection = null;
				if (!fresh && ex instanceof ClosedBeforeResponse) {
					// an idle keep-alive connection closed under us: retry once
					this.resets.incrementAndGet();
					try {
						connection = new Connection(this.address);
						Response response = connection.send(this.request);
						record(index, samples, started, response);
						continue;
					}
					catch (IOException retry) {
						close(connection);
						connection = null;
						ex = retry;
					}
				}
				this.failed.incrementAndGet();
				this.errors.add(ex.toString());
			}
		}
		close(connection);
	}

	private void record(int index, long[] samples, long started, Response response) {
		int n = this.counts[index]++;
		if (n < samples.length) {
			samples[n] = System.nanoTime() - started;
		}
		if (response.status() >= 200 && response.status() < 400) {
			this.ok.incrementAndGet();
			this.lastBodies.put(index, response.body());
		}
		else {
			this.failed.incrementAndGet();
			this.errors.add("HTTP " + response.status() + ": " + response.body());
		}
	}

	private static void close(Connection connection) {
		if (connection != null) {
			connection.close();
		}
	}

	/** The connection was closed before a byte of the response came. */
	static final class ClosedBeforeResponse extends IOException {

		ClosedBeforeResponse(String message) {
			super(message);
		}

	}

	/**
	 * @param status the status code
	 * @param headers the headers, names in lower case (repeated ones joined by ", ")
	 * @param body the body
	 * @param close whether the server closes the connection after it
	 * @param lines how many header lines each name had
	 */
	record Response(int status, Map<String, String> headers, String body, boolean close, Map<String, Integer> lines) {
	}

	/** One keep-alive connection. */
	static final class Connection implements AutoCloseable {

		private final SocketChannel channel;

		private final InputStream in;

		private final OutputStream out;

		Connection(SocketAddress address) throws IOException {
			this.channel = (address instanceof UnixDomainSocketAddress)
					? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
			this.channel.connect(address);
			if (!(address instanceof UnixDomainSocketAddress)) {
				this.channel.socket().setTcpNoDelay(true);
				this.channel.socket().setSoTimeout(10_000);
			}
			this.in = new BufferedInputStream(Channels.newInputStream(this.channel), 16384);
			this.out = Channels.newOutputStream(this.channel);
		}

		Response send(String request) throws IOException {
			try {
				this.out.write(request.getBytes(StandardCharsets.ISO_8859_1));
				this.out.flush();
			}
			catch (IOException ex) {
				throw new ClosedBeforeResponse("write failed: " + ex.getMessage());
			}
			String status;
			try {
				status = line();
			}
			catch (IOException ex) {
				throw new ClosedBeforeResponse("closed before the status line: " + ex.getMessage());
			}
			if (status == null) {
				throw new ClosedBeforeResponse("closed before the status line");
			}
			int code = Integer.parseInt(status.split(" ")[1]);
			long length = -1;
			boolean chunked = false;
			boolean close = status.startsWith("HTTP/1.0");
			Map<String, String> headers = new LinkedHashMap<>();
			Map<String, Integer> lines = new LinkedHashMap<>();
			String line;
			while ((line = line()) != null && !line.isEmpty()) {
				String lower = line.toLowerCase(Locale.ROOT);
				int colon = line.indexOf(':');
				if (colon > 0) {
					headers.merge(lower.substring(0, colon), line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
					lines.merge(lower.substring(0, colon), 1, Integer::sum);
				}
				if (lower.startsWith("content-length:")) {
					length = Long.parseLong(lower.substring(15).trim());
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
				else if (lower.startsWith("connection:")) {
					close = lower.contains("close") || (close && !lower.contains("keep-alive"));
				}
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			if (chunked) {
				while (true) {
					int size = Integer.parseInt(line().split(";")[0].trim(), 16);
					if (size == 0) {
						while ((line = line()) != null && !line.isEmpty()) {
							// trailers are not used
						}
						break;
					}
					body.write(this.in.readNBytes(size));
					line();
				}
			}
			else if (length >= 0) {
				byte[] bytes = this.in.readNBytes((int) length);
				if (bytes.length < length) {
					throw new EOFException("body ended early");
				}
				body.write(bytes);
			}
			else {
				body.write(this.in.readAllBytes());
				close = true;
			}
			return new Response(code, headers, body.toString(StandardCharsets.UTF_8), close, lines);
		}

		private String line() throws IOException {
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = this.in.read()) != -1) {
				if (c == '\n') {
					int end = line.length();
					return (end > 0 && line.charAt(end - 1) == '\r') ? line.substring(0, end - 1) : line.toString();
				}
				line.append((char) c);
			}
			return (line.length() == 0) ? null : line.toString();
		}

		@Override
		public void close() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// closing a broken connection: nothing left to do
			}
		}

	}

}
