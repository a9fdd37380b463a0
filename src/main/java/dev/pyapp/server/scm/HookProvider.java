package dev.pyapp.server.scm;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The senders of post-commit hooks, each with its signature header, its delivery-id
 * header and its way of naming a push event.
 */
public enum HookProvider {

	/**
	 * {@code X-Hub-Signature-256: sha256=<hmac>}; the sha1 header alone is not enough.
	 */
	GITHUB("github", "X-GitHub-Delivery", "X-GitHub-Event"),

	/** {@code X-Gitlab-Token: <secret>}. */
	GITLAB("gitlab", "X-Gitlab-Event-UUID", "X-Gitlab-Event"),

	/** {@code X-Gitea-Signature: <hmac>}. */
	GITEA("gitea", "X-Gitea-Delivery", "X-Gitea-Event"),

	/**
	 * {@code X-Pyapp-Signature: sha256=<hex of HMAC-SHA256(secret, raw body)>}, as sent
	 * by {@code pyapp hooks install-git}.
	 */
	GENERIC("generic", "X-Pyapp-Delivery", null);

	private final String value;

	private final String deliveryHeader;

	private final @Nullable String eventHeader;

	HookProvider(String value, String deliveryHeader, @Nullable String eventHeader) {
		this.value = value;
		this.deliveryHeader = deliveryHeader;
		this.eventHeader = eventHeader;
	}

	public String value() {
		return this.value;
	}

	/**
	 * The provider with this name.
	 * @param value {@code github}, {@code gitlab}, {@code gitea} or {@code generic}
	 * @return the provider, or {@code null}
	 */
	public static @Nullable HookProvider of(@Nullable String value) {
		for (HookProvider provider : values()) {
			if (provider.value.equals(value)) {
				return provider;
			}
		}
		return null;
	}

	String deliveryHeader() {
		return this.deliveryHeader;
	}

	/**
	 * Whether a delivery is a push (the only event acted on).
	 * @param headers the request's headers
	 * @return whether it is a push, and what it is otherwise
	 */
	@Nullable String nonPushEvent(Function<String, @Nullable String> headers) {
		String event = (this.eventHeader != null) ? headers.apply(this.eventHeader) : null;
		if (event == null) {
			return null;
		}
		String name = event.toLowerCase(Locale.ROOT);
		boolean push = switch (this) {
			case GITLAB -> name.equals("push hook") || name.equals("tag push hook");
			default -> name.equals("push");
		};
		return push ? null : event;
	}

	/**
	 * Checks a delivery's signature in constant time.
	 * @param secret the hook's secret
	 * @param body the raw body
	 * @param headers the request's headers
	 * @return whether the signature is present and right
	 */
	boolean verify(String secret, byte[] body, Function<String, @Nullable String> headers) {
		switch (this) {
			case GITLAB:
				return equal(headers.apply("X-Gitlab-Token"), secret);
			case GITEA:
				return equalDigest(headers.apply("X-Gitea-Signature"), hmac(secret, body));
			case GITHUB:
				return equalDigest(headers.apply("X-Hub-Signature-256"), "sha256=" + hmac(secret, body));
			default:
				return equalDigest(headers.apply("X-Pyapp-Signature"), "sha256=" + hmac(secret, body));
		}
	}

	/**
	 * The HMAC-SHA256 of a body under a secret, hex.
	 * @param secret the secret
	 * @param body the body
	 * @return lowercase hex
	 */
	static String hmac(String secret, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static boolean equal(@Nullable String given, String expected) {
		return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
				expected.getBytes(StandardCharsets.UTF_8));
	}

	// senders write hex digests in lowercase, but nothing forbids uppercase
	private static boolean equalDigest(@Nullable String given, String expected) {
		return given != null && equal(given.trim().toLowerCase(Locale.ROOT), expected);
	}

}
