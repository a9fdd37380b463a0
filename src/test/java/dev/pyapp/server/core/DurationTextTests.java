package dev.pyapp.server.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DurationTextTests {

	@Test
	void givesTheLargestUnitThatDividesTheDuration() {
		assertThat(DurationText.of(Duration.ofHours(2))).isEqualTo("2 h");
		assertThat(DurationText.of(Duration.ofMinutes(90))).isEqualTo("90 min");
		assertThat(DurationText.of(Duration.ofSeconds(10))).isEqualTo("10 s");
		assertThat(DurationText.of(Duration.ofMillis(300))).isEqualTo("0.3 s");
		assertThat(DurationText.of(Duration.ZERO)).isEqualTo("0 s");
	}

}
