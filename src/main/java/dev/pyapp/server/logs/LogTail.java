package dev.pyapp.server.logs;

import java.util.List;

/**
 * The result of a tail: records newer than the cursor given, oldest first.
 *
 * @param records the records
 * @param cursor the id to pass as {@code after} next time
 */
public record LogTail(List<LogRecord> records, long cursor) {
}
