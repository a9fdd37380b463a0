package dev.pyapp.server.security.internal;

import java.time.Duration;

import dev.pyapp.server.core.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTests {

	private final MutableClock clock = new MutableClock();

	private final LoginThrottle throttle = new LoginThrottle(
			new LoginProperties(3, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(15)), this.clock);

	@Test // GH-13 (10)
	void theWaitGrowsPerFailureAndNeverBecomesALongLockout() {
		String key = LoginThrottle.key("Admin ", "127.0.0.1");
		for (int i = 0; i < 3; i++) {
			assertThat(this.throttle.failed(key)).isZero();
		}
		assertThat(this.throttle.failed(key)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.throttle.retryAfter(LoginThrottle.key("admin", "127.0.0.1"))).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.throttle.failed(key)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.throttle.failed(key)).isEqualTo(Duration.ofSeconds(4));
		for (int i = 0; i < 20; i++) {
			this.throttle.failed(key);
		}
		// however many guesses, the real user waits 30 s at most, not 15 minutes
		assertThat(this.throttle.retryAfter(key)).isEqualTo(Duration.ofSeconds(30));
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.throttle.retryAfter(key)).isZero();
	}

	@Test
	void countsPerUserNameAndAddress() {
		for (int i = 0; i < 4; i++) {
			this.throttle.failed(LoginThrottle.key("admin", "10.0.0.1"));
		}
		assertThat(this.throttle.retryAfter(LoginThrottle.key("admin", "10.0.0.1"))).isPositive();
		assertThat(this.throttle.retryAfter(LoginThrottle.key("admin", "10.0.0.2"))).isZero();
		assertThat(this.throttle.retryAfter(LoginThrottle.key("other", "10.0.0.1"))).isZero();
	}

	@Test
	void forgetsFailuresAfterAQuietWindowAndAfterASuccess() {
		String key = LoginThrottle.key("admin", "127.0.0.1");
		for (int i = 0; i < 4; i++) {
			this.throttle.failed(key);
		}
		this.clock.advance(Duration.ofMinutes(16));
		assertThat(this.throttle.failed(key)).as("the old failures expired").isZero();
		this.throttle.failed(key);
		this.throttle.succeeded(key);
		assertThat(this.throttle.retryAfter(key)).isZero();
		assertThat(this.throttle.failed(key)).isZero();
	}

}
