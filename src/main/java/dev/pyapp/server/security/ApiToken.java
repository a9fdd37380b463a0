package dev.pyapp.server.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An API token created by a user. Only the SHA-256 hash of the token is kept: the value
 * is shown once, when it is created.
 *
 * @param id the token's id (not secret)
 * @param user the user it acts as
 * @param name what the user called it
 * @param hash the hex SHA-256 of the token
 * @param created when it was created
 * @param lastUsed when it last authenticated a request (to the minute), or {@code null}
 * @param role what the token may do, at most what its user may ({@code null} only in
 * documents written before roles existed, until {@link RoleMigration} sets them)
 */
@Document("api_tokens")
public record ApiToken(@Id String id, String user, String name, @Indexed(unique = true) String hash, Instant created,
		@Nullable Instant lastUsed, @Nullable Role role) {

	ApiToken usedAt(Instant now) {
		return new ApiToken(this.id, this.user, this.name, this.hash, this.created, now, this.role);
	}

	/**
	 * The token's own role (an unmigrated document may only read).
	 * @return the role
	 */
	public Role effectiveRole() {
		return (this.role != null) ? this.role : Role.VIEWER;
	}

}
