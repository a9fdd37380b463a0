package dev.pyapp.server.nodes.internal;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

/**
 * Opens SSH sessions with JSch: public-key authentication only, modern algorithms only,
 * and the host key checked against the node's pin.
 */
public final class SshConnector {

	/** Host key algorithms, strongest first; no ssh-dss, no SHA-1 RSA signatures. */
	static final String HOST_KEY_ALGORITHMS = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
			+ "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";

	private static final String KEX = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
			+ "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group16-sha512,diffie-hellman-group14-sha256";

	private SshConnector() {
	}

	/**
	 * Connects and authenticates.
	 * @param target where and as whom
	 * @param hostKey the pin the host key is checked against
	 * @param timeout how long connecting may take
	 * @return the connected session
	 * @throws PyappException {@code FORBIDDEN} when the host key does not match the pin
	 * (or is unknown and not accepted), {@code FAILED} when the host cannot be reached or
	 * refuses the key
	 */
	static Session connect(SshTarget target, PinnedHostKey hostKey, Duration timeout) {
		JSch jsch = new JSch();
		try {
			if (target.privateKey() != null) {
				jsch.addIdentity("node-key", target.privateKey().getBytes(StandardCharsets.UTF_8), null, null);
			}
			else if (target.keyPath() != null) {
				Path key = Path.of(target.keyPath());
				if (!Files.isReadable(key)) {
					throw PyappException.invalid("no private key", List.of(new Problem("key_path",
							"'" + target.keyPath() + "' is not a readable file on this server")));
				}
				jsch.addIdentity(key.toString());
			}
		}
		catch (JSchException ex) {
			// the parser's message says what it did not understand, never the key itself
			throw PyappException.invalid("invalid private key",
					List.of(new Problem((target.privateKey() != null) ? "private_key" : "key_path",
							"not a usable unencrypted private key (OpenSSH or PEM format): " + ex.getMessage())));
		}
		jsch.setHostKeyRepository(hostKey);
		try {
			Session session = jsch.getSession(target.user(), target.host(), target.port());
			session.setConfig("StrictHostKeyChecking", "yes");
			session.setConfig("PreferredAuthentications", "publickey");
			session.setConfig("server_host_key", HOST_KEY_ALGORITHMS);
			session.setConfig("PubkeyAcceptedAlgorithms", HOST_KEY_ALGORITHMS);
			session.setConfig("kex", KEX);
			session.setServerAliveInterval(10_000);
			session.setServerAliveCountMax(3);
			session.connect((int) timeout.toMillis());
			return session;
		}
		catch (JSchException ex) {
			throw failure(target, hostKey, ex);
		}
	}

	private static PyappException failure(SshTarget target, PinnedHostKey hostKey, JSchException ex) {
		String where = target.user() + "@" + target.host() + ":" + target.port();
		String presented = hostKey.presented();
		if (presented != null && hostKey.pinned() != null && !presented.equals(hostKey.pinned())) {
			return new PyappException(ErrorKind.FORBIDDEN, "host key mismatch: " + where + " presented " + presented
					+ ", but the pinned host key is " + hostKey.pinned()
					+ "; refusing to connect (if the host's key really changed, check the new one on the host with"
					+ " `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` and pin it with nodes.rekey:"
					+ " `pyapp nodes rekey NODE --host-key " + presented + "`)");
		}
		if (presented != null && hostKey.pinned() == null && String.valueOf(ex.getMessage()).contains("reject")) {
			return new PyappException(ErrorKind.FORBIDDEN, "unknown host key: " + where + " presented " + presented
					+ "; compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the node, then pass it"
					+ " as host_key (or accept it once with accept_host_key: true)");
		}
		return new PyappException(ErrorKind.FAILED, "cannot connect to " + where + ": " + reason(ex), ex);
	}

	/**
	 * What went wrong, in words: JSch's message of a network failure is the JDK
	 * exception's {@code toString()} ("java.net.ConnectException: Connection refused").
	 */
	static String reason(JSchException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof UnknownHostException) {
			return "unknown host " + cause.getMessage();
		}
		if (cause instanceof SocketTimeoutException) {
			return "no answer in time";
		}
		if (cause instanceof ConnectException) {
			return (cause.getMessage() != null) ? cause.getMessage().toLowerCase(Locale.ROOT) : "connection refused";
		}
		if (cause != null && cause.getMessage() != null) {
			return cause.getMessage();
		}
		return String.valueOf(ex.getMessage());
	}

	/**
	 * Where to connect and how to authenticate.
	 *
	 * @param host the host name or address
	 * @param port the SSH port
	 * @param user the user to log in as
	 * @param privateKey the private key's text, or {@code null}
	 * @param keyPath the path of a private key file on this server, or {@code null}
	 */
	public record SshTarget(String host, int port, String user, @Nullable String privateKey, @Nullable String keyPath) {

		@Override
		public String toString() {
			// never the key
			return this.user + "@" + this.host + ":" + this.port;
		}

	}

}
