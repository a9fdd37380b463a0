package dev.pyapp.server.logs;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.internal.DeliveryLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The bounded log of deliveries.
 */
class DeliveryLogTests {

	private static NotificationDelivery delivery(String id, String rule) {
		return new NotificationDelivery(id, rule, "webhook", "https://hooks.example.org/x", Instant.now(), false,
				"subject", "pending", 0, null);
	}

	@Test
	void forgetsTheDeliveryChangedLongestAgoBeyondItsCapacity() {
		DeliveryLog log = new DeliveryLog(2);
		log.remember(delivery("1", "a"));
		log.remember(delivery("2", "b"));
		log.remember(delivery("3", "a"));

		assertThat(log.latestFirst(null)).extracting(NotificationDelivery::id).containsExactly("3", "2");
		assertThat(log.latestFirst("a")).extracting(NotificationDelivery::id).containsExactly("3");
	}

	@Test
	void aNewStateReplacesTheOldOneAndCountsAsTheLatestChange() {
		DeliveryLog log = new DeliveryLog(2);
		NotificationDelivery first = delivery("1", "a");
		log.remember(first);
		log.remember(delivery("2", "a"));

		log.remember(first.attempted("sent", null));
		log.remember(delivery("3", "a"));

		assertThat(log.latestFirst("a")).extracting(NotificationDelivery::id, NotificationDelivery::status)
			.containsExactly(tuple("3", "pending"), tuple("1", "sent"));
	}

}
