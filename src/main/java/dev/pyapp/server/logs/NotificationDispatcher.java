package dev.pyapp.server.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.logs.internal.DeliveryLog;
import dev.pyapp.server.logs.internal.LogsProperties;
import dev.pyapp.server.logs.internal.NotificationMessage;
import dev.pyapp.server.logs.internal.NotificationSender;
import dev.pyapp.server.logs.internal.NotificationThrottle;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * Sends the notifications rules raise, on its own {@value #THREADS} threads, and keeps
 * their deliveries in a bounded {@link DeliveryLog}. A throttled rule's matches go
 * through the {@link NotificationThrottle}, whose summaries are sent every
 * {@link #SUMMARY_INTERVAL}. A failed attempt is retried with doubling backoff up to
 * {@code attempts} times. At most {@code max-pending} deliveries wait at once (queued or
 * between retries): a further one is recorded as failed at once, so that a flood of
 * matches cannot fill the memory.
 * <p>
 * Its threads run between {@link #start()} and {@link #stop()} (the application context's
 * lifecycle); a notification raised outside that time is recorded as failed.
 */
@Component
class NotificationDispatcher implements SmartLifecycle {

	static final int THREADS = 2;

	static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(1);

	/** How long {@link #stop()} lets queued notifications go out before it interrupts. */
	static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(NotificationDispatcher.class);

	private final NotificationSender sender;

	private final LogsProperties.Notifications settings;

	private final NotificationThrottle throttle = new NotificationThrottle();

	private final DeliveryLog log;

	private final Duration stopTimeout;

	/** The deliveries queued or waiting for a retry, by id: bounded by max-pending. */
	private final Map<String, NotificationDelivery> pending = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledThreadPoolExecutor executor;

	@Autowired
	NotificationDispatcher(LogsProperties properties, ObjectProvider<JavaMailSender> mail) {
		this(new NotificationSender(properties.notifications().timeout(), mail.getIfAvailable(),
				properties.notifications().mailFrom()), properties.notifications(), STOP_TIMEOUT);
	}

	NotificationDispatcher(NotificationSender sender, LogsProperties.Notifications settings, Duration stopTimeout) {
		Assert.isTrue(settings.attempts() > 0, "'attempts' must be positive");
		Assert.isTrue(settings.maxPending() > 0, "'maxPending' must be positive");
		this.sender = sender;
		this.settings = settings;
		this.log = new DeliveryLog(settings.keepDeliveries());
		this.stopTimeout = stopTimeout;
	}

	/**
	 * Sends a notification of a record that matched a rule, or counts it for the rule's
	 * summary; returns at once.
	 * @param rule the rule
	 * @param record the record
	 */
	void matched(NotificationRule rule, LogRecord record) {
		if (this.throttle.admit(rule, record, System.nanoTime())) {
			send(rule, NotificationMessage.of(rule, record));
		}
	}

	/**
	 * Forgets what a removed rule held back for its summary.
	 * @param rule the rule's id
	 */
	void forget(String rule) {
		this.throttle.forget(rule);
	}

	/**
	 * Sends a message once, on the caller's thread, and keeps the outcome.
	 * @param rule the rule whose channel to use
	 * @param message the message
	 * @return the delivery, {@code sent} or {@code failed}
	 */
	NotificationDelivery sendNow(NotificationRule rule, NotificationMessage message) {
		NotificationDelivery delivery = NotificationDelivery.pending(rule, message, Instant.now());
		String error = tryOnce(rule, message);
		NotificationDelivery done = delivery
			.attempted((error == null) ? NotificationDelivery.SENT : NotificationDelivery.FAILED, error);
		this.log.remember(done);
		return done;
	}

	List<NotificationDelivery> deliveries(@Nullable String rule) {
		return this.log.latestFirst(rule);
	}

	boolean mailConfigured() {
		return this.sender.mailConfigured();
	}

	private void send(NotificationRule rule, NotificationMessage message) {
		NotificationDelivery delivery = NotificationDelivery.pending(rule, message, Instant.now());
		synchronized (this.pending) {
			if (this.pending.size() >= this.settings.maxPending()) {
				this.log.remember(delivery.givenUp("not sent: " + this.pending.size()
						+ " notifications are waiting already (pyapp.logs.notifications.max-pending)"));
				return;
			}
			this.pending.put(delivery.id(), delivery);
		}
		this.log.remember(delivery);
		schedule(rule, delivery, message, 0);
	}

	private void schedule(NotificationRule rule, NotificationDelivery delivery, NotificationMessage message,
			long delayMillis) {
		ScheduledThreadPoolExecutor executor = this.executor;
		try {
			if (executor == null) {
				throw new RejectedExecutionException("stopped");
			}
			executor.schedule(() -> attempt(rule, delivery, message), delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			done(delivery.givenUp("not sent: notifications are stopped (the server is starting or shutting down)"));
		}
	}

	private void attempt(NotificationRule rule, NotificationDelivery delivery, NotificationMessage message) {
		String error = tryOnce(rule, message);
		if (error == null) {
			done(delivery.attempted(NotificationDelivery.SENT, null));
			return;
		}
		NotificationDelivery attempted = delivery.attempted(NotificationDelivery.PENDING, error);
		if (attempted.attempts() >= this.settings.attempts()) {
			NotificationDelivery failed = delivery.attempted(NotificationDelivery.FAILED, error);
			done(failed);
			logger.warn("Notification {} of rule {} to {} failed after {} attempts: {}", failed.id(), rule.id(),
					failed.target(), failed.attempts(), failed.error());
			return;
		}
		this.pending.put(attempted.id(), attempted);
		this.log.remember(attempted);
		schedule(rule, attempted, message, this.settings.backoff().toMillis() << (attempted.attempts() - 1));
	}

	private @Nullable String tryOnce(NotificationRule rule, NotificationMessage message) {
		try {
			return this.sender.send(rule, message);
		}
		catch (RuntimeException ex) {
			return ex.toString();
		}
	}

	private void done(NotificationDelivery delivery) {
		this.pending.remove(delivery.id());
		this.log.remember(delivery);
	}

	private void sendSummaries() {
		try {
			for (NotificationThrottle.Summary summary : this.throttle.due(System.nanoTime())) {
				send(summary.rule(), NotificationMessage.summary(summary));
			}
		}
		catch (RuntimeException ex) {
			// one bad pass must not end the schedule
			logger.warn("Sending notification summaries failed: {}", ex.toString());
		}
	}

	@Override
	public void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(THREADS, (task) -> {
			Thread thread = new Thread(task, "pyapp-notify");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		// on stop, retries waiting for their backoff are not waited for
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.scheduleWithFixedDelay(this::sendSummaries, SUMMARY_INTERVAL.toMillis(), SUMMARY_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	/**
	 * Stops taking notifications, lets the queued ones go out for up to
	 * {@link #STOP_TIMEOUT}, then interrupts the rest; every delivery not sent by then is
	 * recorded as failed.
	 */
	@Override
	public void stop() {
		ScheduledThreadPoolExecutor executor = this.executor;
		if (executor == null) {
			return;
		}
		this.executor = null;
		executor.shutdown();
		try {
			if (!executor.awaitTermination(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				executor.shutdownNow();
				executor.awaitTermination(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		for (NotificationDelivery delivery : List.copyOf(this.pending.values())) {
			done(delivery.givenUp("not sent: the server stopped first"));
		}
		this.sender.release();
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		// starts before the log collector (0) and its sources (10) and stops after them,
		// so that every record they pass on can still notify
		return -10;
	}

}
