package dev.pyapp.server.scm;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.scm.internal.Delivery;
import dev.pyapp.server.scm.internal.DeliveryRepository;
import dev.pyapp.server.scm.internal.HookRegistration;
import dev.pyapp.server.scm.internal.HookRepository;
import dev.pyapp.server.scm.internal.ScmProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Post-commit hooks: their registry (MongoDB; a secret is returned once, at creation) and
 * the checks a delivery passes before a {@link PushReceived} is published: known hook,
 * right signature, a push event, not seen before.
 */
@Component
public class PostCommitHooks {

	private static final Logger logger = LoggerFactory.getLogger(PostCommitHooks.class);

	private static final String DELETED = "0000000000000000000000000000000000000000";

	private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

	private final SecureRandom random = new SecureRandom();

	private final HookRepository hooks;

	private final DeliveryRepository deliveries;

	private final ScmProperties properties;

	private final JsonMapper json;

	private final ApplicationEventPublisher events;

	private final Clock clock = Clock.systemUTC();

	PostCommitHooks(HookRepository hooks, DeliveryRepository deliveries, ScmProperties properties, JsonMapper json,
			ApplicationEventPublisher events) {
		this.hooks = hooks;
		this.deliveries = deliveries;
		this.properties = properties;
		this.json = json;
		this.events = events;
	}

	/**
	 * Creates a hook for an app. The caller checks that the app has a git source.
	 * @param app the app
	 * @param provider who will send it
	 * @param requestBaseUrl the server's URL as the caller reached it (such as
	 * {@code http://127.0.0.1:8800}), used unless {@code pyapp.scm.public-url} is set
	 * @return the hook with its absolute URL and its secret, shown only now
	 */
	public CreatedHook create(AppId app, HookProvider provider, @Nullable String requestBaseUrl) {
		String base = (this.properties.publicUrl() != null) ? this.properties.publicUrl() : requestBaseUrl;
		if (base == null || base.isBlank()) {
			throw PyappException.invalid("no public URL",
					List.of(new Problem("url", "the server does not know its own URL: set pyapp.scm.public-url")));
		}
		String id = randomHex(16);
		String secret = randomHex(32);
		String url = base.replaceAll("/+$", "") + "/hooks/" + id;
		this.hooks.save(new HookRegistration(id, app.value(), provider, secret, url, this.clock.instant()));
		logger.info("Created a {} post-commit hook {} for {}", provider.value(), id, app);
		return new CreatedHook(id, url, secret);
	}

	/**
	 * The hooks of an app, oldest first, without their secrets.
	 * @param app the app
	 * @return its hooks
	 */
	public List<HookInfo> list(AppId app) {
		return this.hooks.findByAppOrderByCreatedAsc(app.value())
			.stream()
			.map((hook) -> new HookInfo(hook.id(), hook.app(), hook.provider().value(), hook.url(), hook.created()))
			.toList();
	}

	/**
	 * Removes a hook; its URL answers 404 from now on.
	 * @param id the hook's id
	 * @return the hook removed
	 * @throws PyappException ({@code NOT_FOUND}) if there is no such hook
	 */
	public HookInfo remove(String id) {
		HookRegistration hook = this.hooks.findById(id)
			.orElseThrow(() -> PyappException.notFound("no post-commit hook with id '" + id + "'"));
		this.hooks.deleteById(id);
		return new HookInfo(hook.id(), hook.app(), hook.provider().value(), hook.url(), hook.created());
	}

	/**
	 * Removes every hook of an app (when the app is removed).
	 * @param app the app
	 */
	public void removeAll(AppId app) {
		this.hooks.deleteByApp(app.value());
	}

	/**
	 * Checks a delivery and publishes a {@link PushReceived} for a new, signed push.
	 * Nothing is recorded before the signature has been checked.
	 */
	Outcome receive(String id, byte[] body, Function<String, @Nullable String> headers) {
		HookRegistration hook = this.hooks.findById(id).orElse(null);
		if (hook == null) {
			return new Outcome(Status.UNKNOWN, "no such hook");
		}
		if (!hook.provider().verify(hook.secret(), body, headers)) {
			logger.warn("Refused a delivery to hook {} of {}: bad or missing signature", id, hook.app());
			return new Outcome(Status.UNAUTHORIZED, "bad or missing signature");
		}
		String event = hook.provider().nonPushEvent(headers);
		if (event != null) {
			return new Outcome(Status.IGNORED, "'" + event + "' is not a push event");
		}
		JsonNode push;
		try {
			push = this.json.readTree(payload(body));
		}
		catch (JacksonException ex) {
			return new Outcome(Status.BAD_REQUEST, "the body is not a JSON push event");
		}
		String ref = text(push, "ref");
		if (ref == null || !ref.startsWith("refs/")) {
			return new Outcome(Status.BAD_REQUEST, "the push event has no 'ref'");
		}
		String delivery = headers.apply(hook.provider().deliveryHeader());
		if (delivery == null || delivery.isBlank()) {
			delivery = "(none)";
		}
		Instant signedAt = signedAt(hook, push);
		Instant now = this.clock.instant();
		if (signedAt != null && (signedAt.isBefore(now.minus(this.properties.maxDeliveryAge()))
				|| signedAt.isAfter(now.plus(CLOCK_SKEW)))) {
			logger.warn("Refused a delivery to hook {} of {} signed at {}: too old or in the future (a replay?)", id,
					hook.app(), signedAt);
			return new Outcome(Status.IGNORED, "the delivery was signed at " + signedAt
					+ ", outside pyapp.scm.max-delivery-age of now; not acted on");
		}
		// a replay carries a fresh delivery id but the same signed body: the body decides
		if (!firstDelivery(hook, "sha256-" + sha256(body))) {
			return new Outcome(Status.DUPLICATE,
					"the same signed body was received before (delivery " + delivery + ")");
		}
		String after = text(push, "after");
		if (DELETED.equals(after)) {
			return new Outcome(Status.IGNORED, ref + " was deleted");
		}
		logger.info("Hook {} of {}: push to {} ({}), delivery {}", id, hook.app(), ref, after, delivery);
		this.events
			.publishEvent(new PushReceived(AppId.of(hook.app()), id, hook.provider().value(), delivery, ref, after));
		return new Outcome(Status.ACCEPTED, "push to " + ref + " accepted");
	}

	/**
	 * When the sender signed the delivery, where the provider puts that in the signed
	 * body ({@code pyapp hooks install-git} sends {@code timestamp}, seconds since the
	 * epoch); the others sign no time of sending.
	 */
	private static @Nullable Instant signedAt(HookRegistration hook, JsonNode push) {
		JsonNode timestamp = push.get("timestamp");
		if (hook.provider() != HookProvider.GENERIC || timestamp == null || !timestamp.isNumber()) {
			return null;
		}
		return Instant.ofEpochSecond(timestamp.asLong());
	}

	/**
	 * Whether a hook with this id exists (looked up before its body is read).
	 * @param id the hook's id
	 * @return whether it exists
	 */
	boolean exists(String id) {
		return this.hooks.existsById(id);
	}

	private boolean firstDelivery(HookRegistration hook, String delivery) {
		Instant now = this.clock.instant();
		this.deliveries.deleteByReceivedBefore(now.minus(this.properties.deliveriesKept()));
		String key = hook.id() + ":" + delivery;
		try {
			this.deliveries.insert(new Delivery(key, now));
			return true;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	// GitHub may be set to send application/x-www-form-urlencoded: payload=<json>
	private static String payload(byte[] body) {
		String text = new String(body, StandardCharsets.UTF_8);
		if (text.startsWith("payload=")) {
			return URLDecoder.decode(text.substring("payload=".length()), StandardCharsets.UTF_8);
		}
		return text;
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	private String randomHex(int bytes) {
		byte[] value = new byte[bytes];
		this.random.nextBytes(value);
		return HexFormat.of().formatHex(value);
	}

	private static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	enum Status {

		/** A new push: {@link PushReceived} was published. */
		ACCEPTED,

		/** A delivery id seen before. */
		DUPLICATE,

		/** Signed, but not a push the server acts on. */
		IGNORED,

		/** The body is not a push event. */
		BAD_REQUEST,

		/** Bad or missing signature: nothing was recorded. */
		UNAUTHORIZED,

		/** No hook with this id. */
		UNKNOWN

	}

	record Outcome(Status status, String message) {
	}

}
