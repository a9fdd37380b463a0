package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.PyappHome;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Where every captured record enters: it gets its id, is shown to the listeners
 * (notification rules) and waits for one writer thread that stores batches. Collecting
 * never blocks: when MongoDB is slow or unavailable records wait in a bounded memory
 * buffer, then in a spill file under {@code PYAPP_HOME/run/}, and are written in order
 * when it returns; only records beyond both bounds are dropped, and counted.
 */
@Component
public class LogCollector implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LogCollector.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	/** The most text one write to the store carries (besides {@code batchSize}). */
	static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;

	private final LogStore store;

	private final int batchSize;

	private final BlockingQueue<LogRecord> queue;

	private final SpillFile spill;

	private final RecentRecords recent;

	private final List<Consumer<LogRecord>> listeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<RequestMetrics>> metricsListeners = new CopyOnWriteArrayList<>();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong stored = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicLong droppedBySenders = new AtomicLong();

	/** The memory the records in {@link #queue} take, estimated. */
	private final AtomicLong queuedBytes = new AtomicLong();

	private final long maxQueuedBytes;

	private final Object writerMonitor = new Object();

	private volatile boolean storeAvailable = true;

	private volatile boolean running;

	private @Nullable Thread writer;

	private long lastId;

	@Autowired
	LogCollector(LogStore store, LogsProperties properties, PyappHome home) {
		this(store, properties, home.run().resolve("logs-spill.jsonl"));
	}

	LogCollector(LogStore store, LogsProperties properties, Path spillFile) {
		this.store = store;
		this.batchSize = properties.batchSize();
		this.queue = new ArrayBlockingQueue<>(properties.bufferRecords());
		this.maxQueuedBytes = properties.bufferSize().toBytes();
		this.spill = new SpillFile(spillFile, properties.spillSize().toBytes());
		this.recent = new RecentRecords(properties.recentRecords(), properties.recentSize().toBytes());
	}

	/**
	 * Adds a listener that sees every record as it is collected, on the collecting
	 * thread; it must be quick and must not throw.
	 * @param listener the listener
	 */
	public void addListener(Consumer<LogRecord> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Adds a listener that sees the request counts app processes report beside their
	 * records, on the receiving thread; it must be quick and must not throw.
	 * @param listener the listener
	 */
	public void addRequestMetricsListener(Consumer<RequestMetrics> listener) {
		this.metricsListeners.add(listener);
	}

	/**
	 * Hands request counts an app process reported to the listeners.
	 * @param metrics the counts
	 */
	void requestMetrics(RequestMetrics metrics) {
		for (Consumer<RequestMetrics> listener : this.metricsListeners) {
			listener.accept(metrics);
		}
	}

	/**
	 * Takes records in; returns at once.
	 * @param records records without ids
	 */
	public void collect(List<LogRecord> records) {
		List<LogRecord> numbered = new ArrayList<>(records.size());
		synchronized (this) {
			for (LogRecord record : records) {
				numbered.add(record.withId(nextId()));
			}
		}
		this.received.addAndGet(numbered.size());
		for (LogRecord record : numbered) {
			for (Consumer<LogRecord> listener : this.listeners) {
				listener.accept(record);
			}
		}
		boolean spilled = false;
		synchronized (this.spill) {
			for (LogRecord record : numbered) {
				if (this.spill.active() || !offer(record)) {
					spill(record);
					spilled = true;
				}
			}
			if (spilled) {
				flushSpill();
			}
		}
	}

	// the memory buffer is bounded in records and in bytes; beyond either, the spill file
	private boolean offer(LogRecord record) {
		long size = RecentRecords.size(record);
		if (this.queuedBytes.get() + size > this.maxQueuedBytes || !this.queue.offer(record)) {
			return false;
		}
		this.queuedBytes.addAndGet(size);
		return true;
	}

	private long taken(LogRecord record) {
		long size = RecentRecords.size(record);
		this.queuedBytes.addAndGet(-size);
		return size;
	}

	/**
	 * Takes one record in; returns at once.
	 * @param record a record without id
	 */
	public void collect(LogRecord record) {
		collect(List.of(record));
	}

	/**
	 * Counts records a sender reports it dropped.
	 * @param count how many
	 */
	void droppedBySender(long count) {
		this.droppedBySenders.addAndGet(count);
	}

	private long nextId() {
		// ids follow the clock (microsecond-like resolution) so that they keep increasing
		// across restarts, and the counter so that they stay unique within a millisecond
		this.lastId = Math.max(this.lastId + 1, System.currentTimeMillis() * 1000);
		return this.lastId;
	}

	private void spill(LogRecord record) {
		try {
			if (!this.spill.append(record)) {
				this.dropped.incrementAndGet();
			}
		}
		catch (IOException ex) {
			this.dropped.incrementAndGet();
			logger.warn("Cannot write the log spill file: {}", ex.getMessage());
		}
	}

	private void flushSpill() {
		try {
			this.spill.flush();
		}
		catch (IOException ex) {
			logger.warn("Cannot write the log spill file: {}", ex.getMessage());
		}
	}

	/**
	 * The counters since start.
	 * @return the counters
	 */
	public LogStats stats() {
		long spilled;
		synchronized (this.spill) {
			spilled = this.spill.pending();
		}
		return new LogStats(this.received.get(), this.stored.get(), this.queue.size(), spilled, this.dropped.get(),
				this.droppedBySenders.get(), this.storeAvailable);
	}

	RecentRecords recent() {
		return this.recent;
	}

	LogStore store() {
		return this.store;
	}

	@Override
	public void start() {
		long newest = 0;
		try {
			newest = this.store.newestId();
		}
		catch (RuntimeException ex) {
			// the clock-based ids stay above those of earlier runs anyway
			logger.warn("Cannot read the newest log record id: {}", ex.getMessage());
		}
		synchronized (this) {
			this.lastId = Math.max(this.lastId, newest);
		}
		this.running = true;
		Thread thread = new Thread(this::writeLoop, "pyapp-log-writer");
		thread.setDaemon(true);
		this.writer = thread;
		thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.writer;
		if (thread != null) {
			synchronized (this.writerMonitor) {
				this.writerMonitor.notifyAll();
			}
			try {
				thread.join(Duration.ofSeconds(10).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stops after the sources (socket, file tailer) that feed it
		return 0;
	}

	private void writeLoop() {
		List<LogRecord> batch = new ArrayList<>(this.batchSize);
		Duration backoff = Duration.ofMillis(100);
		while (true) {
			try {
				if (batch.isEmpty()) {
					next(batch);
				}
				if (batch.isEmpty()) {
					if (!this.running) {
						return;
					}
					continue;
				}
				write(batch);
				batch.clear();
				backoff = Duration.ofMillis(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				keep(batch);
				return;
			}
			catch (RuntimeException ex) {
				if (this.storeAvailable) {
					logger.warn("Cannot store log records, keeping them until MongoDB is back: {}", ex.toString());
				}
				this.storeAvailable = false;
				if (!this.running) {
					keep(batch);
					return;
				}
				pause(backoff);
				backoff = (backoff.compareTo(MAX_BACKOFF) < 0) ? backoff.multipliedBy(2) : MAX_BACKOFF;
			}
		}
	}

	private void next(List<LogRecord> batch) throws InterruptedException {
		LogRecord first = this.queue.poll(this.running ? 50 : 0, TimeUnit.MILLISECONDS);
		if (first != null) {
			batch.add(first);
			long bytes = taken(first);
			LogRecord next;
			while (batch.size() < this.batchSize && bytes < MAX_BATCH_BYTES && (next = this.queue.poll()) != null) {
				batch.add(next);
				bytes += taken(next);
			}
			return;
		}
		synchronized (this.spill) {
			if (this.spill.active()) {
				try {
					batch.addAll(this.spill.read(this.batchSize, MAX_BATCH_BYTES / 2));
				}
				catch (IOException | RuntimeException ex) {
					logger.warn("Cannot read the log spill file: {}", ex.toString());
				}
			}
		}
	}

	private void write(List<LogRecord> batch) {
		this.store.insert(batch);
		if (!this.storeAvailable) {
			logger.info("Storing log records again");
		}
		this.storeAvailable = true;
		this.stored.addAndGet(batch.size());
		this.recent.stored(batch);
	}

	/**
	 * On shutdown, what could not be stored goes to the spill file for the next start.
	 */
	private void keep(List<LogRecord> batch) {
		synchronized (this.spill) {
			batch.forEach(this::spill);
			LogRecord record;
			while ((record = this.queue.poll()) != null) {
				taken(record);
				spill(record);
			}
			flushSpill();
		}
	}

	private void pause(Duration backoff) {
		synchronized (this.writerMonitor) {
			try {
				this.writerMonitor.wait(backoff.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
