package dev.pyapp.server.runtime;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTests {

	private final RestartPolicy policy = new RestartPolicy(Duration.ofSeconds(2), Duration.ofMinutes(1), 5,
			Duration.ofMinutes(5));

	@Test
	void doublesTheDelayAndGivesUpAtTheFifthCrashWithinTheWindow() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		assertThat(this.policy.crashed(now)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.policy.crashed(now.plusSeconds(10))).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.policy.crashed(now.plusSeconds(20))).isEqualTo(Duration.ofSeconds(8));
		assertThat(this.policy.crashed(now.plusSeconds(30))).isEqualTo(Duration.ofSeconds(16));
		assertThat(this.policy.crashed(now.plusSeconds(40))).isNull();
	}

	@Test
	void forgetsCrashesOlderThanTheWindow() {
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		for (int i = 0; i < 4; i++) {
			this.policy.crashed(now.plusSeconds(i));
		}
		assertThat(this.policy.crashed(now.plus(Duration.ofMinutes(6)))).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void neverWaitsLongerThanTheMaximum() {
		RestartPolicy patient = new RestartPolicy(Duration.ofSeconds(10), Duration.ofMinutes(1), 100,
				Duration.ofHours(1));
		Instant now = Instant.parse("2026-01-01T00:00:00Z");
		Duration last = null;
		for (int i = 0; i < 10; i++) {
			last = patient.crashed(now.plusSeconds(i));
		}
		assertThat(last).isEqualTo(Duration.ofMinutes(1));
	}

}
