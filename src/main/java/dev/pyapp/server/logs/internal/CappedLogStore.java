package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.Indexes;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.logs.LogRecord;

/**
 * The store on a real MongoDB: each app's records live in a capped collection of the
 * app's size, so the database itself drops the oldest records.
 */
class CappedLogStore extends MongoLogStore {

	private static final Logger logger = LoggerFactory.getLogger(CappedLogStore.class);

	private static final int NAMESPACE_EXISTS = 48;

	private final MongoDatabase database;

	private final Set<String> prepared = ConcurrentHashMap.newKeySet();

	CappedLogStore(MongoDatabase database, Function<String, Long> capacities, Duration regexTimeout) {
		super(database, capacities, regexTimeout);
		this.database = database;
	}

	@Override
	public boolean nativeCapped() {
		return true;
	}

	@Override
	void prepare(String name, long capacity) {
		if (this.prepared.contains(name)) {
			return;
		}
		// capped collections are sized in whole 256-byte blocks
		long size = Math.max(4096, (capacity + 255) / 256 * 256);
		Document existing = this.database.listCollections().filter(Filters.eq("name", name)).first();
		if (existing == null) {
			try {
				this.database.createCollection(name, new CreateCollectionOptions().capped(true).sizeInBytes(size));
			}
			catch (MongoCommandException ex) {
				if (ex.getErrorCode() != NAMESPACE_EXISTS) {
					throw ex;
				}
			}
		}
		else {
			resize(name, existing.get("options", Document.class), size);
		}
		collection(name).createIndexes(List.of(new IndexModel(Indexes.descending("time")),
				new IndexModel(Indexes.compoundIndex(Indexes.ascending("lv"), Indexes.descending("_id"))),
				new IndexModel(Indexes.compoundIndex(Indexes.ascending("logger"), Indexes.descending("_id")))));
		this.prepared.add(name);
	}

	private void resize(String name, Document options, long size) {
		boolean capped = options != null && Boolean.TRUE.equals(options.getBoolean("capped"));
		Number current = (options != null) ? options.get("size", Number.class) : null;
		try {
			if (!capped) {
				this.database.runCommand(new Document("convertToCapped", name).append("size", size));
			}
			else if (current == null || current.longValue() != size) {
				this.database.runCommand(new Document("collMod", name).append("cappedSize", size));
			}
		}
		catch (MongoCommandException ex) {
			// MongoDB before 6.0 cannot resize a capped collection: it keeps its old size
			logger.warn("Cannot resize log collection {} to {} bytes: {}", name, size, ex.getErrorMessage());
		}
	}

	@Override
	void written(String name, List<LogRecord> written) {
		// the database keeps the bound
	}

	@Override
	void dropped(String name) {
		// created again, capped, by the next write
		this.prepared.remove(name);
	}

}
