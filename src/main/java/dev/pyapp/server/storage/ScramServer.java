package dev.pyapp.server.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as MongoDB drivers speak it in
 * {@code saslStart}/{@code saslContinue}. Passwords are ASCII (the servers' own random
 * hex), so SASLprep leaves them as they are.
 */
final class ScramServer {

	static final String MECHANISM = "SCRAM-SHA-256";

	static final int ITERATIONS = 15000;

	private final SecureRandom random = new SecureRandom();

	/** The keys of one user, derived once from the password. */
	record Keys(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

		static Keys of(String password, byte[] salt, int iterations) {
			byte[] salted = pbkdf2(password, salt, iterations);
			byte[] clientKey = hmac(salted, "Client Key");
			return new Keys(salt, iterations, sha256(clientKey), hmac(salted, "Server Key"));
		}

	}

	/**
	 * One authentication in progress.
	 */
	final class Conversation {

		private final String user;

		private final String clientFirstBare;

		private final String serverFirst;

		private final String nonce;

		private final Keys keys;

		private Conversation(String user, String clientFirstBare, String serverFirst, String nonce, Keys keys) {
			this.user = user;
			this.clientFirstBare = clientFirstBare;
			this.serverFirst = serverFirst;
			this.nonce = nonce;
			this.keys = keys;
		}

		String user() {
			return this.user;
		}

		String serverFirst() {
			return this.serverFirst;
		}

		/**
		 * Checks the client's proof.
		 * @param clientFinal {@code c=biws,r=<nonce>,p=<proof>}
		 * @return the server's final message ({@code v=<signature>}), or {@code null} if
		 * the proof is wrong
		 */
		@Nullable String finish(String clientFinal) {
			Map<String, String> fields = fields(clientFinal);
			int proofAt = clientFinal.lastIndexOf(",p=");
			if (proofAt < 0 || !this.nonce.equals(fields.get("r")) || fields.get("p") == null) {
				return null;
			}
			String withoutProof = clientFinal.substring(0, proofAt);
			byte[] proof;
			try {
				proof = Base64.getDecoder().decode(fields.get("p"));
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			String authMessage = this.clientFirstBare + "," + this.serverFirst + "," + withoutProof;
			byte[] signature = hmac(this.keys.storedKey(), authMessage);
			if (proof.length != signature.length) {
				return null;
			}
			byte[] clientKey = new byte[proof.length];
			for (int i = 0; i < proof.length; i++) {
				clientKey[i] = (byte) (proof[i] ^ signature[i]);
			}
			if (!MessageDigest.isEqual(sha256(clientKey), this.keys.storedKey())) {
				return null;
			}
			return "v=" + Base64.getEncoder().encodeToString(hmac(this.keys.serverKey(), authMessage));
		}

	}

	/**
	 * Starts a conversation from the client's first message.
	 * @param clientFirst {@code n,,n=<user>,r=<nonce>}
	 * @param keys the keys of the user it names, looked up by name; {@code null} for an
	 * unknown user
	 * @return the conversation, or {@code null} for a malformed message or unknown user
	 */
	@Nullable Conversation start(String clientFirst, java.util.function.Function<String, @Nullable Keys> keys) {
		if (!clientFirst.startsWith("n,")) {
			return null;
		}
		int bareAt = clientFirst.indexOf(',', 2);
		if (bareAt < 0) {
			return null;
		}
		String bare = clientFirst.substring(bareAt + 1);
		Map<String, String> fields = fields(bare);
		String user = fields.get("n");
		String clientNonce = fields.get("r");
		if (user == null || clientNonce == null || clientNonce.isEmpty()) {
			return null;
		}
		Keys found = keys.apply(user.replace("=2C", ",").replace("=3D", "="));
		if (found == null) {
			return null;
		}
		byte[] serverNonce = new byte[24];
		this.random.nextBytes(serverNonce);
		String nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
		String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(found.salt()) + ",i="
				+ found.iterations();
		return new Conversation(user, bare, serverFirst, nonce, found);
	}

	private static Map<String, String> fields(String message) {
		Map<String, String> fields = new HashMap<>();
		for (String part : message.split(",")) {
			if (part.length() >= 2 && part.charAt(1) == '=') {
				fields.putIfAbsent(part.substring(0, 1), part.substring(2));
			}
		}
		return fields;
	}

	static byte[] pbkdf2(String password, byte[] salt, int iterations) {
		try {
			SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
			return factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", ex);
		}
	}

	static byte[] hmac(byte[] key, String text) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	static byte[] sha256(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
