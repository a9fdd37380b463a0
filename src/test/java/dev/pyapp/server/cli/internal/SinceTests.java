package dev.pyapp.server.cli.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SinceTests {

	private static final Clock clock = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);

	private static final ZoneId berlin = ZoneId.of("Europe/Berlin");

	@Test
	void durationsCountBackFromNow() {
		assertThat(Since.parse("30s", clock, berlin)).isEqualTo("2024-05-01T11:59:30Z");
		assertThat(Since.parse("2h", clock, berlin)).isEqualTo("2024-05-01T10:00:00Z");
		assertThat(Since.parse("1h30m", clock, berlin)).isEqualTo("2024-05-01T10:30:00Z");
		assertThat(Since.parse("1d", clock, berlin)).isEqualTo("2024-04-30T12:00:00Z");
		assertThat(Since.parse("1w", clock, berlin)).isEqualTo("2024-04-24T12:00:00Z");
	}

	@Test
	void timesWithoutAnOffsetAreLocal() {
		assertThat(Since.parse("2024-05-01T10:00:00Z", clock, berlin)).isEqualTo("2024-05-01T10:00:00Z");
		assertThat(Since.parse("2024-05-01T10:00", clock, berlin)).isEqualTo("2024-05-01T08:00:00Z");
		assertThat(Since.parse("2024-05-01", clock, berlin)).isEqualTo("2024-04-30T22:00:00Z");
	}

	@Test
	void anythingElseIsRefusedWithAnExample() {
		assertThatIllegalArgumentException().isThrownBy(() -> Since.parse("10 minutes", clock, berlin))
			.withMessageContaining("10m, 2h or 1d");
		assertThatIllegalArgumentException().isThrownBy(() -> Since.parse("5y", clock, berlin));
	}

}
