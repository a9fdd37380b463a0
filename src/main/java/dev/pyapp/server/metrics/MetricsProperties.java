package dev.pyapp.server.metrics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sampleInterval how often every app's series are written to MongoDB for
 * {@code apps.metrics} (the finest {@code step} of its charts)
 * @param retention how long samples are kept; older ones are deleted
 * @param maxPoints the most points one {@code apps.metrics} answer has; a longer range
 * gets a coarser step
 */
@ConfigurationProperties("pyapp.metrics")
record MetricsProperties(@DefaultValue("1m") Duration sampleInterval, @DefaultValue("7d") Duration retention,
		@DefaultValue("1500") int maxPoints) {
}
