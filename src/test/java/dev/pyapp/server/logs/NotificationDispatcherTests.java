package dev.pyapp.server.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.NotificationMessage;
import dev.pyapp.server.logs.internal.NotificationSender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sending, retries, bounds and the lifecycle of the dispatcher, with a scripted sender.
 */
class NotificationDispatcherTests {

	private final ScriptedSender sender = new ScriptedSender();

	private NotificationDispatcher dispatcher;

	@AfterEach
	void stop() {
		this.sender.release.countDown();
		if (this.dispatcher != null) {
			this.dispatcher.stop();
		}
	}

	private NotificationDispatcher dispatcher(int attempts, int keep, int maxPending) {
		this.dispatcher = new NotificationDispatcher(this.sender, new LogsProperties.Notifications(attempts,
				Duration.ofMillis(20), Duration.ofSeconds(1), "pyapp@localhost", keep, 10, maxPending),
				Duration.ofMillis(200));
		return this.dispatcher;
	}

	private static NotificationRule rule(String id, @Nullable Duration throttle) {
		return new NotificationRule(id, null, LogLevel.ERROR, null, NotificationRule.Channel.WEBHOOK,
				"https://bob:hunter2@hooks.example.org/x", throttle);
	}

	private static LogRecord record(String message) {
		return new LogRecord(1, Instant.now(), "guestbook", "1", LogLevel.ERROR, "web", message, null, 7, "main", null);
	}

	@Test
	void startsNoThreadBeforeStartAndRecordsANotificationRaisedThenAsFailed() {
		NotificationDispatcher dispatcher = dispatcher(3, 10, 10);
		assertThat(dispatcher.isRunning()).isFalse();

		dispatcher.matched(rule("r", null), record("early"));

		assertThat(dispatcher.deliveries("r")).singleElement().satisfies((delivery) -> {
			assertThat(delivery.status()).isEqualTo("failed");
			assertThat(delivery.attempts()).isZero();
			assertThat(delivery.error()).contains("notifications are stopped");
		});
		assertThat(this.sender.sent).isEmpty();
	}

	@Test
	void retriesWithBackoffUntilSentAndKeepsEveryStep() {
		NotificationDispatcher dispatcher = dispatcher(3, 10, 10);
		dispatcher.start();
		this.sender.outcomes.add("HTTP 503");
		this.sender.outcomes.add("HTTP 502");

		dispatcher.matched(rule("r", null), record("database down"));

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(dispatcher.deliveries("r")).singleElement().satisfies((delivery) -> {
				assertThat(delivery.status()).isEqualTo("sent");
				assertThat(delivery.attempts()).isEqualTo(3);
				assertThat(delivery.error()).isNull();
				assertThat(delivery.target()).isEqualTo("https://***@hooks.example.org/x");
			}));
		assertThat(this.sender.sent).containsExactly("ERROR in guestbook: database down",
				"ERROR in guestbook: database down", "ERROR in guestbook: database down");
	}

	@Test
	void givesUpAfterTheLastAttemptWithTheErrorWithoutCredentials() {
		NotificationDispatcher dispatcher = dispatcher(2, 10, 10);
		dispatcher.start();
		this.sender.outcomes.add("ConnectException: https://bob:hunter2@hooks.example.org/x");
		this.sender.outcomes.add("ConnectException: https://bob:hunter2@hooks.example.org/x");

		dispatcher.matched(rule("r", null), record("database down"));

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(dispatcher.deliveries("r")).singleElement().satisfies((delivery) -> {
				assertThat(delivery.status()).isEqualTo("failed");
				assertThat(delivery.attempts()).isEqualTo(2);
				assertThat(delivery.error()).isEqualTo("ConnectException: https://***@hooks.example.org/x");
			}));
	}

	@Test
	void recordsNotificationsBeyondTheMostPendingAsFailedAtOnce() {
		NotificationDispatcher dispatcher = dispatcher(1, 100, 2);
		this.sender.blocked = true;
		dispatcher.start();

		for (int i = 0; i < 5; i++) {
			dispatcher.matched(rule("r", null), record("failure " + i));
		}

		List<NotificationDelivery> deliveries = dispatcher.deliveries("r");
		assertThat(deliveries).hasSize(5);
		assertThat(deliveries).filteredOn((delivery) -> delivery.status().equals("failed"))
			.hasSize(3)
			.allSatisfy((delivery) -> assertThat(delivery.error()).contains("pyapp.logs.notifications.max-pending"));
		this.sender.release.countDown();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(dispatcher.deliveries("r"))
				.filteredOn((delivery) -> delivery.status().equals("sent"))
				.hasSize(2));
	}

	@Test
	void keepsABoundedLogOfDeliveriesLatestFirst() {
		NotificationDispatcher dispatcher = dispatcher(1, 3, 10);
		dispatcher.start();

		for (int i = 0; i < 5; i++) {
			dispatcher.sendNow(rule("r" + i, null), NotificationMessage.test(rule("r" + i, null), Instant.now()));
		}

		assertThat(dispatcher.deliveries(null)).extracting(NotificationDelivery::rule)
			.containsExactly("r4", "r3", "r2");
		assertThat(dispatcher.deliveries("r3")).singleElement()
			.satisfies((delivery) -> assertThat(delivery.status()).isEqualTo("sent"));
	}

	@Test
	void sendsTheSummaryOfAThrottledRuleWhenItsPeriodEnds() {
		NotificationDispatcher dispatcher = dispatcher(1, 100, 100);
		dispatcher.start();
		NotificationRule rule = rule("r", Duration.ofSeconds(1));

		for (int i = 0; i < 4; i++) {
			dispatcher.matched(rule, record("failure " + i));
		}

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.sender.sent).containsExactly("ERROR in guestbook: failure 0",
					"3 more ERROR records from guestbook in the last 1 s"));
		assertThat(dispatcher.deliveries("r")).extracting(NotificationDelivery::summary).containsExactly(true, false);
	}

	@Test
	void stopsCleanlyRecordingWhatWasNotSentAsFailed() throws Exception {
		NotificationDispatcher dispatcher = dispatcher(1, 100, 100);
		this.sender.blocked = true;
		dispatcher.start();
		for (int i = 0; i < 3; i++) {
			dispatcher.matched(rule("r", null), record("failure " + i));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sender.waiting.get() == NotificationDispatcher.THREADS);

		dispatcher.stop();

		assertThat(dispatcher.isRunning()).isFalse();
		assertThat(dispatcher.deliveries("r")).hasSize(3)
			.allSatisfy((delivery) -> assertThat(delivery.status()).isEqualTo("failed"));
		assertThat(this.sender.threads).hasSize(NotificationDispatcher.THREADS);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.sender.threads).noneMatch(Thread::isAlive));
		dispatcher.matched(rule("r", null), record("late"));
		assertThat(dispatcher.deliveries("r").get(0).error()).contains("notifications are stopped");
	}

	/**
	 * A sender that answers from a script (else sends) and can be held until released.
	 */
	static final class ScriptedSender extends NotificationSender {

		final Queue<String> outcomes = new ConcurrentLinkedQueue<>();

		final List<String> sent = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger waiting = new AtomicInteger();

		final Set<Thread> threads = ConcurrentHashMap.newKeySet();

		volatile boolean blocked;

		ScriptedSender() {
			super(Duration.ofSeconds(1), null, "pyapp@localhost");
		}

		@Override
		public @Nullable String send(NotificationRule rule, NotificationMessage message) {
			this.threads.add(Thread.currentThread());
			if (this.blocked) {
				this.waiting.incrementAndGet();
				try {
					if (!this.release.await(30, TimeUnit.SECONDS)) {
						return "timed out";
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return "interrupted";
				}
				finally {
					this.waiting.decrementAndGet();
				}
			}
			this.sent.add(message.subject());
			return this.outcomes.poll();
		}

	}

}
