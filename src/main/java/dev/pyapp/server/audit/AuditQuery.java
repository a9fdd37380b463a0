package dev.pyapp.server.audit;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What {@code audit.query} looks for; every criterion is optional.
 *
 * @param since records of calls at or after this time
 * @param until records of calls before this time
 * @param principal records whose principal or user is this (exactly)
 * @param method records of this method, or of every method below it when it ends with
 * {@code .} or {@code *} ({@code apps.*})
 * @param limit the most records returned (1 to {@link #MAX_LIMIT})
 * @param before the cursor: records older than this id (a previous page's {@code next})
 */
public record AuditQuery(@Nullable Instant since, @Nullable Instant until, @Nullable String principal,
		@Nullable String method, int limit, @Nullable Long before) {

	/** The largest page. */
	public static final int MAX_LIMIT = 1000;

}
