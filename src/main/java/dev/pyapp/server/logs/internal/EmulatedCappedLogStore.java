package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;

import dev.pyapp.server.logs.LogRecord;

/**
 * The store on a database without capped collections (the embedded mongo-java-server):
 * plain collections whose size this store keeps in a ledger, dropping the oldest records
 * once an app's bound is passed. Trimming takes the collection down to
 * {@value #TRIM_TO_PERCENT}% of its bound, so that one delete serves many batches.
 */
public class EmulatedCappedLogStore extends MongoLogStore {

	static final int TRIM_TO_PERCENT = 90;

	private final Map<String, SizeLedger> ledgers = new ConcurrentHashMap<>();

	private final Map<String, Long> capacityByCollection = new ConcurrentHashMap<>();

	public EmulatedCappedLogStore(MongoDatabase database, Function<String, Long> capacities, Duration regexTimeout) {
		super(database, capacities, regexTimeout);
	}

	@Override
	public boolean nativeCapped() {
		return false;
	}

	@Override
	void prepare(String name, long capacity) {
		this.capacityByCollection.put(name, capacity);
		this.ledgers.computeIfAbsent(name, this::load);
	}

	private SizeLedger load(String name) {
		SizeLedger ledger = new SizeLedger();
		for (Document doc : collection(name).find()
			.projection(Projections.include("sz"))
			.sort(Sorts.ascending("_id"))
			.batchSize(10_000)) {
			ledger.add(((Number) doc.get("_id")).longValue(), doc.getInteger("sz", 0));
		}
		return ledger;
	}

	@Override
	void written(String name, List<LogRecord> written) {
		SizeLedger ledger = this.ledgers.get(name);
		long cutoff;
		synchronized (ledger) {
			for (LogRecord record : written) {
				ledger.add(record.id(), LogDocuments.estimateSize(record));
			}
			long capacity = this.capacityByCollection.get(name);
			if (ledger.total() <= capacity) {
				return;
			}
			cutoff = ledger.trimTo(capacity * TRIM_TO_PERCENT / 100);
		}
		collection(name).deleteMany(Filters.lte("_id", cutoff));
	}

	@Override
	void dropped(String name) {
		this.ledgers.remove(name);
		this.capacityByCollection.remove(name);
	}

	/**
	 * The estimated size of an app's records, for tests of the bound.
	 * @param app the app
	 * @return bytes, or {@code 0} if nothing was written since start
	 */
	long size(String app) {
		SizeLedger ledger = this.ledgers.get(LogDocuments.collection(app));
		return (ledger != null) ? ledger.total() : 0;
	}

}
