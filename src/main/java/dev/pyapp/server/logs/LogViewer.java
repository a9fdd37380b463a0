package dev.pyapp.server.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.RecentRecords;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads captured records: searches ({@code logs.query}) and live tails
 * ({@code logs.tail}).
 */
@Component
public class LogViewer {

	/** How many records a tail without a cursor returns. */
	public static final int TAIL_START = 100;

	/** The most records one tail call returns. */
	public static final int TAIL_LIMIT = 1000;

	private final LogCollector collector;

	private final Duration tailTimeout;

	@Autowired
	LogViewer(LogCollector collector, LogsProperties properties) {
		this(collector, properties.tailTimeout());
	}

	LogViewer(LogCollector collector, Duration tailTimeout) {
		this.collector = collector;
		this.tailTimeout = tailTimeout;
	}

	/**
	 * Searches stored records, newest first. Synchronous.
	 * @param query the criteria
	 * @return one page and the cursor of the next
	 */
	public LogPage query(LogQuery query) {
		return this.collector.store().find(query);
	}

	/**
	 * Records newer than a cursor, oldest first. Without a cursor, the newest
	 * {@value #TAIL_START} at once. With one, blocks until at least one newer record is
	 * stored (returning within moments of its arrival) or the tail timeout passes.
	 * @param app only this app's records, or {@code null} for all
	 * @param after the id of the newest record the caller has, or {@code null}
	 * @return the records and the cursor for the next call
	 */
	public LogTail tail(@Nullable String app, @Nullable Long after) {
		return tail(app, after, this.tailTimeout);
	}

	/**
	 * As {@link #tail(String, Long)}, with a given wait.
	 * @param app only this app's records, or {@code null} for all
	 * @param after the id of the newest record the caller has, or {@code null}
	 * @param timeout how long to wait for a new record
	 * @return the records and the cursor for the next call
	 */
	public LogTail tail(@Nullable String app, @Nullable Long after, Duration timeout) {
		RecentRecords recent = this.collector.recent();
		if (after == null) {
			long newest = recent.newest();
			List<LogRecord> newestFirst = this.collector.store().find(LogQuery.newest(app, TAIL_START)).records();
			List<LogRecord> records = new ArrayList<>(newestFirst);
			Collections.reverse(records);
			long cursor = records.isEmpty() ? newest : Math.max(newest, records.get(records.size() - 1).id());
			return new LogTail(records, cursor);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			long seen = recent.newest();
			List<LogRecord> records = recent.after(app, after, TAIL_LIMIT);
			if (records == null) {
				records = this.collector.store().after(app, after, TAIL_LIMIT);
			}
			if (!records.isEmpty()) {
				return new LogTail(records, records.get(records.size() - 1).id());
			}
			try {
				if (!recent.await(seen, deadline)) {
					// records of other apps seen meanwhile need not be read again
					return new LogTail(List.of(), Math.max(after, seen));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new LogTail(List.of(), after);
			}
		}
	}

}
