package dev.pyapp.server.audit;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One state-changing call.
 *
 * @param id increasing with the time the call ended; the cursor of {@code audit.query}
 * @param time when the call started
 * @param principal who made it: a user's name (UI session), {@code token:<name>} (a
 * user's API token), {@code api-token} (the local token file), {@code webhook:<provider>}
 * or {@code dropbox}
 * @param user the user the call acted as, or {@code null}
 * @param role the caller's role, or {@code null} for the server's own triggers
 * @param method the JSON-RPC method ({@code apps.install}), or what the HTTP call did
 * ({@code archives.upload})
 * @param params the params, with every secret replaced by {@code "***"}
 * @param outcome {@code ok} or {@code error}
 * @param error the error's code and message when it failed, else {@code null}
 * @param durationMs how long it took
 */
@Document("audit")
public record AuditRecord(@Id long id, Instant time, String principal, @Nullable String user, @Nullable String role,
		String method, @Nullable Object params, String outcome, @Nullable Map<String, Object> error,
		@JsonProperty("duration_ms") long durationMs) {

	/** The outcome of a call that succeeded. */
	public static final String OK = "ok";

	/** The outcome of a call that failed. */
	public static final String ERROR = "error";

}
