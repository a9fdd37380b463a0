package dev.pyapp.server.logs.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.NotificationDelivery;

import org.springframework.util.Assert;

/**
 * The latest deliveries ({@code notifications.deliveries}), in memory and bounded: once
 * it holds {@code capacity} deliveries, the one changed longest ago is forgotten first. A
 * delivery's new state replaces its old one and counts as its latest change.
 */
public final class DeliveryLog {

	private final int capacity;

	private final LinkedHashMap<String, NotificationDelivery> deliveries = new LinkedHashMap<>();

	public DeliveryLog(int capacity) {
		Assert.isTrue(capacity > 0, "'capacity' must be positive");
		this.capacity = capacity;
	}

	/**
	 * Keeps a delivery's latest state.
	 * @param delivery the delivery
	 */
	public synchronized void remember(NotificationDelivery delivery) {
		this.deliveries.remove(delivery.id());
		this.deliveries.put(delivery.id(), delivery);
		while (this.deliveries.size() > this.capacity) {
			this.deliveries.remove(this.deliveries.keySet().iterator().next());
		}
	}

	/**
	 * The deliveries, latest change first.
	 * @param rule only this rule's, or {@code null} for all
	 * @return the deliveries
	 */
	public List<NotificationDelivery> latestFirst(@Nullable String rule) {
		List<NotificationDelivery> all;
		synchronized (this) {
			all = new ArrayList<>(this.deliveries.values());
		}
		Collections.reverse(all);
		return all.stream().filter((delivery) -> rule == null || delivery.rule().equals(rule)).toList();
	}

}
