package dev.pyapp.server.logs;

import java.time.Instant;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A search of stored records; every criterion given must hold. Results are newest first.
 *
 * @param app only this app's records
 * @param level the minimum level
 * @param since only records made at or after this time
 * @param until only records made before this time
 * @param logger only this logger and its children ({@code a} matches {@code a.b})
 * @param text a case-insensitive substring of the message or the exception
 * @param regex a regular expression found anywhere in the message or the exception
 * @param limit the most records to return (1..1000)
 * @param before only records older than this id (the cursor of the previous page)
 * @param release only records of this release (the deploy's steps and what its daemon,
 * hooks and tasks printed)
 */
public record LogQuery(@Nullable String app, @Nullable LogLevel level, @Nullable Instant since, @Nullable Instant until,
		@Nullable String logger, @Nullable String text, @Nullable Pattern regex, int limit, @Nullable Long before,
		@Nullable String release) {

	/** The most records one page may hold. */
	public static final int MAX_LIMIT = 1000;

	public LogQuery {
		Assert.isTrue(limit > 0 && limit <= MAX_LIMIT, "'limit' must be between 1 and " + MAX_LIMIT);
	}

	/**
	 * A search of the records of every release.
	 * @param app only this app's records
	 * @param level the minimum level
	 * @param since only records made at or after this time
	 * @param until only records made before this time
	 * @param logger only this logger and its children
	 * @param text a case-insensitive substring of the message or the exception
	 * @param regex a regular expression found anywhere in the message or the exception
	 * @param limit the most records to return (1..1000)
	 * @param before only records older than this id
	 */
	public LogQuery(@Nullable String app, @Nullable LogLevel level, @Nullable Instant since, @Nullable Instant until,
			@Nullable String logger, @Nullable String text, @Nullable Pattern regex, int limit, @Nullable Long before) {
		this(app, level, since, until, logger, text, regex, limit, before, null);
	}

	/**
	 * The newest records of one app, or of all apps.
	 * @param app the app, or {@code null} for all
	 * @param limit how many
	 * @return the query
	 */
	public static LogQuery newest(@Nullable String app, int limit) {
		return new LogQuery(app, null, null, null, null, null, null, limit, null);
	}

}
