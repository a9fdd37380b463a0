package dev.pyapp.server.cli.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --since}: a duration back from now ({@code 30s}, {@code 10m}, {@code 2h},
 * {@code 1d}, {@code 1h30m}) or a time ({@code 2024-05-01T10:00:00Z}, with an offset, or
 * local: {@code 2024-05-01T10:00}, {@code 2024-05-01}).
 */
public final class Since {

	private static final Pattern DURATION = Pattern.compile("(?:\\d+[smhdw])+");

	private static final Pattern PART = Pattern.compile("(\\d+)([smhdw])");

	private Since() {
	}

	/**
	 * Parses a {@code --since} value.
	 * @param value the value
	 * @param clock now
	 * @param zone the zone of local times
	 * @return the instant
	 * @throws IllegalArgumentException if it is neither a duration nor a time
	 */
	public static Instant parse(String value, Clock clock, ZoneId zone) {
		String text = value.trim();
		if (DURATION.matcher(text).matches()) {
			Duration back = Duration.ZERO;
			Matcher part = PART.matcher(text);
			while (part.find()) {
				back = back.plus(unit(part.group(2)).multipliedBy(Long.parseLong(part.group(1))));
			}
			return clock.instant().minus(back);
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			// try the other forms
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			// try the other forms
		}
		try {
			return LocalDateTime.parse(text).atZone(zone).toInstant();
		}
		catch (DateTimeParseException ex) {
			// try the other forms
		}
		try {
			return LocalDate.parse(text).atStartOfDay(zone).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("--since takes a duration such as 10m, 2h or 1d, or an ISO time "
					+ "such as 2024-05-01T10:00:00Z, not '" + value + "'");
		}
	}

	/**
	 * Parses a duration such as {@code 30s}, {@code 10m} or {@code 1h30m}.
	 * @param value the value
	 * @return the duration
	 * @throws IllegalArgumentException if it is not one
	 */
	public static Duration duration(String value) {
		String text = value.trim();
		if (!DURATION.matcher(text).matches()) {
			throw new IllegalArgumentException("not a duration: '" + value + "'");
		}
		Duration total = Duration.ZERO;
		Matcher part = PART.matcher(text);
		while (part.find()) {
			total = total.plus(unit(part.group(2)).multipliedBy(Long.parseLong(part.group(1))));
		}
		return total;
	}

	private static Duration unit(String unit) {
		switch (unit) {
			case "s":
				return Duration.ofSeconds(1);
			case "m":
				return Duration.ofMinutes(1);
			case "h":
				return Duration.ofHours(1);
			case "d":
				return Duration.ofDays(1);
			default:
				return Duration.ofDays(7);
		}
	}

}
