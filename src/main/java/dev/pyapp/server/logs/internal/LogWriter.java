package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.logs.LogRecord;

/**
 * The collector's writing side, double-buffered: an encoder thread takes a batch from the
 * collector and encodes it ({@link LogStore#encode}) while the writer thread inserts the
 * batch before it ({@link LogStore#insert(EncodedBatch)}), so that the encoding and the
 * database's work overlap instead of taking turns. At most one encoded batch waits
 * between them. A batch the database refuses is retried with backoff until it is stored;
 * on shutdown what could not be stored goes back to the collector's spill file.
 */
public final class LogWriter {

	private static final Logger logger = LoggerFactory.getLogger(LogWriter.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	/** Where the batches come from, and go back to when they cannot be stored. */
	public interface Source {

		/**
		 * Fills a batch; waits a little while running, returns it empty when there is
		 * nothing (at once once stopped).
		 * @param batch the batch to fill
		 * @throws InterruptedException when interrupted while waiting
		 */
		void next(List<LogRecord> batch) throws InterruptedException;

		/**
		 * Keeps records that could not be stored (and whatever else waits) for the next
		 * start.
		 * @param records the records
		 */
		void keep(List<LogRecord> records);

		/**
		 * Sees a batch once it is stored, on the writer thread.
		 * @param records the records now in the store
		 */
		default void stored(List<LogRecord> records) {
		}

	}

	private final LogStore store;

	private final int batchSize;

	private final RecentRecords recent;

	private final Source source;

	private final BlockingQueue<EncodedBatch> encoded = new ArrayBlockingQueue<>(1);

	private final AtomicLong stored = new AtomicLong();

	private final Object monitor = new Object();

	private volatile boolean running;

	private volatile boolean storeAvailable = true;

	private volatile boolean encoderDone;

	private volatile boolean writerDone;

	private @Nullable Thread encoder;

	private @Nullable Thread writer;

	public LogWriter(LogStore store, int batchSize, RecentRecords recent, Source source) {
		this.store = store;
		this.batchSize = batchSize;
		this.recent = recent;
		this.source = source;
	}

	public void start() {
		this.running = true;
		this.encoderDone = false;
		this.writerDone = false;
		Thread encoding = new Thread(this::encodeLoop, "pyapp-log-encoder");
		encoding.setDaemon(true);
		this.encoder = encoding;
		Thread writing = new Thread(this::writeLoop, "pyapp-log-writer");
		writing.setDaemon(true);
		this.writer = writing;
		encoding.start();
		writing.start();
	}

	/**
	 * Stores what is buffered (the source returns nothing once stopped), then ends both
	 * threads; waits up to 10 seconds for each.
	 */
	public void stop() {
		this.running = false;
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
		// the encoder first: it hands its last batches to the writer, which stores them
		for (Thread thread : new Thread[] { this.encoder, this.writer }) {
			if (thread != null) {
				try {
					thread.join(Duration.ofSeconds(10).toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		// the encoder may hand over a batch after the writer, stopping while MongoDB is
		// unavailable, gave its own back: that one goes to the source too, not lost
		if (this.writer == null || !this.writer.isAlive()) {
			keepEncoded();
		}
	}

	public long stored() {
		return this.stored.get();
	}

	public boolean storeAvailable() {
		return this.storeAvailable;
	}

	private void encodeLoop() {
		List<LogRecord> batch = new ArrayList<>(this.batchSize);
		try {
			while (true) {
				this.source.next(batch);
				if (batch.isEmpty()) {
					if (!this.running) {
						return;
					}
					continue;
				}
				if (!handOver(encode(batch))) {
					// the writer stopped while MongoDB was unavailable: the rest waits in
					// the spill file for the next start
					this.source.keep(List.of());
					return;
				}
				batch = new ArrayList<>(this.batchSize);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.source.keep(batch);
		}
		finally {
			this.encoderDone = true;
		}
	}

	private EncodedBatch encode(List<LogRecord> batch) {
		try {
			return this.store.encode(batch);
		}
		catch (RuntimeException ex) {
			// the store encodes it again as it inserts, and says what is wrong then
			return new EncodedBatch(batch, null);
		}
	}

	/**
	 * Waits until the writer takes the batch.
	 * @return whether it did (false: the writer ended; the batch went back to the source)
	 */
	private boolean handOver(EncodedBatch batch) throws InterruptedException {
		while (!this.encoded.offer(batch, 50, TimeUnit.MILLISECONDS)) {
			if (this.writerDone) {
				this.source.keep(batch.records());
				return false;
			}
		}
		return true;
	}

	private void writeLoop() {
		try {
			while (true) {
				EncodedBatch batch;
				try {
					batch = this.encoded.poll(50, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					keepEncoded();
					return;
				}
				if (batch == null) {
					if (this.encoderDone && this.encoded.isEmpty()) {
						return;
					}
					continue;
				}
				if (!writeUntilStored(batch)) {
					return;
				}
			}
		}
		finally {
			this.writerDone = true;
		}
	}

	/**
	 * @return whether to go on (false: stopped while MongoDB is unavailable; the batch
	 * went back to the source)
	 */
	private boolean writeUntilStored(EncodedBatch batch) {
		Duration backoff = Duration.ofMillis(100);
		while (true) {
			try {
				write(batch);
				return true;
			}
			catch (RuntimeException ex) {
				if (this.storeAvailable) {
					logger.warn("Cannot store log records, keeping them until MongoDB is back: {}", ex.toString());
				}
				this.storeAvailable = false;
				if (!this.running) {
					this.source.keep(batch.records());
					keepEncoded();
					return false;
				}
				pause(backoff);
				backoff = (backoff.compareTo(MAX_BACKOFF) < 0) ? backoff.multipliedBy(2) : MAX_BACKOFF;
			}
		}
	}

	private void write(EncodedBatch batch) {
		this.store.insert(batch);
		if (!this.storeAvailable) {
			logger.info("Storing log records again");
		}
		this.storeAvailable = true;
		this.stored.addAndGet(batch.records().size());
		this.recent.stored(batch.records());
		this.source.stored(batch.records());
	}

	private void keepEncoded() {
		EncodedBatch left;
		while ((left = this.encoded.poll()) != null) {
			this.source.keep(left.records());
		}
	}

	private void pause(Duration backoff) {
		synchronized (this.monitor) {
			try {
				this.monitor.wait(backoff.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
