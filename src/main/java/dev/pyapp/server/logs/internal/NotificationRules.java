package dev.pyapp.server.logs.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.NotificationRule;
import dev.pyapp.server.logs.NotificationRuleRequest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The notification rules ({@code notifications.rules.*}): every field checked when a rule
 * is added, kept in the MongoDB collection {@code notification_rules} and in memory in
 * the order they were added. At most {@code pyapp.logs.notifications.max-rules} rules
 * exist, because every collected record is matched against each of them.
 */
@Component
public class NotificationRules {

	public static final String COLLECTION = "notification_rules";

	/** The longest pattern accepted, in characters. */
	public static final int MAX_PATTERN = 1000;

	/** The longest target (URL or e-mail address) accepted, in characters. */
	public static final int MAX_TARGET = 2048;

	/** The longest throttle period accepted. */
	static final Duration MAX_THROTTLE = Duration.ofDays(1);

	private static final Logger logger = LoggerFactory.getLogger(NotificationRules.class);

	private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

	private final MongoCollection<Document> store;

	private final int maxRules;

	/** An immutable snapshot, replaced on every change (so a reader may keep it). */
	private volatile List<NotificationRule> rules;

	@Autowired
	public NotificationRules(MongoDatabaseFactory databases, LogsProperties properties) {
		this(databases.getMongoDatabase().getCollection(COLLECTION), properties.notifications().maxRules());
	}

	public NotificationRules(MongoCollection<Document> store, int maxRules) {
		Assert.isTrue(maxRules > 0, "'maxRules' must be positive");
		this.store = store;
		this.maxRules = maxRules;
		this.rules = load(store);
	}

	/**
	 * The rules in the order they were added: the same list object until they change.
	 * @return an immutable snapshot
	 */
	public List<NotificationRule> rules() {
		return this.rules;
	}

	/**
	 * The rule with this id.
	 * @param id the rule's id
	 * @return the rule
	 * @throws PyappException {@code NOT_FOUND} if there is no such rule
	 */
	public NotificationRule find(String id) {
		return this.rules.stream()
			.filter((rule) -> rule.id().equals(id))
			.findFirst()
			.orElseThrow(() -> PyappException.notFound("no notification rule with id '" + id + "'"));
	}

	/**
	 * Adds a rule after checking every field.
	 * @param request the rule
	 * @return the rule with its id
	 * @throws PyappException {@code INVALID} listing every bad field; {@code CONFLICT}
	 * when there are {@code max-rules} rules already
	 */
	public synchronized NotificationRule add(NotificationRuleRequest request) {
		NotificationRule rule = validate(request);
		if (this.rules.size() >= this.maxRules) {
			throw PyappException.conflict("there are " + this.rules.size()
					+ " notification rules already, the most allowed (pyapp.logs.notifications.max-rules): "
					+ "remove one first");
		}
		this.store.insertOne(toDocument(rule));
		List<NotificationRule> changed = new ArrayList<>(this.rules);
		changed.add(rule);
		this.rules = List.copyOf(changed);
		return rule;
	}

	/**
	 * Removes a rule.
	 * @param id the rule's id
	 * @return the rule removed
	 * @throws PyappException {@code NOT_FOUND} if there is no such rule
	 */
	public synchronized NotificationRule remove(String id) {
		NotificationRule rule = find(id);
		this.store.deleteOne(Filters.eq("_id", id));
		this.rules = this.rules.stream().filter((candidate) -> !candidate.id().equals(id)).toList();
		return rule;
	}

	public static NotificationRule validate(NotificationRuleRequest request) {
		List<Problem> problems = new ArrayList<>();
		String app = blankToNull(request.app());
		if (app != null && !AppId.PATTERN.matcher(app).matches()) {
			problems.add(new Problem("app", "'" + app + "' is not a valid app name"));
		}
		LogLevel level = LogLevel.parse(request.minLevel());
		if (level == null) {
			problems.add(new Problem("min_level",
					given(request.minLevel(), "a level") + "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"));
		}
		String pattern = blankToNull(request.pattern());
		if (pattern != null) {
			problems.addAll(patternProblems(pattern));
		}
		NotificationRule.Channel channel = null;
		String channelName = blankToNull(request.channel());
		if (channelName != null && Set.of("webhook", "email").contains(channelName.toLowerCase(Locale.ROOT))) {
			channel = NotificationRule.Channel.valueOf(channelName.toUpperCase(Locale.ROOT));
		}
		else {
			problems.add(new Problem("channel", given(channelName, "a channel") + "expected webhook or email"));
		}
		String target = blankToNull(request.target());
		if (target == null) {
			problems.add(new Problem("target", "required: the webhook URL or the e-mail address"));
		}
		else if (target.length() > MAX_TARGET) {
			problems.add(new Problem("target", "at most " + MAX_TARGET + " characters"));
		}
		else if (channel == NotificationRule.Channel.WEBHOOK && !isHttpUrl(target)) {
			problems.add(new Problem("target", "expected an http or https URL"));
		}
		else if (channel == NotificationRule.Channel.EMAIL && !EMAIL.matcher(target).matches()) {
			problems.add(new Problem("target", "expected an e-mail address"));
		}
		Duration throttle = null;
		String throttleText = blankToNull(request.throttle());
		if (throttleText != null) {
			try {
				throttle = DurationStyle.detectAndParse(throttleText);
				if (throttle.isNegative() || throttle.isZero()) {
					problems.add(new Problem("throttle", "must be positive"));
				}
				else if (throttle.compareTo(MAX_THROTTLE) > 0) {
					problems.add(new Problem("throttle", "at most 24h"));
				}
			}
			catch (IllegalArgumentException | ArithmeticException ex) {
				// ArithmeticException: a number of hours too large for a Duration
				problems.add(new Problem("throttle",
						given(throttleText, "a duration") + "expected a duration such as 30s, 5m or 1h"));
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid notification rule", problems);
		}
		return new NotificationRule(UUID.randomUUID().toString(), app, level, pattern, channel, target, throttle);
	}

	/**
	 * The start of a message about a bad value: what was given (never the target, which
	 * may hold a token), or that it is missing.
	 */
	private static String given(@Nullable String value, String what) {
		String text = blankToNull(value);
		if (text == null) {
			return "required: ";
		}
		String shown = (text.length() > 40) ? text.substring(0, 40) + "…" : text;
		return "'" + shown + "' is not " + what + ": ";
	}

	private static List<Problem> patternProblems(String pattern) {
		if (pattern.length() > MAX_PATTERN) {
			return List.of(new Problem("pattern", "at most " + MAX_PATTERN + " characters"));
		}
		try {
			Pattern.compile(pattern);
			return List.of();
		}
		catch (PatternSyntaxException ex) {
			return List.of(new Problem("pattern", "not a regular expression: " + ex.getDescription()));
		}
	}

	private static boolean isHttpUrl(String text) {
		try {
			URI uri = URI.create(text);
			return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return (text == null || text.isBlank()) ? null : text.trim();
	}

	private static List<NotificationRule> load(MongoCollection<Document> store) {
		List<NotificationRule> rules = new ArrayList<>();
		try {
			for (Document doc : store.find()) {
				try {
					rules.add(fromDocument(doc));
				}
				catch (RuntimeException ex) {
					// one damaged rule must not hide the others
					logger.warn("Ignoring the stored notification rule {}: {}", doc.get("_id"), ex.toString());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot load notification rules: {}", ex.getMessage());
		}
		return List.copyOf(rules);
	}

	private static Document toDocument(NotificationRule rule) {
		return new Document("_id", rule.id()).append("app", rule.app())
			.append("min_level", rule.minLevel().name())
			.append("pattern", rule.pattern())
			.append("channel", rule.channel().name())
			.append("target", rule.target())
			.append("throttle", (rule.throttle() != null) ? rule.throttle().toString() : null);
	}

	private static NotificationRule fromDocument(Document doc) {
		String throttle = doc.getString("throttle");
		LogLevel level = LogLevel.parse(doc.getString("min_level"));
		return new NotificationRule(doc.getString("_id"), doc.getString("app"),
				(level != null) ? level : LogLevel.ERROR, doc.getString("pattern"),
				NotificationRule.Channel.valueOf(doc.getString("channel")), doc.getString("target"),
				(throttle != null) ? Duration.parse(throttle) : null);
	}

}
