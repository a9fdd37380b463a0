package dev.pyapp.server.nodes.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import org.jspecify.annotations.Nullable;

/**
 * The one host key a node may present: its {@code SHA256:} fingerprint, pinned when the
 * node was added. Nothing else is trusted, not even the user's {@code known_hosts}. Until
 * a key is pinned, the key presented is only accepted when the operator explicitly said
 * so ({@code accept_host_key: true}) on the first contact.
 */
public final class PinnedHostKey implements HostKeyRepository {

	private static final Pattern FINGERPRINT = Pattern.compile("^SHA256:[A-Za-z0-9+/]{43}=?$");

	private final @Nullable String pinned;

	private final boolean acceptFirst;

	private volatile @Nullable String presented;

	private PinnedHostKey(@Nullable String pinned, boolean acceptFirst) {
		this.pinned = pinned;
		this.acceptFirst = acceptFirst;
	}

	/**
	 * Accepts only this fingerprint.
	 * @param fingerprint {@code SHA256:…}
	 * @return the repository
	 */
	public static PinnedHostKey of(String fingerprint) {
		return new PinnedHostKey(fingerprint, false);
	}

	/**
	 * Accepts whatever key the host presents (trust on first use), or none.
	 * @param accept whether the operator accepted an unknown key
	 * @return the repository
	 */
	public static PinnedHostKey firstContact(boolean accept) {
		return new PinnedHostKey(null, accept);
	}

	/**
	 * Normalises what an operator gives as a host key: a {@code SHA256:} fingerprint (as
	 * {@code ssh-keygen -lf} prints it) or a public key line ({@code ssh-ed25519 AAAA…}).
	 * @param text the operator's text
	 * @return the fingerprint, or {@code null} if the text is neither
	 */
	public static @Nullable String normalize(String text) {
		String trimmed = text.trim();
		if (FINGERPRINT.matcher(trimmed).matches()) {
			return trimmed.endsWith("=") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
		}
		String[] parts = trimmed.split("\\s+");
		if (parts.length >= 2 && (parts[0].startsWith("ssh-") || parts[0].startsWith("ecdsa-"))) {
			try {
				return fingerprint(Base64.getDecoder().decode(parts[1]));
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
		return null;
	}

	/**
	 * The OpenSSH fingerprint of a public key: {@code SHA256:} and the unpadded base64 of
	 * the SHA-256 of its wire form.
	 * @param key the key blob
	 * @return the fingerprint
	 */
	static String fingerprint(byte[] key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
			return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The fingerprint of the key the host presented on the last connection attempt.
	 * @return the fingerprint, or {@code null} before any
	 */
	public @Nullable String presented() {
		return this.presented;
	}

	@Nullable String pinned() {
		return this.pinned;
	}

	@Override
	public int check(String host, byte[] key) {
		String fingerprint = fingerprint(key);
		this.presented = fingerprint;
		if (this.pinned == null) {
			return this.acceptFirst ? OK : NOT_INCLUDED;
		}
		return MessageDigest.isEqual(this.pinned.getBytes(StandardCharsets.US_ASCII),
				fingerprint.getBytes(StandardCharsets.US_ASCII)) ? OK : CHANGED;
	}

	@Override
	public void add(HostKey hostkey, UserInfo ui) {
		// keys are pinned in the node registry, never learnt here
	}

	@Override
	public void remove(String host, String type) {
	}

	@Override
	public void remove(String host, String type, byte[] key) {
	}

	@Override
	public String getKnownHostsRepositoryID() {
		return "pyapp-pinned-host-key";
	}

	@Override
	public HostKey[] getHostKey() {
		return new HostKey[0];
	}

	@Override
	public HostKey[] getHostKey(String host, String type) {
		// no key known by type: JSch then offers every modern algorithm it has
		return new HostKey[0];
	}

}
