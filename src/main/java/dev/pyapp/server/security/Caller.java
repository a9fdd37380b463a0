package dev.pyapp.server.security;

import org.jspecify.annotations.Nullable;

/**
 * Who is calling, as the audit log names them, and with which role.
 *
 * @param principal the name the audit log records: a user's name for a UI session,
 * {@code token:<name>} for a user's API token, {@code api-token} for the local token file
 * @param user the user the call acts as (the token's owner), or {@code null} for the
 * local token
 * @param role the role in force for the call
 */
public record Caller(String principal, @Nullable String user, Role role) {
}
