package dev.pyapp.server.scm;

import org.springframework.util.Assert;

/**
 * An HTTPS access token for a private repository. Kept in a file only the server can
 * read; never logged and never returned by the API, so {@link #toString()} masks it.
 *
 * @param username the user name sent with the token ({@code x-access-token} suits GitHub,
 * {@code oauth2} GitLab)
 * @param token the token
 */
public record GitCredentials(String username, String token) {

	/** The user name used when none is given. */
	public static final String DEFAULT_USERNAME = "x-access-token";

	public GitCredentials {
		Assert.hasText(username, "'username' must have text");
		Assert.hasText(token, "'token' must have text");
	}

	@Override
	public String toString() {
		return "GitCredentials[username=" + this.username + ", token=******]";
	}

}
