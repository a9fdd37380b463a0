package dev.pyapp.server.logs;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.client.MongoCollection;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.logs.internal.EmulatedCappedLogStore;
import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.NotificationRules;
import dev.pyapp.server.logs.internal.NotificationSender;
import dev.pyapp.server.logs.internal.RuntimeLogListener;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppStopped;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Notification rules against a local webhook receiver and an in-process SMTP server.
 */
class NotifierTests {

	// a port of its own (the fixed 3025 was taken by another run once) and time to start
	// on a busy machine (the default 2 s ran out once in CI)
	@RegisterExtension
	static GreenMailExtension smtp = new GreenMailExtension(smtpSetup());

	@TempDir
	Path dir;

	private EmbeddedMongo mongo;

	private HttpServer receiver;

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private final List<String> queries = new CopyOnWriteArrayList<>();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	private LogCollector collector;

	private NotificationDispatcher dispatcher;

	private Notifier notifier;

	@BeforeEach
	void start() throws Exception {
		this.mongo = new EmbeddedMongo();
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.receiver.createContext("/hook", (exchange) -> {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			if (authorization != null) {
				this.authorizations.add(authorization);
			}
			if (exchange.getRequestURI().getRawQuery() != null) {
				this.queries.add(exchange.getRequestURI().getRawQuery());
			}
			this.bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			int status = (this.failuresLeft.getAndDecrement() > 0) ? 503 : 204;
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
		});
		this.receiver.start();
		LogsProperties properties = LogFixtures.properties();
		this.collector = new LogCollector(
				new EmulatedCappedLogStore(this.mongo.database(), properties::capacity, Duration.ofSeconds(1)),
				properties, this.dir.resolve("spill.jsonl"));
		JavaMailSenderImpl mail = new JavaMailSenderImpl();
		mail.setHost("127.0.0.1");
		mail.setPort(smtp.getSmtp().getPort());
		LogsProperties.Notifications settings = LogFixtures.notifications(Duration.ofMillis(100));
		this.dispatcher = new NotificationDispatcher(
				new NotificationSender(Duration.ofSeconds(5), mail, settings.mailFrom()), settings,
				NotificationDispatcher.STOP_TIMEOUT);
		this.dispatcher.start();
		NotificationRules rules = new NotificationRules(rules(), 100);
		this.collector.addListener(new RuleMatcher(rules, this.dispatcher::matched)::evaluate);
		this.notifier = new Notifier(rules, this.dispatcher);
	}

	@AfterEach
	void stop() {
		this.dispatcher.stop();
		this.receiver.stop(0);
		this.mongo.close();
	}

	private String hookUrl() {
		return "http://127.0.0.1:" + this.receiver.getAddress().getPort() + "/hook";
	}

	private void log(String app, LogLevel level, String message) {
		this.collector.collect(new LogRecord(0, Instant.now(), app, "1.0", level, "guestbook.web", message,
				"Traceback (most recent call last):\nValueError: bad", 7, "MainThread", "/sign"));
	}

	private static ServerSetup smtpSetup() {
		ServerSetup setup = ServerSetupTest.SMTP.dynamicPort();
		setup.setServerStartupTimeout(Duration.ofSeconds(30).toMillis());
		return setup;
	}

	@Test
	void postsMatchingRecordsToAWebhook() {
		NotificationRule rule = this.notifier
			.add(new NotificationRuleRequest("guestbook", "ERROR", "database|disk", "webhook", hookUrl(), null));

		log("guestbook", LogLevel.WARNING, "database slow");
		log("other", LogLevel.ERROR, "database down");
		log("guestbook", LogLevel.ERROR, "template missing");
		log("guestbook", LogLevel.CRITICAL, "database down");

		await().atMost(Duration.ofSeconds(10)).until(() -> this.bodies.size() == 1);
		assertThat(this.bodies.get(0)).contains("\"message\":\"database down\"")
			.contains("\"app\":\"guestbook\"")
			.contains("\"level\":\"CRITICAL\"")
			.contains("ValueError: bad")
			.contains("\"rule\":\"" + rule.id() + "\"");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.notifier.deliveries(rule.id())).singleElement()
				.satisfies((delivery) -> assertThat(delivery.status()).isEqualTo("sent")));
	}

	@Test
	void retriesAFailingWebhookWithBackoffAndRecordsTheOutcome() {
		this.failuresLeft.set(2);
		NotificationRule retried = this.notifier
			.add(new NotificationRuleRequest(null, "ERROR", "first", "webhook", hookUrl(), null));
		log("guestbook", LogLevel.ERROR, "first");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.notifier.deliveries(retried.id())).singleElement().satisfies((delivery) -> {
						assertThat(delivery.status()).isEqualTo("sent");
						assertThat(delivery.attempts()).isEqualTo(3);
					}));

		this.failuresLeft.set(100);
		NotificationRule failing = this.notifier
			.add(new NotificationRuleRequest(null, "ERROR", "second", "webhook", hookUrl(), null));
		log("guestbook", LogLevel.ERROR, "second");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.notifier.deliveries(failing.id())).singleElement().satisfies((delivery) -> {
						assertThat(delivery.status()).isEqualTo("failed");
						assertThat(delivery.attempts()).isEqualTo(3);
						assertThat(delivery.error()).isEqualTo("HTTP 503");
					}));
	}

	@Test
	void sendsAnEmail() throws Exception {
		this.notifier.add(new NotificationRuleRequest("guestbook", "ERROR", null, "email", "ops@example.test", null));

		log("guestbook", LogLevel.ERROR, "payment failed");

		await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 1);
		MimeMessage message = smtp.getReceivedMessages()[0];
		assertThat(message.getAllRecipients()[0].toString()).isEqualTo("ops@example.test");
		assertThat(message.getSubject()).isEqualTo("ERROR in guestbook: payment failed");
		assertThat((String) message.getContent()).contains("message: payment failed").contains("path: /sign");
	}

	@Test
	void throttlingCollapsesABurstIntoOneSummary() throws Exception {
		this.notifier.add(new NotificationRuleRequest("guestbook", "ERROR", null, "webhook", hookUrl(), "2s"));
		this.notifier.add(new NotificationRuleRequest("guestbook", "ERROR", null, "email", "ops@example.test", "2s"));

		for (int i = 0; i < 38; i++) {
			log("guestbook", LogLevel.ERROR, "failure " + i);
		}

		await().atMost(Duration.ofSeconds(10)).until(() -> this.bodies.size() == 2);
		assertThat(this.bodies.get(0)).contains("\"message\":\"failure 0\"");
		assertThat(this.bodies.get(1)).contains("\"kind\":\"summary\"")
			.contains("\"count\":37")
			.contains("37 more ERROR records from guestbook in the last 2 s");
		await().atMost(Duration.ofSeconds(10)).until(() -> smtp.getReceivedMessages().length == 2);
		assertThat(smtp.getReceivedMessages()[1].getSubject())
			.isEqualTo("37 more ERROR records from guestbook in the last 2 s");
		// nothing more: the burst is over
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> this.bodies.size() == 2);
	}

	@Test
	void rejectsAnInvalidRuleListingEveryProblem() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.notifier
				.add(new NotificationRuleRequest("Bad App", "LOUD", "(", "pager", "ftp://x", "soon")))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
				assertThat(ex.getProblems()).extracting("path")
					.containsExactly("app", "min_level", "pattern", "channel", "throttle");
			});
		assertThatExceptionOfType(PyappException.class).isThrownBy(
				() -> this.notifier.add(new NotificationRuleRequest(null, "ERROR", null, "webhook", "ftp://x", null)))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting("path").containsExactly("target"));
		assertThat(this.notifier.rules()).isEmpty();
	}

	@Test
	void keepsRulesInMongoDb() {
		NotificationRule rule = this.notifier
			.add(new NotificationRuleRequest(null, "WARNING", null, "email", "ops@example.test", "5m"));

		Notifier reloaded = new Notifier(new NotificationRules(rules(), 100), this.dispatcher);
		assertThat(reloaded.rules()).containsExactly(rule);
		reloaded.remove(rule.id());
		assertThat(new NotificationRules(rules(), 100).rules()).isEmpty();
	}

	@Test
	void notifiesWhenAnAppCrashes() {
		this.notifier.add(new NotificationRuleRequest("guestbook", "ERROR", null, "webhook", hookUrl(), null));
		RuntimeLogListener runtime = new RuntimeLogListener(this.collector);

		runtime.on(new AppStopped(new AppId("guestbook"), "3"));
		runtime.on(new AppCrashed(new AppId("guestbook"), "3", 1, 1, false, "gunicorn exited with code 1: boom"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.bodies.size() == 1);
		assertThat(this.bodies.get(0)).contains("\"logger\":\"pyapp.runtime\"")
			.contains("\"level\":\"ERROR\"")
			.contains("\"release\":\"3\"")
			.contains("the daemon crashed: gunicorn exited with code 1: boom");
	}

	@Test
	void sendsTheCredentialsOfAWebhookUrlButNeverShowsThem() {
		String url = hookUrl().replace("http://", "http://bob:hunter2@") + "?token=s3cret&channel=ops";
		NotificationRule rule = this.notifier
			.add(new NotificationRuleRequest(null, "ERROR", null, "webhook", url, null));

		log("guestbook", LogLevel.ERROR, "database down");

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.notifier.deliveries(rule.id())).singleElement()
				.satisfies((delivery) -> assertThat(delivery.status()).isEqualTo("sent")));
		assertThat(this.authorizations).containsExactly(
				"Basic " + Base64.getEncoder().encodeToString("bob:hunter2".getBytes(StandardCharsets.UTF_8)));
		assertThat(this.queries).containsExactly("token=s3cret&channel=ops");
		assertThat(this.notifier.rules()).singleElement()
			.satisfies((shown) -> assertThat(shown.shownTarget())
				.isEqualTo(hookUrl().replace("http://", "http://***@") + "?token=***&channel=ops"));
		assertThat(this.notifier.deliveries(null).toString()).doesNotContain("hunter2").doesNotContain("s3cret");
		assertThat(this.notifier.test(rule.id()).target()).doesNotContain("hunter2").doesNotContain("s3cret");
	}

	private MongoCollection<Document> rules() {
		return this.mongo.database().getCollection(NotificationRules.COLLECTION);
	}

}
