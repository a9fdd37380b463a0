package dev.pyapp.server.audit;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A call to record; see {@link AuditRecord} for the fields. {@code params} are masked by
 * {@link AuditLog#record} before they are stored.
 *
 * @param time when the call started
 * @param principal who made it
 * @param user the user it acted as, or {@code null}
 * @param role the caller's role, or {@code null}
 * @param method what was called
 * @param params its params (maps, lists and plain values), or {@code null}
 * @param errorCode the error's code when it failed ({@code 0} when it succeeded)
 * @param errorMessage the error's message when it failed
 * @param duration how long it took
 */
public record AuditEntry(Instant time, String principal, @Nullable String user, @Nullable String role, String method,
		@Nullable Object params, int errorCode, @Nullable String errorMessage, Duration duration) {

	/**
	 * A call that succeeded.
	 */
	public static AuditEntry ok(Instant time, String principal, @Nullable String user, @Nullable String role,
			String method, @Nullable Object params, Duration duration) {
		return new AuditEntry(time, principal, user, role, method, params, 0, null, duration);
	}

	/**
	 * A call that failed.
	 */
	public static AuditEntry failed(Instant time, String principal, @Nullable String user, @Nullable String role,
			String method, @Nullable Object params, int code, String message, Duration duration) {
		return new AuditEntry(time, principal, user, role, method, params, code, message, duration);
	}

}
