package dev.pyapp.server.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user of the web UI. Only the BCrypt hash of the password is kept.
 *
 * @param username the login name (the id)
 * @param passwordHash the BCrypt hash of the password
 * @param created when the user was created
 * @param passwordChanged when the password was last set
 * @param role what the user may do ({@code null} only in documents written before roles
 * existed, until {@link RoleMigration} sets them to admin)
 */
@Document("users")
record UserAccount(@Id String username, String passwordHash, Instant created, Instant passwordChanged,
		@Nullable Role role) {

	UserAccount withPasswordHash(String hash, Instant now) {
		return new UserAccount(this.username, hash, this.created, now, this.role);
	}

	UserAccount withRole(Role role) {
		return new UserAccount(this.username, this.passwordHash, this.created, this.passwordChanged, role);
	}

	/** The role in force: an unmigrated document may do nothing beyond reading. */
	Role effectiveRole() {
		return (this.role != null) ? this.role : Role.VIEWER;
	}

}
