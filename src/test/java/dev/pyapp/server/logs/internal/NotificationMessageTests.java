package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.NotificationRule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * What notifications say, and how a webhook URL is sent.
 */
class NotificationMessageTests {

	private static final NotificationRule RULE = new NotificationRule("r", "guestbook", LogLevel.ERROR, null,
			NotificationRule.Channel.WEBHOOK, "https://hooks.example.org/x", null);

	@Test
	void aRecordsMessageHasItsFirstLineAsSubjectAndEveryField() {
		LogRecord record = new LogRecord(42, Instant.parse("2026-01-02T03:04:05Z"), "guestbook", "3", LogLevel.ERROR,
				"guestbook.web", "payment failed\nsecond line", "Traceback", 7, "MainThread", "/pay");

		NotificationMessage message = NotificationMessage.of(RULE, record);

		assertThat(message.summary()).isFalse();
		assertThat(message.subject()).isEqualTo("ERROR in guestbook: payment failed");
		assertThat(message.body().keySet()).containsExactly("rule", "kind", "subject", "id", "time", "app", "release",
				"level", "logger", "message", "exception", "pid", "path");
		assertThat(message.body()).containsOnly(entry("rule", "r"), entry("kind", "record"),
				entry("subject", "ERROR in guestbook: payment failed"), entry("id", "42"),
				entry("time", "2026-01-02T03:04:05Z"), entry("app", "guestbook"), entry("release", "3"),
				entry("level", "ERROR"), entry("logger", "guestbook.web"),
				entry("message", "payment failed\nsecond line"), entry("exception", "Traceback"), entry("pid", 7),
				entry("path", "/pay"));
	}

	@Test
	void cutsLongTextsSoThatAPendingNotificationIsBounded() {
		String longLine = "x".repeat(NotificationMessage.MAX_TEXT * 3);
		LogRecord record = new LogRecord(1, Instant.now(), "guestbook", "3", LogLevel.ERROR, "web", longLine, longLine,
				null, null, null);

		NotificationMessage message = NotificationMessage.of(RULE, record);

		assertThat(message.subject())
			.hasSize("ERROR in guestbook: ".length() + NotificationMessage.MAX_SUBJECT_LINE + 3);
		assertThat((String) message.body().get("message")).hasSizeLessThan(NotificationMessage.MAX_TEXT + 100)
			.endsWith("(cut: 48000 characters in all)");
		assertThat((String) message.body().get("exception")).hasSizeLessThan(NotificationMessage.MAX_TEXT + 100);
	}

	@Test
	void aTestNamesTheRulesApp() {
		NotificationMessage message = NotificationMessage.test(RULE, Instant.now());

		assertThat(message.subject()).isEqualTo("Test notification from PyApp Server (rule for guestbook)");
		assertThat(message.body()).containsEntry("kind", "test");
	}

	@Test
	void aWebhookThatCannotBeReachedIsExplainedWithItsAddress() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		NotificationSender sender = new NotificationSender(Duration.ofSeconds(5), null, "pyapp@localhost");
		NotificationRule rule = new NotificationRule("r", null, LogLevel.ERROR, null, NotificationRule.Channel.WEBHOOK,
				"http://127.0.0.1:" + closed + "/hook", null);

		String why = sender.send(rule, NotificationMessage.test(rule, Instant.now()));

		// it said "ConnectException: null"
		assertThat(why).isEqualTo("cannot connect to 127.0.0.1:" + closed + ": connection refused");
		sender.release();
	}

	@Test
	void anUnknownWebhookHostIsNamed() {
		IOException unknown = new IOException(new UnknownHostException("hooks.invalid"));

		String why = NotificationSender.unreachable(URI.create("https://hooks.invalid/x"), unknown,
				Duration.ofSeconds(5));

		assertThat(why).isEqualTo("cannot connect to hooks.invalid:443: unknown host hooks.invalid");
	}

	@Test
	void sendsTheUserInfoOfAWebhookUrlAsAHeaderNotInTheRequestLine() {
		assertThat(NotificationSender.withoutUserInfo(URI.create("https://bob:pa%40ss@hooks.example.org:8443/a/b?x=1")))
			.isEqualTo(URI.create("https://hooks.example.org:8443/a/b?x=1"));
		assertThat(NotificationSender.withoutUserInfo(URI.create("http://127.0.0.1/hook")))
			.isEqualTo(URI.create("http://127.0.0.1/hook"));
	}

}
