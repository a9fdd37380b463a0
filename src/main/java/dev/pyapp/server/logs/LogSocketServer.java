package dev.pyapp.server.logs;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppLogSockets;
import dev.pyapp.server.core.AppSocketOwnership;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.logs.internal.LogsProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Receives the records that {@code pyapp_runtime.logship} sends from the app processes,
 * over one unix socket per app ({@code apps/<name>/run/logs.sock}, mode 0660, never TCP).
 * The framing is one JSON object per line, each a batch:
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
 * <p>
 * The server, not the sender, decides who sent a record: its {@code app} is the app whose
 * socket the connection came in on (the batch's own {@code app} is ignored), and its
 * {@code release} is the one the connection's first batch names if that is a release of
 * the app on disk ({@code null} otherwise), for every later batch of the connection too.
 * <p>
 * Memory is bounded whatever a sender does: a few reader threads serve every connection
 * with non-blocking I/O ({@link LogSocketLoop}), each app has at most
 * {@code max-connections-per-app} connections, a batch line over {@code max-line} bytes
 * is dropped whole (and a WARNING record says so), the incomplete lines of all
 * connections together hold at most {@code max-buffered} bytes, and a line left
 * incomplete for {@code line-timeout} is dropped. Everything refused or dropped is
 * counted ({@link LogSocketStats}).
 */
@Component
class LogSocketServer implements SmartLifecycle, AppLogSockets {

	private static final Logger logger = LoggerFactory.getLogger(LogSocketServer.class);

	static final int MAX_MESSAGE = 64 * 1024;

	static final int MAX_EXCEPTION = 256 * 1024;

	/** The most pid lookups ({@link SenderPids}) an app's connections cost per second. */
	static final int PID_LOOKUPS_PER_SECOND = 20;

	private final LogCollector collector;

	private final LogsProperties.Socket limits;

	private final Function<AppId, Path> sockets;

	private final Path staging;

	private final BiPredicate<AppId, String> knownRelease;

	private final Supplier<List<AppId>> installed;

	private final @Nullable AppSocketOwnership ownership;

	private final BatchParser parser = new BatchParser(JsonMapper.builder().build());

	private final Map<AppId, Listener> listeners = new ConcurrentHashMap<>();

	private final Counters counters = new Counters();

	private SenderPids senderPids = SenderPids.host();

	private LogSocketLoop @Nullable [] loops;

	private volatile boolean running;

	@Autowired
	LogSocketServer(LogCollector collector, LogsProperties properties, PyappHome home, AppRegistry registry,
			ObjectProvider<AppSocketOwnership> ownership) {
		this(collector, properties.socket(), (app) -> home.app(app).logSocket(), home.logSocketStaging(),
				(app, release) -> isRelease(home, app, release),
				() -> registry.list().stream().map(InstalledApp::name).map(AppId::of).toList(),
				ownership.getIfAvailable());
	}

	/**
	 * A server for the apps of a {@code PYAPP_HOME}, with the default limits; it listens
	 * only where {@link #listen} is called.
	 */
	LogSocketServer(LogCollector collector, Path home) {
		this(collector, LogsProperties.Socket.defaults(), (app) -> new PyappHome(home).app(app).logSocket(),
				new PyappHome(home).logSocketStaging(), (app, release) -> isRelease(new PyappHome(home), app, release),
				List::of, null);
	}

	LogSocketServer(LogCollector collector, LogsProperties.Socket limits, Function<AppId, Path> sockets, Path staging,
			BiPredicate<AppId, String> knownRelease, Supplier<List<AppId>> installed,
			@Nullable AppSocketOwnership ownership) {
		this.collector = collector;
		this.limits = limits;
		this.sockets = sockets;
		this.staging = staging;
		this.knownRelease = knownRelease;
		this.installed = installed;
		this.ownership = ownership;
	}

	private static boolean isRelease(PyappHome home, AppId app, String release) {
		try {
			return Files.isDirectory(home.app(app).release(release));
		}
		catch (PyappException | InvalidPathException ex) {
			return false;
		}
	}

	/**
	 * Listens on an app's log socket unless it does already.
	 * @param app the app
	 * @return the socket, for {@code PYAPP_LOG_SOCKET}
	 */
	@Override
	public Path listen(AppId app) {
		Listener listener = this.listeners.computeIfAbsent(app, this::open);
		return listener.path();
	}

	/**
	 * Binds a new socket in the server's own directory, gives it its mode (and owner),
	 * then renames it into the app's {@code run/}: nothing is ever created or changed
	 * through a path the app could have replaced with a symbolic link.
	 */
	private Listener open(AppId app) {
		LogSocketLoop[] loops = this.loops;
		if (!this.running || loops == null) {
			throw new IllegalStateException("The log socket server is not running; cannot listen for " + app);
		}
		Path target = this.sockets.apply(app);
		Path staged = this.staging.resolve(app.value() + ".sock");
		ServerSocketChannel channel = null;
		try {
			Files.createDirectories(this.staging);
			Files.createDirectories(target.getParent());
			Files.deleteIfExists(staged);
			channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			channel.bind(UnixDomainSocketAddress.of(staged));
			Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-rw----"));
			if (this.ownership != null) {
				this.ownership.apply(app, staged);
			}
			Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			channel.configureBlocking(false);
			Listener listener = new Listener(app, target, channel, new AtomicInteger(), new PidLookups());
			loops[0].register(listener);
			logger.debug("Listening for the log records of {} on {}", app, target);
			return listener;
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new IllegalStateException("Cannot listen on the log socket " + target + " of " + app, ex);
		}
	}

	/**
	 * Stops listening for an app and deletes its socket.
	 * @param app the app
	 */
	void close(AppId app) {
		Listener listener = this.listeners.remove(app);
		if (listener != null) {
			closeQuietly(listener.channel());
			try {
				Files.deleteIfExists(listener.path());
			}
			catch (IOException ex) {
				logger.debug("Cannot delete {}: {}", listener.path(), ex.getMessage());
			}
		}
	}

	@EventListener
	void on(AppRemoved removed) {
		close(removed.app());
	}

	/** The counters of the socket intake since start. */
	LogSocketStats stats() {
		int connections = this.listeners.values().stream().mapToInt((listener) -> listener.connections().get()).sum();
		return new LogSocketStats(this.listeners.size(), connections, this.counters.refused.get(),
				this.counters.cutBatches.get(), this.counters.cutBytes.get(), this.counters.malformed.get(),
				this.counters.buffered.get());
	}

	@Override
	public void start() {
		int count = Math.max(1, this.limits.readers());
		LogSocketLoop[] loops = new LogSocketLoop[count];
		for (int i = 0; i < count; i++) {
			loops[i] = new LogSocketLoop("pyapp-log-socket-" + i, this, loops);
		}
		this.loops = loops;
		this.running = true;
		for (LogSocketLoop loop : loops) {
			loop.start();
		}
		for (AppId app : installedApps()) {
			if (Files.isDirectory(this.sockets.apply(app).getParent().getParent())) {
				try {
					listen(app);
				}
				catch (RuntimeException ex) {
					logger.warn("Cannot listen for the log records of {}: {}", app, ex.getMessage());
				}
			}
		}
	}

	private List<AppId> installedApps() {
		try {
			return this.installed.get();
		}
		catch (RuntimeException ex) {
			// the sockets are opened again when a process of the app is started
			logger.warn("Cannot list the installed apps to listen for their log records: {}", ex.toString());
			return List.of();
		}
	}

	@Override
	public void stop() {
		this.running = false;
		LogSocketLoop[] loops = this.loops;
		if (loops != null) {
			for (LogSocketLoop loop : loops) {
				loop.shutdown();
			}
		}
		for (AppId app : List.copyOf(this.listeners.keySet())) {
			close(app);
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

	// what the loops call back

	LogsProperties.Socket limits() {
		return this.limits;
	}

	Counters counters() {
		return this.counters;
	}

	/**
	 * Whether a new connection to an app's socket may stay open; counts it if so.
	 */
	boolean admit(Listener listener) {
		if (listener.connections().incrementAndGet() > this.limits.maxConnectionsPerApp()) {
			listener.connections().decrementAndGet();
			this.counters.refused.incrementAndGet();
			return false;
		}
		return true;
	}

	void closed(Listener listener) {
		listener.connections().decrementAndGet();
	}

	/**
	 * One complete batch line of a connection.
	 */
	void batch(LogConnection connection, byte[] bytes, int offset, int length) {
		BatchParser.Batch batch;
		try {
			batch = this.parser.parse(bytes, offset, length);
		}
		catch (JacksonException ex) {
			this.counters.malformed.incrementAndGet();
			logger.debug("Ignoring a malformed log batch of {}: {}", connection.app(), ex.getOriginalMessage());
			return;
		}
		if (batch == null) {
			this.counters.malformed.incrementAndGet();
			return;
		}
		if (!connection.releaseDecided()) {
			String release = batch.release;
			connection.decideRelease((release != null && isKnown(connection.app(), release)) ? release : null);
		}
		// the connection, never the sender, says whose records these are
		batch.app = connection.app().value();
		batch.release = connection.release();
		batch.pid = senderPid(connection, batch.pid);
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

	/**
	 * The pid a connection's sender reported, as the server sees it ({@link SenderPids}):
	 * looked up once per connection and pid, at most {@link #PID_LOOKUPS_PER_SECOND}
	 * times a second per app (an app that opens connection after connection costs the
	 * server no more); otherwise, or when no single process matches, the reported one.
	 */
	private @Nullable Integer senderPid(LogConnection connection, @Nullable Integer reported) {
		if (reported == null) {
			return null;
		}
		Integer known = connection.knownPid(reported);
		if (known != null) {
			return known;
		}
		Integer resolved = null;
		UserPrincipal peer = connection.peer();
		if (peer != null && connection.listener().pidLookups().allow(System.nanoTime())) {
			resolved = this.senderPids.resolve(peer, reported);
		}
		Integer pid = (resolved != null) ? resolved : reported;
		connection.rememberPid(reported, pid);
		return pid;
	}

	void senderPids(SenderPids senderPids) {
		this.senderPids = senderPids;
	}

	private boolean isKnown(AppId app, String release) {
		try {
			return this.knownRelease.test(app, release);
		}
		catch (RuntimeException ex) {
			// a name that is no release name, such as one with a '/'
			return false;
		}
	}

	/**
	 * A batch line was dropped: over {@code max-line}, over the shared buffer budget, or
	 * left incomplete too long.
	 */
	void cut(LogConnection connection, long bytes, String why) {
		this.counters.cutBatches.incrementAndGet();
		this.counters.cutBytes.addAndGet(bytes);
		if (connection.mayReportCut(System.nanoTime())) {
			this.collector.collect(new LogRecord(0, Instant.now(), connection.app().value(), connection.release(),
					LogLevel.WARNING, "pyapp.logs", "a log batch of " + bytes + (why.startsWith("over") ? "+" : "")
							+ " bytes from this app was dropped: " + why,
					null, null, null, null));
		}
	}

	private static void closeQuietly(@Nullable Channel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// closing after a failure or at shutdown: nothing left to do with it
			}
		}
	}

	/**
	 * One app's socket.
	 */
	record Listener(AppId app, Path path, ServerSocketChannel channel, AtomicInteger connections,
			PidLookups pidLookups) {

		SocketChannel accept() throws IOException {
			return this.channel.accept();
		}

	}

	/**
	 * How many pid lookups an app's connections made in the current second.
	 */
	static final class PidLookups {

		private long second = Long.MIN_VALUE;

		private int count;

		synchronized boolean allow(long nanos) {
			long now = nanos / 1_000_000_000L;
			if (now != this.second) {
				this.second = now;
				this.count = 0;
			}
			return ++this.count <= PID_LOOKUPS_PER_SECOND;
		}

	}

	static final class Counters {

		final AtomicLong refused = new AtomicLong();

		final AtomicLong cutBatches = new AtomicLong();

		final AtomicLong cutBytes = new AtomicLong();

		final AtomicLong malformed = new AtomicLong();

		/** Bytes held in the incomplete lines of every connection. */
		final AtomicLong buffered = new AtomicLong();

	}

}
