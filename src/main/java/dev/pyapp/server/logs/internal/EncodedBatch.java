package dev.pyapp.server.logs.internal;

import java.util.List;
import java.util.Map;

import org.bson.RawBsonDocument;
import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogRecord;

/**
 * A batch of records made ready for {@link LogStore#insert(EncodedBatch)} off the
 * inserting thread: the records and, where the store encodes them ahead, their BSON per
 * collection, in record order.
 *
 * @param records the records, with their ids, in increasing id order
 * @param documents each collection's records as BSON, or {@code null} when the store
 * encodes them as it inserts
 */
record EncodedBatch(List<LogRecord> records, @Nullable Map<String, Collection> documents) {

	/**
	 * One collection's part of a batch.
	 *
	 * @param app the app whose collection it is ({@code ""} for records without one)
	 * @param records its records
	 * @param documents the same records as BSON, in the same order
	 */
	record Collection(String app, List<LogRecord> records, List<RawBsonDocument> documents) {
	}

}
