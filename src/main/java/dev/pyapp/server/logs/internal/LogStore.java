package dev.pyapp.server.logs.internal;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;

/**
 * Where log records are kept: one bounded collection per app in which the oldest records
 * are dropped first once the app's size bound is reached. On a real MongoDB that is a
 * capped collection; where the database has none (the embedded server) the same semantics
 * are emulated. Both implementations pass one contract test suite.
 * <p>
 * Calls are synchronous and may throw {@link com.mongodb.MongoException} when the
 * database is unavailable; {@link LogCollector} buffers and retries writes.
 */
public interface LogStore {

	/**
	 * Writes a batch. Records already stored (same id) are skipped, so a batch that
	 * failed half-way can be written again.
	 * @param records records with their ids assigned, in increasing id order
	 */
	void insert(List<LogRecord> records);

	/**
	 * Does what can be done for {@link #insert(EncodedBatch)} before it: the collector
	 * encodes the next batch on one thread while the previous one is inserted on another.
	 * By default nothing: the records are encoded as they are inserted.
	 * @param records records with their ids assigned, in increasing id order
	 * @return the batch
	 */
	default EncodedBatch encode(List<LogRecord> records) {
		return new EncodedBatch(records, null);
	}

	/**
	 * Writes a batch made by {@link #encode}, as {@link #insert(List)} does.
	 * @param batch the batch
	 */
	default void insert(EncodedBatch batch) {
		insert(batch.records());
	}

	/**
	 * Deletes an app's records for good ({@code apps.remove} without {@code keep_data}),
	 * so that an app installed later under the same name starts with an empty log. A
	 * record of the app with an id up to {@code upTo} that is still on its way (buffered,
	 * spilled, in a batch being written) is not stored when it arrives, also after a
	 * restart; the app's later records are.
	 * @param app the app
	 * @param upTo the highest id given to a record before the removal
	 */
	void remove(String app, long upTo);

	/**
	 * Searches, newest first. A {@link LogQuery#regex()} is matched in this process with
	 * a time bound: when it runs out the page holds what was found so far and
	 * {@link LogPage#next()} points past what was searched.
	 * @param query the criteria
	 * @return one page
	 */
	LogPage find(LogQuery query);

	/**
	 * Records newer than an id, oldest first.
	 * @param app the app, or {@code null} for all
	 * @param after the id
	 * @param limit the most records to return
	 * @return the records
	 */
	List<LogRecord> after(@Nullable String app, long after, int limit);

	/**
	 * The highest id stored.
	 * @return the id, or {@code 0} when nothing is stored
	 */
	long newestId();

	/**
	 * The bound of one app's collection, in bytes.
	 * @param app the app
	 * @return the bound
	 */
	long capacity(String app);

	/**
	 * Whether the database keeps the bound itself (a capped collection).
	 * @return {@code true} for real capped collections
	 */
	boolean nativeCapped();

}
