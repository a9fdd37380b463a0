package dev.pyapp.server.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.internal.LogsProperties;

import org.springframework.util.unit.DataSize;

/**
 * Records and settings for the tests of this module.
 */
public final class LogFixtures {

	private LogFixtures() {
	}

	public static LogsProperties properties(DataSize cap, int bufferRecords, DataSize spill) {
		return new LogsProperties(cap, Map.of(), bufferRecords, DataSize.ofMegabytes(64), spill, 1000, 20000,
				DataSize.ofMegabytes(32), Duration.ofSeconds(25), Duration.ofMillis(100), DataSize.ofMegabytes(64),
				Duration.ofSeconds(2), notifications(Duration.ofMillis(100)), LogsProperties.Socket.defaults());
	}

	public static LogsProperties properties() {
		return properties(DataSize.ofMegabytes(64), 100_000, DataSize.ofMegabytes(64));
	}

	public static LogsProperties.Notifications notifications(Duration backoff) {
		return new LogsProperties.Notifications(3, backoff, Duration.ofSeconds(5), "pyapp@localhost", 500, 100, 1000);
	}

	public static LogRecord record(long id, String app, LogLevel level, String logger, String message) {
		return record(id, app, level, logger, message, null);
	}

	public static LogRecord record(long id, String app, LogLevel level, String logger, String message,
			@Nullable String exception) {
		return new LogRecord(id, Instant.ofEpochMilli(1_700_000_000_000L + id), app, "1.0-20240101T000000Z", level,
				logger, message, exception, 4242, "MainThread", null);
	}

}
