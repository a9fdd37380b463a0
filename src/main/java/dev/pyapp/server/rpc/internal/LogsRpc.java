package dev.pyapp.server.rpc.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.LogTail;
import dev.pyapp.server.logs.LogViewer;
import dev.pyapp.server.logs.LogStatistics;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * {@code logs.*}: searches and live tails of the captured records (SPEC §9 "Logs").
 */
@RpcEndpoint
public class LogsRpc {

	private static final int DEFAULT_LIMIT = 100;

	private final LogViewer viewer;

	private final LogStatistics statistics;

	LogsRpc(LogViewer viewer, LogStatistics statistics) {
		this.viewer = viewer;
		this.statistics = statistics;
	}

	@RpcMethod(value = "logs.query", role = Role.VIEWER, readOnly = true)
	LogPageView query(QueryParams params) {
		List<Problem> problems = new ArrayList<>();
		String app = app(params.app(), problems);
		LogLevel level = null;
		if (params.level() != null) {
			level = LogLevel.parse(params.level());
			if (level == null) {
				problems.add(new Problem("level", "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"));
			}
		}
		Instant since = time("since", params.since(), problems);
		Instant until = time("until", params.until(), problems);
		Pattern regex = null;
		if (params.regex() != null && !params.regex().isEmpty()) {
			try {
				regex = Pattern.compile(params.regex());
			}
			catch (PatternSyntaxException ex) {
				problems.add(new Problem("regex", "not a regular expression: " + ex.getDescription()));
			}
		}
		int limit = (params.limit() != null) ? params.limit() : DEFAULT_LIMIT;
		if (limit < 1 || limit > LogQuery.MAX_LIMIT) {
			problems.add(new Problem("limit", "must be between 1 and " + LogQuery.MAX_LIMIT));
		}
		Long before = id("before", params.before(), problems);
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid log query", problems);
		}
		LogPage page = this.viewer.query(new LogQuery(app, level, since, until, emptyToNull(params.logger()),
				emptyToNull(params.text()), regex, limit, before, emptyToNull(params.release())));
		return new LogPageView(page.records().stream().map(LogRecordView::of).toList(),
				(page.next() != null) ? page.next().toString() : null);
	}

	@RpcMethod(value = "logs.tail", role = Role.VIEWER, readOnly = true)
	LogTailView tail(TailParams params) {
		List<Problem> problems = new ArrayList<>();
		String app = app(params.app(), problems);
		Long after = id("after", params.after(), problems);
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid log tail", problems);
		}
		LogTail tail = this.viewer.tail(app, after);
		return new LogTailView(tail.records().stream().map(LogRecordView::of).toList(), Long.toString(tail.cursor()));
	}

	@RpcMethod(value = "logs.stats", role = Role.VIEWER, readOnly = true)
	LogStatsView stats() {
		return LogStatsView.of(this.statistics.stats());
	}

	/**
	 * Always milliseconds: a stored record has them, a record still in memory has more,
	 * and {@link java.time.Instant#toString()} drops trailing zeros, so the same client
	 * would see three formats.
	 */
	static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private static @Nullable String app(@Nullable String app, List<Problem> problems) {
		if (app == null || app.isEmpty()) {
			return null;
		}
		if (!AppId.PATTERN.matcher(app).matches()) {
			problems.add(new Problem("app", "'" + app + "' is not a valid app name"));
		}
		return app;
	}

	private static @Nullable Long id(String name, @Nullable String value, List<Problem> problems) {
		if (value == null || value.isEmpty()) {
			return null;
		}
		try {
			return Long.valueOf(value.trim());
		}
		catch (NumberFormatException ex) {
			problems.add(new Problem(name, "expected a record id"));
			return null;
		}
	}

	/**
	 * ISO-8601 (an instant, a local date-time taken as UTC, or a date), or a duration
	 * before now such as {@code 15m}.
	 */
	static @Nullable Instant time(String name, @Nullable String value, List<Problem> problems) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String text = value.trim();
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			// try the next form
		}
		try {
			return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			// try the next form
		}
		try {
			return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			// try the next form
		}
		try {
			Duration ago = DurationStyle.detectAndParse(text);
			return Instant.now().minus(ago);
		}
		catch (IllegalArgumentException ex) {
			problems.add(new Problem(name, "expected an ISO-8601 time such as 2024-05-01T12:00:00Z, a date such as"
					+ " 2024-05-01, or a duration before now such as 30m, 2h or 1d"));
			return null;
		}
	}

	private static @Nullable String emptyToNull(@Nullable String text) {
		return (text == null || text.isEmpty()) ? null : text;
	}

	/**
	 * {@code logs.query}: newest first.
	 *
	 * @param records the page
	 * @param next the cursor for older records ({@code before}), or {@code null} on the
	 * last page
	 */
	record LogPageView(List<LogRecordView> records, @Nullable String next) {
	}

	/**
	 * {@code logs.tail}: oldest first.
	 *
	 * @param records the records after the cursor
	 * @param cursor the {@code after} of the next call
	 */
	record LogTailView(List<LogRecordView> records, String cursor) {
	}

	/**
	 * A log record (SPEC §9 "Logs"): every member but {@code node} is present,
	 * {@code null} when unknown.
	 *
	 * @param id the record's id, as a string
	 * @param time when it was made: ISO-8601 UTC, always with milliseconds
	 * @param app the app
	 * @param release the release
	 * @param level {@code DEBUG}, {@code INFO}, {@code WARNING}, {@code ERROR} or
	 * {@code CRITICAL}
	 * @param logger the logger
	 * @param message the message
	 * @param exception the formatted exception
	 * @param pid the process
	 * @param thread the thread
	 * @param path the request path when made inside a request
	 * @param node the node it was pulled from; absent for this server's own records
	 */
	record LogRecordView(String id, String time, @Nullable String app, @Nullable String release, String level,
			String logger, String message, @Nullable String exception, @Nullable Integer pid, @Nullable String thread,
			@Nullable String path, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String node) {

		static LogRecordView of(LogRecord record) {
			return new LogRecordView(Long.toString(record.id()), TIME.format(record.time()), record.app(),
					record.release(), record.level().name(), record.logger(), record.message(), record.exception(),
					record.pid(), record.thread(), record.path(), record.node());
		}

	}

	/**
	 * @param app only this app's records
	 * @param level the minimum level
	 * @param since ISO-8601 time, inclusive
	 * @param until ISO-8601 time, exclusive
	 * @param logger this logger and its children
	 * @param text a case-insensitive substring of the message or exception
	 * @param regex a regular expression found in the message or exception
	 * @param limit the page size (default 100, at most 1000)
	 * @param before the {@code next} cursor of the previous page
	 * @param release only records of this release (one deploy and what its daemon
	 * printed)
	 */
	record QueryParams(@Nullable String app, @Nullable String level, @Nullable String since, @Nullable String until,
			@Nullable String logger, @Nullable String text, @Nullable String regex, @Nullable Integer limit,
			@Nullable String before, @Nullable String release) {
	}

	/**
	 * @param app only this app's records
	 * @param after the id of the newest record the caller has (the last {@code cursor})
	 */
	record TailParams(@Nullable String app, @Nullable String after) {
	}

}
