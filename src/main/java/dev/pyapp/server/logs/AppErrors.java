package dev.pyapp.server.logs;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

import dev.pyapp.server.core.AppId;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.stereotype.Component;

/**
 * The last error of each app (its newest record at level ERROR or above since its current
 * installation began) and the operator's acknowledgement of it: an acknowledged error is
 * no longer shown as the last error, until a newer one arrives. The newest error is kept
 * in memory as records are collected (one store query per app after a start);
 * acknowledgements are kept in MongoDB ({@code error_acknowledgements}).
 */
@Component
public class AppErrors {

	private static final Optional<LogRecord> NONE = Optional.empty();

	private final LogCollector collector;

	private final MongoCollection<Document> acknowledgements;

	private final Map<String, Optional<LogRecord>> newest = new ConcurrentHashMap<>();

	private final Map<String, Acknowledgement> acknowledged = new ConcurrentHashMap<>();

	@Autowired
	AppErrors(LogCollector collector, MongoDatabaseFactory databases) {
		this(collector, databases.getMongoDatabase().getCollection("error_acknowledgements"));
	}

	AppErrors(LogCollector collector, MongoCollection<Document> acknowledgements) {
		this.collector = collector;
		this.acknowledgements = acknowledgements;
		for (Document doc : acknowledgements.find()) {
			this.acknowledged.put(doc.getString("_id"), new Acknowledgement(((Number) doc.get("before")).longValue(),
					doc.getDate("time").toInstant(), doc.getString("by")));
		}
		collector.addListener(this::seen);
	}

	private void seen(LogRecord record) {
		if (record.level().number() >= LogLevel.ERROR.number() && record.app() != null) {
			this.newest.merge(record.app(), Optional.of(record),
					(old, now) -> (old.isEmpty() || old.get().id() < record.id()) ? now : old);
		}
	}

	/**
	 * The newest error of the app's current installation that has not been acknowledged.
	 * Records of an earlier installation under the same name (a first install that failed
	 * and was forgotten, an app removed with {@code keep_data}) stay in its log, but are
	 * not its last error.
	 * @param app the app
	 * @param installed when its current installation began
	 * ({@code InstalledApp.created()}): only records made since count
	 * @return the record, if there is one
	 */
	public Optional<LogRecord> lastError(AppId app, Instant installed) {
		Optional<LogRecord> error = this.newest.computeIfAbsent(app.value(), this::fromStore);
		Acknowledgement ack = this.acknowledged.get(app.value());
		if (error.isPresent() && ack != null && error.get().id() <= ack.before()) {
			return NONE;
		}
		// the newest error: when it is older than the installation, none is newer
		return error.filter((record) -> !record.time().isBefore(installed));
	}

	/**
	 * The app's last acknowledgement.
	 * @param app the app
	 * @return when and by whom its errors were last acknowledged
	 */
	public Optional<Acknowledgement> acknowledgement(AppId app) {
		return Optional.ofNullable(this.acknowledged.get(app.value()));
	}

	/**
	 * Acknowledges every error of the app so far.
	 * @param app the app
	 * @param by who acknowledged them
	 * @return the acknowledgement
	 */
	public Acknowledgement acknowledge(AppId app, String by) {
		long before = this.newest.computeIfAbsent(app.value(), this::fromStore).map(LogRecord::id).orElse(0L);
		Acknowledgement ack = new Acknowledgement(before, Instant.now(), by);
		this.acknowledgements.replaceOne(Filters.eq("_id", app.value()),
				new Document("_id", app.value()).append("before", before)
					.append("time", Date.from(ack.time()))
					.append("by", by),
				new ReplaceOptions().upsert(true));
		this.acknowledged.put(app.value(), ack);
		return ack;
	}

	/**
	 * Forgets an app (removed): its acknowledgement too.
	 * @param app the app
	 */
	public void forget(AppId app) {
		this.newest.remove(app.value());
		this.acknowledged.remove(app.value());
		this.acknowledgements.deleteOne(Filters.eq("_id", app.value()));
	}

	private Optional<LogRecord> fromStore(String app) {
		List<LogRecord> records = this.collector.store()
			.find(new LogQuery(app, LogLevel.ERROR, null, null, null, null, null, 1, null))
			.records();
		return records.isEmpty() ? NONE : Optional.of(records.get(0));
	}

	/**
	 * An operator's acknowledgement of an app's errors.
	 *
	 * @param before every error with an id up to this one is acknowledged
	 * @param time when
	 * @param by the user or token
	 */
	public record Acknowledgement(long before, Instant time, @Nullable String by) {
	}

}
