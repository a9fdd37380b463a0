package dev.pyapp.server.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTests {

	private final MutableClock clock = new MutableClock();

	private final LoginThrottle throttle = new LoginThrottle(
			new LoginProperties(3, Duration.ofMinutes(15), Duration.ofMinutes(10)), this.clock);

	@Test
	void locksAfterMaxFailuresUntilTheLockoutHasPassed() {
		String key = LoginThrottle.key("Admin ", "127.0.0.1");
		assertThat(this.throttle.failed(key)).isFalse();
		assertThat(this.throttle.failed(key)).isFalse();
		assertThat(this.throttle.failed(key)).isTrue();
		assertThat(this.throttle.isLocked(LoginThrottle.key("admin", "127.0.0.1"))).isTrue();
		this.clock.advance(Duration.ofMinutes(9));
		assertThat(this.throttle.isLocked(key)).isTrue();
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.throttle.isLocked(key)).isFalse();
	}

	@Test
	void countsPerUserNameAndAddress() {
		for (int i = 0; i < 3; i++) {
			this.throttle.failed(LoginThrottle.key("admin", "10.0.0.1"));
		}
		assertThat(this.throttle.isLocked(LoginThrottle.key("admin", "10.0.0.1"))).isTrue();
		assertThat(this.throttle.isLocked(LoginThrottle.key("admin", "10.0.0.2"))).isFalse();
		assertThat(this.throttle.isLocked(LoginThrottle.key("other", "10.0.0.1"))).isFalse();
	}

	@Test
	void forgetsFailuresOlderThanTheWindowAndAfterASuccess() {
		String key = LoginThrottle.key("admin", "127.0.0.1");
		this.throttle.failed(key);
		this.throttle.failed(key);
		this.clock.advance(Duration.ofMinutes(16));
		assertThat(this.throttle.failed(key)).as("the two old failures expired").isFalse();
		this.throttle.failed(key);
		this.throttle.succeeded(key);
		assertThat(this.throttle.failed(key)).isFalse();
		assertThat(this.throttle.failed(key)).isFalse();
	}

	private static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
