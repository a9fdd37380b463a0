package dev.pyapp.server.scm;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * How a repository is reached over SSH: with which app's deploy key ({@link DeployKeys}),
 * and which host key its server must present.
 *
 * @param keyOwner the app whose deploy key authenticates
 * @param hostKey the SHA-256 fingerprint the server must present ({@code SHA256:...}), or
 * {@code null} for the one pinned for the app
 * @param acceptHostKey whether the key the server presents is pinned when none is pinned
 * or given (first contact, trusted as it is)
 */
public record SshAccess(AppId keyOwner, @Nullable String hostKey, boolean acceptHostKey) {

	public SshAccess {
		Assert.notNull(keyOwner, "'keyOwner' must not be null");
	}

}
