package dev.pyapp.server.logs.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogRecord;

/**
 * The newest stored records, in id order, so that a tail is answered without a query (the
 * embedded database scans a whole collection for every query). It also wakes the tails
 * waiting for new records. Bounded twice: by a count of records and by the memory their
 * text takes (estimated), whichever is reached first; older records are read from the
 * store.
 */
public final class RecentRecords {

	/** What a record costs beyond its text: the record, its strings and boxes. */
	static final int RECORD_OVERHEAD = 256;

	private final int capacity;

	private final long maxBytes;

	private final ArrayDeque<LogRecord> records;

	private long bytes;

	/** Every stored record with a larger id than this went through here. */
	private long floor = Long.MAX_VALUE;

	private long newest;

	// by app: the highest id of a removed app's records, which are not held again
	private final Map<String, Long> removed = new HashMap<>();

	public RecentRecords(int capacity, long maxBytes) {
		this.capacity = Math.max(1, capacity);
		this.maxBytes = Math.max(1, maxBytes);
		this.records = new ArrayDeque<>(Math.min(this.capacity, 1024));
	}

	public synchronized void stored(List<LogRecord> batch) {
		for (LogRecord record : batch) {
			if (record.app() != null && record.id() <= this.removed.getOrDefault(record.app(), Long.MIN_VALUE)) {
				// a batch written as the app was removed: the store left it out too
				continue;
			}
			if (this.floor == Long.MAX_VALUE) {
				this.floor = record.id() - 1;
			}
			long size = size(record);
			while (!this.records.isEmpty()
					&& (this.records.size() >= this.capacity || this.bytes + size > this.maxBytes)) {
				LogRecord oldest = this.records.removeFirst();
				this.bytes -= size(oldest);
				this.floor = oldest.id();
			}
			this.records.addLast(record);
			this.bytes += size;
			this.newest = Math.max(this.newest, record.id());
		}
		notifyAll();
	}

	/**
	 * Forgets a removed app's records, and those of its records with an id up to
	 * {@code upTo} that are stored later.
	 * @param app the app
	 * @param upTo the highest id given to a record before the removal
	 */
	public synchronized void forget(String app, long upTo) {
		this.removed.merge(app, upTo, Math::max);
		Iterator<LogRecord> iterator = this.records.iterator();
		while (iterator.hasNext()) {
			LogRecord record = iterator.next();
			if (app.equals(record.app()) && record.id() <= upTo) {
				iterator.remove();
				this.bytes -= size(record);
			}
		}
	}

	/**
	 * The memory a record takes, estimated: two bytes per character (the worst case of a
	 * Java string) plus a fixed overhead.
	 * @param record the record
	 * @return the estimate in bytes
	 */
	public static long size(LogRecord record) {
		long chars = length(record.app()) + length(record.release()) + length(record.logger())
				+ length(record.message()) + length(record.exception()) + length(record.thread())
				+ length(record.path()) + length(record.node());
		return 2 * chars + RECORD_OVERHEAD;
	}

	private static int length(@Nullable String text) {
		return (text != null) ? text.length() : 0;
	}

	/** The estimated memory the records held take now. */
	public synchronized long bytes() {
		return this.bytes;
	}

	public synchronized int size() {
		return this.records.size();
	}

	/**
	 * The records after an id, if they are all held here.
	 * @param app only this app's, or {@code null} for all
	 * @param after the id
	 * @param limit the most records to return
	 * @return the records oldest first, or {@code null} when older records than those
	 * held here are asked for
	 */
	public synchronized @Nullable List<LogRecord> after(@Nullable String app, long after, int limit) {
		if (after < this.floor) {
			return null;
		}
		List<LogRecord> newestFirst = new ArrayList<>();
		Iterator<LogRecord> iterator = this.records.descendingIterator();
		while (iterator.hasNext()) {
			LogRecord record = iterator.next();
			if (record.id() <= after) {
				break;
			}
			if (app == null || app.equals(record.app())) {
				newestFirst.add(record);
			}
		}
		Collections.reverse(newestFirst);
		return (newestFirst.size() > limit) ? List.copyOf(newestFirst.subList(0, limit)) : newestFirst;
	}

	/**
	 * Waits until a record newer than {@code after} is stored (of any app).
	 * @param after the id
	 * @param deadline {@link System#nanoTime()} to give up at
	 * @return whether one was stored
	 */
	public synchronized boolean await(long after, long deadline) throws InterruptedException {
		while (this.newest <= after) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			wait(Math.max(1, left / 1_000_000));
		}
		return true;
	}

	public synchronized long newest() {
		return this.newest;
	}

}
