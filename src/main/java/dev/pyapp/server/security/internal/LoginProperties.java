package dev.pyapp.server.security.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param freeFailures failed logins of one user name from one address answered at once;
 * after them every further attempt has to wait
 * @param firstDelay the wait after the first failure beyond {@code freeFailures}; it
 * doubles with each further failure
 * @param maxDelay the longest wait
 * @param window how long failures are counted: the count starts again once this long has
 * passed without one
 */
@ConfigurationProperties("pyapp.security.login")
record LoginProperties(@DefaultValue("3") int freeFailures, @DefaultValue("1s") Duration firstDelay,
		@DefaultValue("30s") Duration maxDelay, @DefaultValue("15m") Duration window) {

	/**
	 * The wait after a number of failures.
	 * @param failures failures counted so far
	 * @return how long the next attempt has to wait
	 */
	Duration delay(int failures) {
		int beyond = failures - this.freeFailures;
		if (beyond <= 0) {
			return Duration.ZERO;
		}
		Duration delay = this.firstDelay.multipliedBy(1L << Math.min(beyond - 1, 30));
		return (delay.compareTo(this.maxDelay) > 0) ? this.maxDelay : delay;
	}

}
