package dev.pyapp.server.nodes;

import org.jspecify.annotations.Nullable;

/**
 * A node to add.
 *
 * @param name its name ({@code ^[a-z][a-z0-9-]{0,39}$}, not {@code local})
 * @param host the SSH host name or address
 * @param port the SSH port
 * @param user the user to log in as
 * @param hostKey the host key's {@code SHA256:} fingerprint (or public key line), or
 * {@code null} with {@code acceptHostKey}
 * @param acceptHostKey accept the key the host presents on this first contact (and pin
 * it)
 * @param privateKey the private key's text (OpenSSH or PEM, unencrypted), or {@code null}
 * @param keyPath a private key file on this server, or {@code null}
 */
public record NodeAddRequest(String name, String host, int port, String user, @Nullable String hostKey,
		boolean acceptHostKey, @Nullable String privateKey, @Nullable String keyPath) {

	@Override
	public String toString() {
		// never the key
		return "NodeAddRequest[" + this.name + " " + this.user + "@" + this.host + ":" + this.port + "]";
	}

}
