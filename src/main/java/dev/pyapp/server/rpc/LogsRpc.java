package dev.pyapp.server.rpc;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * {@code logs.*}: searches and live tails of the captured records (SPEC §9 "Logs").
 */
@RpcEndpoint
class LogsRpc {

	private static final int DEFAULT_LIMIT = 100;

	private final LogViewer viewer;

	private final LogStatistics statistics;

	LogsRpc(LogViewer viewer, LogStatistics statistics) {
		this.viewer = viewer;
		this.statistics = statistics;
	}

	@RpcMethod(value = "logs.query", role = Role.VIEWER, readOnly = true)
	Map<String, Object> query(QueryParams params) {
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
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", page.records().stream().map(LogsRpc::record).toList());
		result.put("next", (page.next() != null) ? page.next().toString() : null);
		return result;
	}

	@RpcMethod(value = "logs.tail", role = Role.VIEWER, readOnly = true)
	Map<String, Object> tail(TailParams params) {
		List<Problem> problems = new ArrayList<>();
		String app = app(params.app(), problems);
		Long after = id("after", params.after(), problems);
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid log tail", problems);
		}
		LogTail tail = this.viewer.tail(app, after);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("records", tail.records().stream().map(LogsRpc::record).toList());
		result.put("cursor", Long.toString(tail.cursor()));
		return result;
	}

	@RpcMethod(value = "logs.stats", role = Role.VIEWER, readOnly = true)
	Object stats() {
		return this.statistics.stats();
	}

	/**
	 * Always milliseconds: a stored record has them, a record still in memory has more,
	 * and {@link java.time.Instant#toString()} drops trailing zeros, so the same client
	 * would see three formats.
	 */
	static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	static Map<String, Object> record(LogRecord record) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", Long.toString(record.id()));
		result.put("time", TIME.format(record.time()));
		result.put("app", record.app());
		result.put("release", record.release());
		result.put("level", record.level().name());
		result.put("logger", record.logger());
		result.put("message", record.message());
		result.put("exception", record.exception());
		result.put("pid", record.pid());
		result.put("thread", record.thread());
		result.put("path", record.path());
		if (record.node() != null) {
			result.put("node", record.node());
		}
		return result;
	}

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
			problems.add(new Problem(name, "expected an ISO-8601 time such as 2024-05-01T12:00:00Z"));
			return null;
		}
	}

	private static @Nullable String emptyToNull(@Nullable String text) {
		return (text == null || text.isEmpty()) ? null : text;
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
