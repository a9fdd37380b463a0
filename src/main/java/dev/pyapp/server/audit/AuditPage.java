package dev.pyapp.server.audit;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of {@code audit.query}, newest first.
 *
 * @param records the records
 * @param next the cursor for the older ones ({@code before}), or {@code null} when there
 * are none
 */
public record AuditPage(List<AuditRecord> records, @Nullable Long next) {
}
