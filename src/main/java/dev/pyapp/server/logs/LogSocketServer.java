package dev.pyapp.server.logs;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Receives the records that {@code pyapp_runtime.logship} sends from every app process
 * over the unix socket {@code PYAPP_HOME/run/logs.sock} (mode 0600, never TCP). The
 * framing is one JSON object per line, each a batch:
 *
 * <pre>
 * {"app": "guestbook", "release": "1.0-20240101T000000Z", "pid": 42, "dropped": 0,
 *  "records": [[time, levelno, logger, message, exception, thread, path], ...]}
 * </pre>
 *
 * {@code time} is seconds since the epoch (a float); {@code dropped} the records the
 * sender lost since its last batch because its queue was full.
 */
@Component
class LogSocketServer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LogSocketServer.class);

	static final int MAX_LINE = 16 * 1024 * 1024;

	static final int MAX_MESSAGE = 64 * 1024;

	static final int MAX_EXCEPTION = 256 * 1024;

	private final LogCollector collector;

	private final Path socket;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();

	private @Nullable ServerSocketChannel server;

	private volatile boolean running;

	@Autowired
	LogSocketServer(LogCollector collector, PyappHome home) {
		this(collector, home.run().resolve("logs.sock"));
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
			Files.setPosixFilePermissions(this.socket, AtomicFiles.OWNER_ONLY);
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
		try (connection; InputStream in = new BufferedInputStream(Channels.newInputStream(connection), 65536)) {
			ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
			int b;
			while ((b = in.read()) != -1) {
				if (b != '\n') {
					if (line.size() >= MAX_LINE) {
						logger.warn("Log sender sent a batch over {} bytes; closing its connection", MAX_LINE);
						return;
					}
					line.write(b);
					continue;
				}
				if (line.size() > 0) {
					batch(line.toByteArray());
				}
				line.reset();
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
		JsonNode root;
		try {
			root = this.mapper.readTree(line);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring a malformed log batch: {}", ex.getOriginalMessage());
			return;
		}
		String app = text(root.get("app"), 64);
		String release = text(root.get("release"), 128);
		Integer pid = root.has("pid") && root.get("pid").isNumber() ? root.get("pid").intValue() : null;
		long dropped = root.path("dropped").asLong(0);
		JsonNode items = root.path("records");
		List<LogRecord> records = new ArrayList<>(items.size() + 1);
		for (JsonNode item : items) {
			if (!item.isArray() || item.size() < 4) {
				continue;
			}
			double seconds = item.get(0).asDouble();
			Instant time = Instant.ofEpochSecond((long) seconds, (long) ((seconds % 1) * 1_000_000_000L));
			String loggerName = text(item.get(2), 512);
			records.add(new LogRecord(0, time, app, release, LogLevel.of(item.get(1).asInt(20)),
					(loggerName != null) ? loggerName : "root", textOrEmpty(item.get(3), MAX_MESSAGE),
					text(item.get(4), MAX_EXCEPTION), pid, text(item.get(5), 256), text(item.get(6), 4096)));
		}
		if (dropped > 0) {
			this.collector.droppedBySender(dropped);
			records.add(new LogRecord(0, Instant.now(), app, release, LogLevel.WARNING, "pyapp.logship",
					dropped + " log records dropped: the process's log queue was full", null, pid, null, null));
		}
		if (!records.isEmpty()) {
			this.collector.collect(records);
		}
	}

	private static String textOrEmpty(@Nullable JsonNode node, int max) {
		String text = text(node, max);
		return (text != null) ? text : "";
	}

	private static @Nullable String text(@Nullable JsonNode node, int max) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		String text = node.isString() ? node.stringValue() : node.toString();
		return (text.length() > max) ? text.substring(0, max) + " [truncated]" : text;
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
