package dev.pyapp.server.logs;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.PyappHome;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Receives the records that {@code pyapp_runtime.logship} sends from every app process
 * over the unix socket {@code PYAPP_HOME/run/logship/logs.sock} (never TCP). The framing
 * is one JSON object per line, each a batch:
 *
 * <pre>
 * {"app": "guestbook", "release": "1.0-20240101T000000Z", "pid": 42, "dropped": 0,
 *  "records": [[time, levelno, logger, message, exception, thread, path], ...]}
 * </pre>
 *
 * {@code time} is seconds since the epoch (a float); {@code dropped} the records the
 * sender lost since its last batch because its queue was full. A batch may also carry
 * {@code metrics}, the request counts of the process since its previous report (see
 * {@link RequestMetrics}), handed to {@link LogCollector#requestMetrics}.
 */
@Component
class LogSocketServer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LogSocketServer.class);

	static final int MAX_LINE = 16 * 1024 * 1024;

	static final int MAX_MESSAGE = 64 * 1024;

	static final int MAX_EXCEPTION = 256 * 1024;

	private final LogCollector collector;

	private final Path socket;

	private final BatchParser parser = new BatchParser(JsonMapper.builder().build());

	private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();

	private @Nullable ServerSocketChannel server;

	private volatile boolean running;

	@Autowired
	LogSocketServer(LogCollector collector, PyappHome home) {
		this(collector, home.logSocket());
	}

	LogSocketServer(LogCollector collector, Path socket) {
		this.collector = collector;
		this.socket = socket;
	}

	/** The socket apps send to, given to them as {@code PYAPP_LOG_SOCKET}. */
	Path socket() {
		return this.socket;
	}

	@Override
	public void start() {
		try {
			Files.deleteIfExists(this.socket);
			ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			channel.bind(UnixDomainSocketAddress.of(this.socket));
			// app processes run as users of their own: they must be able to connect
			// (until each app gets a socket of its own, any local user can send records)
			Files.setPosixFilePermissions(this.socket, PosixFilePermissions.fromString("rw-rw-rw-"));
			this.server = channel;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot listen on the log socket " + this.socket, ex);
		}
		this.running = true;
		Thread acceptor = new Thread(this::accept, "pyapp-log-socket");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void accept() {
		ServerSocketChannel channel = this.server;
		while (this.running && channel != null) {
			try {
				SocketChannel connection = channel.accept();
				this.connections.add(connection);
				Thread reader = new Thread(() -> read(connection), "pyapp-log-conn");
				reader.setDaemon(true);
				reader.start();
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				logger.warn("Log socket accept failed: {}", ex.getMessage());
			}
		}
	}

	private void read(SocketChannel connection) {
		// lines are cut out of a large buffer in place: one read call per chunk, not one
		// per byte, and a batch is copied only when it spans two reads
		byte[] buffer = new byte[256 * 1024];
		int lineStart = 0;
		int filled = 0;
		try (connection) {
			while (true) {
				if (filled == buffer.length) {
					if (lineStart > 0) {
						System.arraycopy(buffer, lineStart, buffer, 0, filled - lineStart);
						filled -= lineStart;
						lineStart = 0;
					}
					else {
						buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_LINE + 1));
					}
				}
				int read = connection.read(ByteBuffer.wrap(buffer, filled, buffer.length - filled));
				if (read == -1) {
					return;
				}
				int scanFrom = filled;
				filled += read;
				for (int i = scanFrom; i < filled; i++) {
					if (buffer[i] == '\n') {
						if (i > lineStart) {
							batch(buffer, lineStart, i - lineStart);
						}
						lineStart = i + 1;
					}
				}
				if (filled - lineStart > MAX_LINE) {
					logger.warn("Log sender sent a batch over {} bytes; closing its connection", MAX_LINE);
					return;
				}
				if (lineStart == filled) {
					lineStart = 0;
					filled = 0;
				}
			}
		}
		catch (ClosedChannelException ex) {
			// the server is stopping
		}
		catch (IOException ex) {
			logger.debug("Log sender connection ended: {}", ex.getMessage());
		}
		finally {
			this.connections.remove(connection);
		}
	}

	void batch(byte[] line) {
		batch(line, 0, line.length);
	}

	private void batch(byte[] bytes, int offset, int length) {
		BatchParser.Batch batch;
		try {
			batch = this.parser.parse(bytes, offset, length);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring a malformed log batch: {}", ex.getOriginalMessage());
			return;
		}
		if (batch == null) {
			logger.warn("Ignoring a malformed log batch: more than one JSON value on a line");
			return;
		}
		RequestMetrics metrics = batch.requestMetrics(batch.app);
		if (metrics != null) {
			this.collector.requestMetrics(metrics);
		}
		List<LogRecord> records = batch.records();
		if (batch.dropped > 0) {
			this.collector.droppedBySender(batch.dropped);
			records.add(new LogRecord(0, Instant.now(), batch.app, batch.release, LogLevel.WARNING, "pyapp.logship",
					batch.dropped + " log records dropped: the process's log queue was full", null, batch.pid, null,
					null));
		}
		if (!records.isEmpty()) {
			this.collector.collect(records);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		try {
			if (this.server != null) {
				this.server.close();
			}
			for (SocketChannel connection : this.connections) {
				connection.close();
			}
			Files.deleteIfExists(this.socket);
		}
		catch (IOException ex) {
			logger.debug("Closing the log socket: {}", ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return 10;
	}

}
