package dev.pyapp.server.security;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user of the web UI. Only the BCrypt hash of the password is kept.
 *
 * @param username the login name (the id)
 * @param passwordHash the BCrypt hash of the password
 * @param created when the user was created
 * @param passwordChanged when the password was last set
 */
@Document("users")
record UserAccount(@Id String username, String passwordHash, Instant created, Instant passwordChanged) {

	UserAccount withPasswordHash(String hash, Instant now) {
		return new UserAccount(this.username, hash, this.created, now);
	}

}
