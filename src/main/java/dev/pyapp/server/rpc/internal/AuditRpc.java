package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.audit.AuditPage;
import dev.pyapp.server.audit.AuditQuery;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code audit.query}: who changed what (SPEC §10), newest first, paginated like
 * {@code logs.query}.
 */
@RpcEndpoint
public class AuditRpc {

	private static final int DEFAULT_LIMIT = 100;

	private final AuditLog audit;

	AuditRpc(AuditLog audit) {
		this.audit = audit;
	}

	@RpcMethod(value = "audit.query", role = Role.ADMIN, readOnly = true)
	AuditPage query(QueryParams params) {
		List<Problem> problems = new ArrayList<>();
		Instant since = LogsRpc.time("since", params.since(), problems);
		Instant until = LogsRpc.time("until", params.until(), problems);
		int limit = (params.limit() != null) ? params.limit() : DEFAULT_LIMIT;
		if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
			problems.add(new Problem("limit", "must be between 1 and " + AuditQuery.MAX_LIMIT));
		}
		Long before = before(params.before(), problems);
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid audit query", problems);
		}
		return this.audit.query(new AuditQuery(since, until, blankToNull(params.principal()),
				blankToNull(params.method()), limit, before));
	}

	/**
	 * The cursor as a page's {@code next} gave it (a number), or as text: a client passes
	 * {@code next} back as it came.
	 */
	private static @Nullable Long before(@Nullable Object before, List<Problem> problems) {
		if (before instanceof Number number && (number instanceof Long || number instanceof Integer)) {
			return number.longValue();
		}
		if (before instanceof String text) {
			if (text.isBlank()) {
				return null;
			}
			try {
				return Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				// reported below
			}
		}
		if (before != null) {
			problems.add(new Problem("before", "expected the 'next' of a previous page"));
		}
		return null;
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return (text == null || text.isBlank()) ? null : text.trim();
	}

	/**
	 * @param since ISO-8601, or a duration meaning that long ago ({@code 1h})
	 * @param until ISO-8601, or a duration
	 * @param principal a principal ({@code alice}, {@code token:ci}, {@code dropbox},
	 * {@code webhook:github}) or the user a token acted as
	 * @param method a method, or a prefix ending with {@code *} ({@code apps.*})
	 * @param limit the most records (default 100, at most 1000)
	 * @param before the {@code next} of the previous page (a number, or the same as text)
	 */
	record QueryParams(@Nullable String since, @Nullable String until, @Nullable String principal,
			@Nullable String method, @Nullable Integer limit, @Nullable Object before) {
	}

}
