package dev.pyapp.server.logs;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Notification rules ({@code notifications.rules.*}), evaluated on every collected
 * record, and the deliveries they caused ({@code notifications.deliveries}). Sending is
 * asynchronous: a webhook is retried with doubling backoff, and a throttled rule sends
 * the first match at once and then one summary per period ("37 more ERROR records from
 * guestbook in the last 5 min") instead of a flood.
 */
@Component
public class Notifier implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(Notifier.class);

	private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

	/** How long a rule's pattern may run on one record, so that ingest never stalls. */
	private static final long PATTERN_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private final MongoCollection<Document> store;

	private final NotificationSender sender;

	private final LogsProperties.Notifications settings;

	private final List<ActiveRule> rules = new CopyOnWriteArrayList<>();

	private final Map<String, NotificationDelivery> deliveries = Collections.synchronizedMap(new LinkedHashMap<>());

	private final ScheduledThreadPoolExecutor executor;

	@Autowired
	Notifier(MongoDatabaseFactory databases, LogCollector collector, LogsProperties properties,
			ObjectProvider<JavaMailSender> mail) {
		this(databases.getMongoDatabase().getCollection("notification_rules"), collector, properties.notifications(),
				new NotificationSender(properties.notifications().timeout(), mail.getIfAvailable(),
						properties.notifications().mailFrom()));
	}

	Notifier(MongoCollection<Document> store, LogCollector collector, LogsProperties.Notifications settings,
			NotificationSender sender) {
		this.store = store;
		this.settings = settings;
		this.sender = sender;
		this.executor = new ScheduledThreadPoolExecutor(2, (task) -> {
			Thread thread = new Thread(task, "pyapp-notify");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		try {
			for (Document doc : store.find()) {
				this.rules.add(new ActiveRule(fromDocument(doc)));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot load notification rules: {}", ex.getMessage());
		}
		this.executor.scheduleWithFixedDelay(this::flushSummaries, 1, 1, TimeUnit.SECONDS);
		collector.addListener(this::evaluate);
	}

	/**
	 * The rules, in the order they were added.
	 * @return the rules
	 */
	public List<NotificationRule> rules() {
		return this.rules.stream().map(ActiveRule::rule).toList();
	}

	/**
	 * Adds a rule after checking every field.
	 * @param request the rule
	 * @return the rule with its id
	 * @throws PyappException {@code INVALID} listing every bad field
	 */
	public NotificationRule add(NotificationRuleRequest request) {
		NotificationRule rule = validate(request);
		this.store.insertOne(toDocument(rule));
		this.rules.add(new ActiveRule(rule));
		return rule;
	}

	/**
	 * Removes a rule.
	 * @param id the rule's id
	 * @return the rule removed
	 * @throws PyappException {@code NOT_FOUND} if there is no such rule
	 */
	public NotificationRule remove(String id) {
		ActiveRule active = this.rules.stream()
			.filter((candidate) -> candidate.rule().id().equals(id))
			.findFirst()
			.orElseThrow(() -> PyappException.notFound("no notification rule with id '" + id + "'"));
		this.store.deleteOne(Filters.eq("_id", id));
		this.rules.remove(active);
		return active.rule();
	}

	/**
	 * The latest deliveries, newest first.
	 * @param rule only this rule's, or {@code null} for all
	 * @return the deliveries
	 */
	public List<NotificationDelivery> deliveries(@Nullable String rule) {
		List<NotificationDelivery> all;
		synchronized (this.deliveries) {
			all = new ArrayList<>(this.deliveries.values());
		}
		Collections.reverse(all);
		return all.stream().filter((delivery) -> rule == null || delivery.rule().equals(rule)).toList();
	}

	/**
	 * Whether e-mail can be sent: an SMTP server is configured
	 * ({@code spring.mail.host}).
	 * @return whether it can
	 */
	public boolean mailConfigured() {
		return this.sender.mailConfigured();
	}

	/**
	 * What keeps a rule from delivering, known without sending: an e-mail rule without an
	 * SMTP server.
	 * @param rule the rule
	 * @return the warning, or {@code null}
	 */
	public @Nullable String warning(NotificationRule rule) {
		if (rule.channel() == NotificationRule.Channel.EMAIL && !mailConfigured()) {
			return "no SMTP server is configured (spring.mail.host): this rule cannot send e-mail until one is";
		}
		return null;
	}

	/**
	 * Sends a test notification over a rule's channel now, once, and waits for the
	 * outcome. It is kept with the rule's deliveries.
	 * @param id the rule's id
	 * @return the delivery, {@code sent} or {@code failed} with the error
	 * @throws PyappException {@code NOT_FOUND} if there is no such rule
	 */
	public NotificationDelivery test(String id) {
		NotificationRule rule = this.rules.stream()
			.map(ActiveRule::rule)
			.filter((candidate) -> candidate.id().equals(id))
			.findFirst()
			.orElseThrow(() -> PyappException.notFound("no notification rule with id '" + id + "'"));
		String subject = "Test notification from PyApp Server (rule for "
				+ ((rule.app() != null) ? rule.app() : "every app") + ")";
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("rule", rule.id());
		body.put("kind", "test");
		body.put("subject", subject);
		body.put("time", Instant.now().toString());
		body.put("app", rule.app());
		body.put("level", rule.minLevel().name());
		body.put("message", "This is a test: the rule's channel works.");
		NotificationDelivery delivery = new NotificationDelivery(UUID.randomUUID().toString(), rule.id(),
				rule.channel().name().toLowerCase(Locale.ROOT), rule.target(), Instant.now(), false, subject, "pending",
				0, null);
		String error;
		try {
			error = this.sender.send(rule, subject, body);
		}
		catch (RuntimeException ex) {
			error = ex.toString();
		}
		NotificationDelivery done = delivery.attempted((error == null) ? "sent" : "failed", error);
		remember(done);
		return done;
	}

	void evaluate(LogRecord record) {
		for (ActiveRule active : this.rules) {
			if (active.rule().matches(record, active.pattern(), System.nanoTime() + PATTERN_BUDGET_NANOS)) {
				matched(active, record);
			}
		}
	}

	private void matched(ActiveRule active, LogRecord record) {
		NotificationRule rule = active.rule();
		Duration throttle = rule.throttle();
		if (throttle != null) {
			long now = System.nanoTime();
			synchronized (active) {
				if (now < active.windowEnd || active.suppressed > 0) {
					active.suppressed++;
					active.levels.add(record.level().name());
					active.apps.add(String.valueOf(record.app()));
					return;
				}
				active.windowEnd = now + throttle.toNanos();
			}
		}
		String subject = record.level() + " in " + record.app() + ": " + firstLine(record.message());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("rule", rule.id());
		body.put("kind", "record");
		body.put("subject", subject);
		body.put("id", Long.toString(record.id()));
		body.put("time", record.time().toString());
		body.put("app", record.app());
		body.put("release", record.release());
		body.put("level", record.level().name());
		body.put("logger", record.logger());
		body.put("message", record.message());
		body.put("exception", record.exception());
		body.put("pid", record.pid());
		body.put("path", record.path());
		deliver(rule, false, subject, body);
	}

	private void flushSummaries() {
		long now = System.nanoTime();
		for (ActiveRule active : this.rules) {
			Duration throttle = active.rule().throttle();
			if (throttle == null) {
				continue;
			}
			int count;
			String levels;
			String apps;
			synchronized (active) {
				if (active.suppressed == 0 || now < active.windowEnd) {
					continue;
				}
				count = active.suppressed;
				levels = (active.levels.size() == 1) ? active.levels.iterator().next()
						: active.rule().minLevel() + "-or-higher";
				apps = String.join(", ", active.apps);
				active.suppressed = 0;
				active.levels.clear();
				active.apps.clear();
				active.windowEnd = now + throttle.toNanos();
			}
			String subject = count + " more " + levels + " records from " + apps + " in the last " + human(throttle);
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("rule", active.rule().id());
			body.put("kind", "summary");
			body.put("subject", subject);
			body.put("count", count);
			body.put("app", apps);
			body.put("level", levels);
			body.put("message", subject);
			deliver(active.rule(), true, subject, body);
		}
	}

	private void deliver(NotificationRule rule, boolean summary, String subject, Map<String, Object> body) {
		NotificationDelivery delivery = new NotificationDelivery(UUID.randomUUID().toString(), rule.id(),
				rule.channel().name().toLowerCase(Locale.ROOT), rule.target(), Instant.now(), summary, subject,
				"pending", 0, null);
		remember(delivery);
		try {
			this.executor.execute(() -> attempt(rule, delivery, body));
		}
		catch (RejectedExecutionException ex) {
			remember(delivery.attempted("failed", "the server is shutting down"));
		}
	}

	private void attempt(NotificationRule rule, NotificationDelivery delivery, Map<String, Object> body) {
		String error;
		try {
			error = this.sender.send(rule, delivery.subject(), body);
		}
		catch (RuntimeException ex) {
			error = ex.toString();
		}
		if (error == null) {
			remember(delivery.attempted("sent", null));
			return;
		}
		NotificationDelivery attempted = delivery.attempted("pending", error);
		if (attempted.attempts() >= this.settings.attempts()) {
			remember(delivery.attempted("failed", error));
			logger.warn("Notification {} of rule {} failed: {}", delivery.id(), rule.id(), error);
			return;
		}
		remember(attempted);
		long wait = this.settings.backoff().toMillis() << (attempted.attempts() - 1);
		try {
			this.executor.schedule(() -> attempt(rule, attempted, body), wait, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			remember(attempted.attempted("failed", "the server is shutting down"));
		}
	}

	private void remember(NotificationDelivery delivery) {
		synchronized (this.deliveries) {
			this.deliveries.remove(delivery.id());
			this.deliveries.put(delivery.id(), delivery);
			while (this.deliveries.size() > this.settings.keepDeliveries()) {
				this.deliveries.remove(this.deliveries.keySet().iterator().next());
			}
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	static NotificationRule validate(NotificationRuleRequest request) {
		List<Problem> problems = new ArrayList<>();
		String app = blankToNull(request.app());
		if (app != null && !AppId.PATTERN.matcher(app).matches()) {
			problems.add(new Problem("app", "'" + app + "' is not a valid app name"));
		}
		LogLevel level = LogLevel.parse(request.minLevel());
		if (level == null) {
			problems.add(new Problem("min_level", "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"));
		}
		String pattern = blankToNull(request.pattern());
		if (pattern != null) {
			try {
				Pattern.compile(pattern);
			}
			catch (PatternSyntaxException ex) {
				problems.add(new Problem("pattern", "not a regular expression: " + ex.getDescription()));
			}
		}
		NotificationRule.Channel channel = null;
		String channelName = blankToNull(request.channel());
		if (channelName != null && Set.of("webhook", "email").contains(channelName.toLowerCase(Locale.ROOT))) {
			channel = NotificationRule.Channel.valueOf(channelName.toUpperCase(Locale.ROOT));
		}
		else {
			problems.add(new Problem("channel", "expected webhook or email"));
		}
		String target = blankToNull(request.target());
		if (target == null) {
			problems.add(new Problem("target", "required: the webhook URL or the e-mail address"));
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
			}
			catch (IllegalArgumentException ex) {
				problems.add(new Problem("throttle", "expected a duration such as 30s, 5m or 1h"));
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid notification rule", problems);
		}
		return new NotificationRule(UUID.randomUUID().toString(), app, level, pattern, channel, target, throttle);
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

	private static String firstLine(String message) {
		int newline = message.indexOf('\n');
		String line = (newline >= 0) ? message.substring(0, newline) : message;
		return (line.length() > 120) ? line.substring(0, 120) + "..." : line;
	}

	static String human(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds % 3600 == 0) {
			return (seconds / 3600) + " h";
		}
		if (seconds % 60 == 0) {
			return (seconds / 60) + " min";
		}
		return seconds + " s";
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

	/** A rule with its compiled pattern and throttle window. */
	private static final class ActiveRule {

		private final NotificationRule rule;

		private final @Nullable Pattern pattern;

		private long windowEnd = Long.MIN_VALUE;

		private int suppressed;

		private final Set<String> levels = new TreeSet<>();

		private final Set<String> apps = new TreeSet<>();

		ActiveRule(NotificationRule rule) {
			this.rule = rule;
			this.pattern = (rule.pattern() != null) ? Pattern.compile(rule.pattern()) : null;
		}

		NotificationRule rule() {
			return this.rule;
		}

		@Nullable Pattern pattern() {
			return this.pattern;
		}

	}

}
