package dev.pyapp.server.logs.internal;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;

/**
 * How a {@link LogRecord} is kept in MongoDB, and the filters of a {@link LogQuery}.
 */
public final class LogDocuments {

	/** The prefix of every per-app log collection. */
	static final String PREFIX = "logs.";

	/** The collection of records whose sender named no valid app. */
	static final String ORPHANS = PREFIX + "_";

	private LogDocuments() {
	}

	public static String collection(@Nullable String app) {
		return (app != null && AppId.PATTERN.matcher(app).matches()) ? PREFIX + app : ORPHANS;
	}

	static LogRecord toRecord(Document doc) {
		return new LogRecord(((Number) doc.get("_id")).longValue(), doc.getDate("time").toInstant(),
				doc.getString("app"), doc.getString("release"), LogLevel.of(doc.getInteger("lv", 20)),
				doc.getString("logger"), doc.getString("message"), doc.getString("exception"), doc.getInteger("pid"),
				doc.getString("thread"), doc.getString("path"), doc.getString("node"));
	}

	/**
	 * Roughly the stored size of a record, in bytes: field names and fixed-size values
	 * plus the text. Used where the database does not bound the collection itself.
	 */
	static int estimateSize(LogRecord record) {
		return 160 + length(record.app()) + length(record.release()) + length(record.logger())
				+ length(record.message()) + length(record.exception()) + length(record.thread())
				+ length(record.path()) + length(record.node());
	}

	private static int length(@Nullable String text) {
		return (text != null) ? text.length() : 0;
	}

	/**
	 * The criteria a database can evaluate; {@link LogQuery#regex()} is left to the
	 * caller.
	 */
	static Bson filter(LogQuery query) {
		List<Bson> filters = new ArrayList<>();
		if (query.level() != null) {
			filters.add(Filters.gte("lv", query.level().number()));
		}
		if (query.since() != null) {
			filters.add(Filters.gte("time", Date.from(query.since())));
		}
		if (query.until() != null) {
			filters.add(Filters.lt("time", Date.from(query.until())));
		}
		if (query.logger() != null) {
			filters.add(Filters.regex("logger", "^" + Pattern.quote(query.logger()) + "(\\.|$)"));
		}
		if (query.release() != null) {
			filters.add(Filters.eq("release", query.release()));
		}
		if (query.text() != null) {
			String quoted = Pattern.quote(query.text());
			filters.add(Filters.or(Filters.regex("message", quoted, "i"), Filters.regex("exception", quoted, "i")));
		}
		if (query.before() != null) {
			filters.add(Filters.lt("_id", query.before()));
		}
		return filters.isEmpty() ? new Document() : Filters.and(filters);
	}

}
