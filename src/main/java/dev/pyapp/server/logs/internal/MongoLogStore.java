package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.pyapp.server.core.DeadlineText;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What both stores share: one collection per app named {@code logs.<app>}, documents
 * keyed by the record id, merged reads across apps, the time-bounded regex search and the
 * removal of an app's records.
 * <p>
 * A removal drops the app's collection (a capped collection allows no deletes, but can be
 * dropped) and keeps the highest id it covers in {@value #REMOVALS}, so that a record of
 * the removed app still on its way is not written into the collection of an app installed
 * later under the same name. Writing a collection and dropping it are serialized per
 * collection.
 */
abstract class MongoLogStore implements LogStore {

	/** The collection of removals: {@code {_id: <collection>, upTo: <id>}}. */
	static final String REMOVALS = "log_removals";

	private final MongoDatabase database;

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	// by collection: the highest id of a removed app's records; loaded on first use
	private volatile @Nullable Map<String, Long> removals;

	private final Function<String, Long> capacities;

	private final Duration regexTimeout;

	MongoLogStore(MongoDatabase database, Function<String, Long> capacities, Duration regexTimeout) {
		this.database = database;
		this.capacities = capacities;
		this.regexTimeout = regexTimeout;
	}

	/**
	 * Makes sure a collection exists with its bound, before the first write to it.
	 * @param name the collection
	 * @param capacity its bound in bytes
	 */
	abstract void prepare(String name, long capacity);

	/**
	 * Called after records were written to a collection.
	 * @param name the collection
	 * @param written the records written (not those that were already stored)
	 */
	abstract void written(String name, List<LogRecord> written);

	/**
	 * Called after a collection was dropped, to forget what is known of it.
	 * @param name the collection
	 */
	abstract void dropped(String name);

	MongoCollection<Document> collection(String name) {
		return this.database.getCollection(name);
	}

	@Override
	public long capacity(String app) {
		return this.capacities.apply(app);
	}

	@Override
	public void insert(List<LogRecord> records) {
		insert(encode(records));
	}

	/**
	 * Groups a batch by collection and encodes each record to BSON with
	 * {@link LogRecordCodec}, so that {@link #insert(EncodedBatch)} only sends bytes.
	 */
	@Override
	public EncodedBatch encode(List<LogRecord> records) {
		Map<String, EncodedBatch.Collection> byCollection = new LinkedHashMap<>();
		String lastApp = null;
		EncodedBatch.Collection last = null;
		for (LogRecord record : records) {
			// a batch mostly comes from one app: check its name once per run of records
			if (last == null || !Objects.equals(lastApp, record.app())) {
				String name = LogDocuments.collection(record.app());
				String app = (record.app() != null) ? record.app() : "";
				last = byCollection.computeIfAbsent(name,
						(key) -> new EncodedBatch.Collection(app, new ArrayList<>(records.size()), List.of()));
				lastApp = record.app();
			}
			last.records().add(record);
		}
		Map<String, EncodedBatch.Collection> encoded = new LinkedHashMap<>();
		byCollection.forEach((name, part) -> encoded.put(name,
				new EncodedBatch.Collection(part.app(), part.records(), LogRecordCodec.toBson(part.records()))));
		return new EncodedBatch(records, encoded);
	}

	@Override
	public void insert(EncodedBatch batch) {
		Map<String, EncodedBatch.Collection> documents = batch.documents();
		if (documents == null) {
			documents = encode(batch.records()).documents();
		}
		Map<String, Long> removals = removals();
		documents.forEach((name, part) -> {
			synchronized (lock(name)) {
				EncodedBatch.Collection kept = withoutRemoved(part, removals.get(name));
				if (!kept.records().isEmpty()) {
					prepare(name, capacity(kept.app()));
					written(name, insertNew(collection(name).withDocumentClass(RawBsonDocument.class), kept));
				}
			}
		});
	}

	private static EncodedBatch.Collection withoutRemoved(EncodedBatch.Collection part, @Nullable Long upTo) {
		if (upTo == null || part.records().get(0).id() > upTo) {
			return part;
		}
		List<LogRecord> records = new ArrayList<>();
		List<RawBsonDocument> documents = new ArrayList<>();
		for (int i = 0; i < part.records().size(); i++) {
			if (part.records().get(i).id() > upTo) {
				records.add(part.records().get(i));
				documents.add(part.documents().get(i));
			}
		}
		return new EncodedBatch.Collection(part.app(), records, documents);
	}

	@Override
	public void remove(String app, long upTo) {
		String name = LogDocuments.collection(app);
		Assert.isTrue(!name.equals(LogDocuments.ORPHANS), () -> "'app' must be an app name: " + app);
		Map<String, Long> removals = removals();
		synchronized (lock(name)) {
			long highest = removals.merge(name, upTo, Math::max);
			this.database.getCollection(REMOVALS)
				.replaceOne(Filters.eq("_id", name), new Document("_id", name).append("upTo", highest),
						new ReplaceOptions().upsert(true));
			// only when it exists: dropping a missing collection is an error the
			// embedded server logs
			if (this.database.listCollectionNames().filter(Filters.eq("name", name)).first() != null) {
				collection(name).drop();
			}
			dropped(name);
		}
	}

	private Object lock(String name) {
		return this.locks.computeIfAbsent(name, (key) -> new Object());
	}

	private Map<String, Long> removals() {
		Map<String, Long> loaded = this.removals;
		if (loaded == null) {
			synchronized (this.locks) {
				loaded = this.removals;
				if (loaded == null) {
					loaded = new ConcurrentHashMap<>();
					for (Document doc : this.database.getCollection(REMOVALS).find()) {
						loaded.put(doc.getString("_id"), ((Number) doc.get("upTo")).longValue());
					}
					this.removals = loaded;
				}
			}
		}
		return loaded;
	}

	private static List<LogRecord> insertNew(MongoCollection<RawBsonDocument> collection,
			EncodedBatch.Collection part) {
		try {
			collection.insertMany(part.documents(), new InsertManyOptions().ordered(false));
			return part.records();
		}
		catch (MongoBulkWriteException ex) {
			// a retried batch: what was stored the first time is a duplicate now
			List<LogRecord> written = new ArrayList<>(part.records());
			for (BulkWriteError error : ex.getWriteErrors()) {
				if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
					throw ex;
				}
				written.set(error.getIndex(), null);
			}
			written.removeIf(Objects::isNull);
			return written;
		}
	}

	@Override
	public LogPage find(LogQuery query) {
		Bson filter = LogDocuments.filter(query);
		List<FindIterable<Document>> finds = new ArrayList<>();
		for (String name : collections(query.app())) {
			FindIterable<Document> find = collection(name).find(filter).sort(Sorts.descending("_id"));
			finds.add((query.regex() != null) ? find.batchSize(1000) : find.limit(query.limit() + 1));
		}
		Pattern regex = query.regex();
		long deadline = System.nanoTime() + this.regexTimeout.toNanos();
		List<LogRecord> records = new ArrayList<>();
		try (Merge merge = new Merge(finds, Comparator.reverseOrder())) {
			Document doc;
			while ((doc = merge.next()) != null) {
				LogRecord record = LogDocuments.toRecord(doc);
				if (regex != null) {
					if (System.nanoTime() > deadline) {
						return new LogPage(records, record.id() + 1);
					}
					try {
						if (!matches(regex, record, deadline)) {
							continue;
						}
					}
					catch (DeadlineText.TimeoutException ex) {
						return new LogPage(records, record.id() + 1);
					}
				}
				if (records.size() == query.limit()) {
					return new LogPage(records, records.get(records.size() - 1).id());
				}
				records.add(record);
			}
		}
		return new LogPage(records, null);
	}

	private static boolean matches(Pattern regex, LogRecord record, long deadline) {
		return regex.matcher(new DeadlineText(record.message(), deadline)).find()
				|| (record.exception() != null && regex.matcher(new DeadlineText(record.exception(), deadline)).find());
	}

	@Override
	public List<LogRecord> after(@Nullable String app, long after, int limit) {
		List<FindIterable<Document>> finds = new ArrayList<>();
		for (String name : collections(app)) {
			finds.add(collection(name).find(Filters.gt("_id", after)).sort(Sorts.ascending("_id")).limit(limit));
		}
		List<LogRecord> records = new ArrayList<>();
		try (Merge merge = new Merge(finds, Comparator.naturalOrder())) {
			Document doc;
			while (records.size() < limit && (doc = merge.next()) != null) {
				records.add(LogDocuments.toRecord(doc));
			}
		}
		return records;
	}

	@Override
	public long newestId() {
		// ids stay above those of removed records, which a late write must not pass
		long newest = removals().values().stream().mapToLong(Long::longValue).max().orElse(0);
		for (String name : collections(null)) {
			Document doc = collection(name).find().sort(Sorts.descending("_id")).limit(1).first();
			if (doc != null) {
				newest = Math.max(newest, ((Number) doc.get("_id")).longValue());
			}
		}
		return newest;
	}

	private List<String> collections(@Nullable String app) {
		if (app != null) {
			return List.of(LogDocuments.collection(app));
		}
		List<String> names = new ArrayList<>();
		for (String name : this.database.listCollectionNames()) {
			if (name.startsWith(LogDocuments.PREFIX)) {
				names.add(name);
			}
		}
		return names;
	}

	/**
	 * Merges cursors that are each sorted by id into one sequence sorted the same way.
	 */
	private static final class Merge implements AutoCloseable {

		private final List<MongoCursor<Document>> cursors = new ArrayList<>();

		private final PriorityQueue<Head> heads;

		Merge(List<FindIterable<Document>> finds, Comparator<Long> order) {
			this.heads = new PriorityQueue<>(Math.max(1, finds.size()), Comparator.comparing(Head::id, order));
			for (FindIterable<Document> find : finds) {
				MongoCursor<Document> cursor = find.iterator();
				this.cursors.add(cursor);
				advance(cursor);
			}
		}

		@Nullable Document next() {
			Head head = this.heads.poll();
			if (head == null) {
				return null;
			}
			advance(head.cursor());
			return head.doc();
		}

		private void advance(MongoCursor<Document> cursor) {
			if (cursor.hasNext()) {
				Document doc = cursor.next();
				this.heads.add(new Head(((Number) doc.get("_id")).longValue(), doc, cursor));
			}
		}

		@Override
		public void close() {
			this.cursors.forEach(MongoCursor::close);
		}

		private record Head(Long id, Document doc, MongoCursor<Document> cursor) {
		}

	}

}
