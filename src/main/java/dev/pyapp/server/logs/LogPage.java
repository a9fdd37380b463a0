package dev.pyapp.server.logs;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a {@link LogQuery}.
 *
 * @param records the records, newest first
 * @param next the cursor for older records (pass it as {@code before}), or {@code null}
 * when there are none
 */
public record LogPage(List<LogRecord> records, @Nullable Long next) {
}
