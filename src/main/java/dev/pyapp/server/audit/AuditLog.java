package dev.pyapp.server.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Records state-changing calls and answers {@code audit.query}. Records live in the
 * {@code audit} collection, bounded to {@code pyapp.audit.max-records} (the oldest go
 * first). Recording never fails the call it records: a record that cannot be stored is
 * logged instead.
 */
@Component
public class AuditLog {

	private static final Logger logger = LoggerFactory.getLogger(AuditLog.class);

	private static final int PRUNE_EVERY = 100;

	private final MongoOperations mongo;

	private final AuditProperties properties;

	private long lastId;

	private int sincePrune;

	AuditLog(MongoOperations mongo, AuditProperties properties) {
		this.mongo = mongo;
		this.properties = properties;
		this.mongo.indexOps(AuditRecord.class).createIndex(new Index().on("principal", Sort.Direction.ASC));
		AuditRecord newest = this.mongo.findOne(new Query().with(Sort.by(Sort.Direction.DESC, "_id")).limit(1),
				AuditRecord.class);
		this.lastId = (newest != null) ? newest.id() : 0;
	}

	/**
	 * Records a call, its params masked.
	 * @param entry the call
	 * @return the stored record, or {@code null} when it could not be stored
	 */
	public @Nullable AuditRecord record(AuditEntry entry) {
		Map<String, Object> error = null;
		if (entry.errorMessage() != null) {
			error = new LinkedHashMap<>();
			error.put("code", entry.errorCode());
			error.put("message", SecretMasker.maskText(entry.errorMessage()));
		}
		AuditRecord record = new AuditRecord(nextId(), entry.time(), entry.principal(), entry.user(), entry.role(),
				entry.method(), SecretMasker.mask(entry.params()), (error != null) ? AuditRecord.ERROR : AuditRecord.OK,
				error, entry.duration().toMillis());
		try {
			this.mongo.insert(record);
			pruneNow();
			return record;
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot store the audit record of {} by {} ({}): {}", record.method(), record.principal(),
					record.outcome(), ex.toString());
			return null;
		}
	}

	/**
	 * Masks secrets in params as {@link #record} does (for callers that show params).
	 * @param params the params
	 * @return the masked copy
	 */
	public static @Nullable Object mask(@Nullable Object params) {
		return SecretMasker.mask(params);
	}

	/**
	 * Records matching a query, newest first.
	 * @param query the query
	 * @return a page
	 */
	public AuditPage query(AuditQuery query) {
		List<Criteria> criteria = new ArrayList<>();
		if (query.since() != null) {
			criteria.add(Criteria.where("time").gte(query.since()));
		}
		if (query.until() != null) {
			criteria.add(Criteria.where("time").lt(query.until()));
		}
		if (query.principal() != null) {
			criteria.add(new Criteria().orOperator(Criteria.where("principal").is(query.principal()),
					Criteria.where("user").is(query.principal())));
		}
		if (query.method() != null) {
			String method = query.method();
			if (method.endsWith("*") || method.endsWith(".")) {
				String prefix = method.endsWith("*") ? method.substring(0, method.length() - 1) : method;
				criteria.add(Criteria.where("method").regex("^" + Pattern.quote(prefix)));
			}
			else {
				criteria.add(Criteria.where("method").is(method));
			}
		}
		if (query.before() != null) {
			criteria.add(Criteria.where("_id").lt(query.before()));
		}
		Query mongoQuery = criteria.isEmpty() ? new Query()
				: new Query(new Criteria().andOperator(criteria.toArray(Criteria[]::new)));
		mongoQuery.with(Sort.by(Sort.Direction.DESC, "_id")).limit(query.limit() + 1);
		List<AuditRecord> found = this.mongo.find(mongoQuery, AuditRecord.class);
		boolean more = found.size() > query.limit();
		List<AuditRecord> records = more ? found.subList(0, query.limit()) : found;
		return new AuditPage(List.copyOf(records), more ? records.get(records.size() - 1).id() : null);
	}

	private synchronized long nextId() {
		// ids follow the clock, so that they keep increasing across restarts, and the
		// counter, so that they stay unique within a millisecond
		this.lastId = Math.max(this.lastId + 1, System.currentTimeMillis() * 1000);
		return this.lastId;
	}

	private void pruneNow() {
		synchronized (this) {
			if (++this.sincePrune < PRUNE_EVERY) {
				return;
			}
			this.sincePrune = 0;
		}
		prune();
	}

	/**
	 * Deletes the oldest records beyond {@code pyapp.audit.max-records}.
	 */
	void prune() {
		AuditRecord oldestKept = this.mongo.findOne(
				new Query().with(Sort.by(Sort.Direction.DESC, "_id")).skip(this.properties.maxRecords() - 1).limit(1),
				AuditRecord.class);
		if (oldestKept != null) {
			this.mongo.remove(Query.query(Criteria.where("_id").lt(oldestKept.id())), AuditRecord.class);
		}
	}

}
