package dev.pyapp.server.logs;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One captured log record (SPEC §9 "Logs").
 *
 * @param id the record's id: unique, and increasing in the order records were received,
 * so it is the cursor of {@code logs.tail} and {@code logs.query}; {@code 0} until the
 * collector assigns it
 * @param time when the record was made (stdout/stderr lines: when they were read)
 * @param app the app, or {@code null} when the sender did not name a valid app
 * @param release the release that made it, if known
 * @param level the level
 * @param logger the logger's name ({@code stdout}, {@code stderr}, {@code gunicorn},
 * {@code pyapp.deploy} for captured output, the server's own records)
 * @param message the formatted message
 * @param exception the formatted exception with its traceback, if any
 * @param pid the process id, if known
 * @param thread the thread's name, if known
 * @param path the request path when the record was made inside a request
 * @param node the node whose app made it (pulled from that node's agent), or {@code null}
 * for this server's own apps
 */
public record LogRecord(long id, Instant time, @Nullable String app, @Nullable String release, LogLevel level,
		String logger, String message, @Nullable String exception, @Nullable Integer pid, @Nullable String thread,
		@Nullable String path, @Nullable String node) {

	/**
	 * A record of one of this server's own apps.
	 */
	public LogRecord(long id, Instant time, @Nullable String app, @Nullable String release, LogLevel level,
			String logger, String message, @Nullable String exception, @Nullable Integer pid, @Nullable String thread,
			@Nullable String path) {
		this(id, time, app, release, level, logger, message, exception, pid, thread, path, null);
	}

	/**
	 * This record with an id.
	 * @param id the id
	 * @return a copy
	 */
	public LogRecord withId(long id) {
		return new LogRecord(id, this.time, this.app, this.release, this.level, this.logger, this.message,
				this.exception, this.pid, this.thread, this.path, this.node);
	}

}
