package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.LogWriter;
import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.RecentRecords;
import dev.pyapp.server.logs.internal.SpillFile;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Where every captured record enters: it gets its id, is shown to the listeners
 * (notification rules) and waits to be stored in batches by two threads: one takes a
 * batch from the buffer and encodes it ({@link LogStore#encode}) while the other inserts
 * the batch before it, so that encoding and the database's work overlap (double
 * buffering). Collecting never blocks: when MongoDB is slow or unavailable records wait
 * in a bounded memory buffer, then in a spill file under {@code PYAPP_HOME/run/}, and are
 * written when it returns; only records beyond both bounds are dropped, and counted.
 */
@Component
public class LogCollector implements SmartLifecycle, LogWriter.Source {

	private static final Logger logger = LoggerFactory.getLogger(LogCollector.class);

	/** The most text one write to the store carries (besides {@code batchSize}). */
	static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;

	private final LogStore store;

	private final int batchSize;

	private final BlockingQueue<LogRecord> queue;

	private final SpillFile spill;

	private final RecentRecords recent;

	private final LogWriter writer;

	private final List<Consumer<LogRecord>> listeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<List<LogRecord>>> storedListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<RequestMetrics>> metricsListeners = new CopyOnWriteArrayList<>();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicLong droppedBySenders = new AtomicLong();

	/** The memory the records in {@link #queue} take, estimated. */
	private final AtomicLong queuedBytes = new AtomicLong();

	private final long maxQueuedBytes;

	private volatile boolean running;

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
		this.writer = new LogWriter(store, this.batchSize, this.recent, this);
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
	 * Adds a listener that sees every batch of records once it is stored (a query made
	 * after that finds them), on the writer thread; it must be quick and must not throw.
	 * @param listener the listener
	 */
	public void addStoredListener(Consumer<List<LogRecord>> listener) {
		this.storedListeners.add(listener);
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
	 * Deletes the records of an app removed without {@code keep_data}, so that an app
	 * installed later under the same name starts with an empty log. Records of the app
	 * collected before this call and still on their way are not stored when they arrive.
	 * With {@code keep_data} the records stay, like the app's data: they belong to the
	 * app that a re-install over the kept data continues.
	 * @param removed the removal
	 */
	@EventListener
	void on(AppRemoved removed) {
		// a failed first install keeps what it printed: the install's answer and its
		// "All logs of this deploy" link read them (they were gone before the cause was
		// read)
		if (removed.keepData() || removed.failedInstall()) {
			return;
		}
		long upTo;
		synchronized (this) {
			upTo = this.lastId;
		}
		this.recent.forget(removed.app().value(), upTo);
		try {
			this.store.remove(removed.app().value(), upTo);
			logger.info("Deleted the log records of {}, removed", removed.app());
		}
		catch (RuntimeException ex) {
			// the app is removed already: failing its removal for its records would
			// report a removal that happened as failed; they stay, and the log says so
			logger.error("Cannot delete the log records of {}, removed: {}", removed.app(), ex.toString());
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
		return new LogStats(this.received.get(), this.writer.stored(), this.queue.size(), spilled, this.dropped.get(),
				this.droppedBySenders.get(), this.writer.storeAvailable());
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
		this.writer.start();
	}

	@Override
	public void stop() {
		this.running = false;
		this.writer.stop();
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

	/**
	 * Fills a batch for the writer: from the memory buffer, else from the spill file.
	 * Waits a little for the first record while running; returns it empty when there is
	 * nothing.
	 */
	@Override
	public void next(List<LogRecord> batch) throws InterruptedException {
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

	@Override
	public void stored(List<LogRecord> records) {
		for (Consumer<List<LogRecord>> listener : this.storedListeners) {
			listener.accept(records);
		}
	}

	/**
	 * On shutdown, what could not be stored goes to the spill file for the next start,
	 * with everything still in the memory buffer.
	 */
	@Override
	public void keep(List<LogRecord> batch) {
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

}
