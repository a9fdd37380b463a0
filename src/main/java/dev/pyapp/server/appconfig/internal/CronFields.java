package dev.pyapp.server.appconfig.internal;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Checks a 5-field cron expression (minute, hour, day of month, month, day of week) as
 * the task scheduler reads it: {@code *}, {@code a}, {@code a-b}, {@code * /n} and
 * {@code a-b/n}, comma-separated, month and day names ({@code jan}, {@code mon}), and the
 * macros {@code @hourly} to {@code @yearly}.
 */
final class CronFields {

	private static final String PREFIX = "not a valid cron expression: ";

	private static final Set<String> MACROS = Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily",
			"@midnight", "@hourly");

	private static final List<Range> RANGES = List.of(new Range("minute", 0, 59, List.of()),
			new Range("hour", 0, 23, List.of()), new Range("day of month", 1, 31, List.of()),
			new Range("month", 1, 12,
					List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
			new Range("day of week", 0, 7, List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat")));

	private CronFields() {
	}

	static @Nullable String check(String expression) {
		String trimmed = expression.trim();
		if (MACROS.contains(trimmed.toLowerCase(Locale.ROOT))) {
			return null;
		}
		String[] fields = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
		if (fields.length != 5) {
			return PREFIX + "expected 5 fields (minute hour day-of-month month day-of-week), such as */30 * * * *";
		}
		for (int i = 0; i < fields.length; i++) {
			String problem = checkField(fields[i], RANGES.get(i));
			if (problem != null) {
				return PREFIX + problem;
			}
		}
		return null;
	}

	private static @Nullable String checkField(String field, Range range) {
		for (String part : field.split(",", -1)) {
			String problem = checkPart(part, range);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	private static @Nullable String checkPart(String part, Range range) {
		String base = part;
		int slash = part.indexOf('/');
		if (slash >= 0) {
			base = part.substring(0, slash);
			Integer step = number(part.substring(slash + 1));
			if (step == null || step < 1 || step > range.max) {
				return range.name + " step '" + part.substring(slash + 1) + "' must be a number from 1 to " + range.max;
			}
		}
		if (base.equals("*")) {
			return null;
		}
		int dash = base.indexOf('-');
		String[] bounds = (dash > 0) ? new String[] { base.substring(0, dash), base.substring(dash + 1) }
				: new String[] { base };
		Integer previous = null;
		for (String bound : bounds) {
			Integer value = range.value(bound);
			if (value == null) {
				return "cannot read " + range.name + " '" + part + "'";
			}
			if (value < range.min || value > range.max) {
				return range.name + " " + value + " is out of range " + range.min + "-" + range.max;
			}
			if (previous != null && value < previous) {
				return range.name + " range '" + base + "' goes backwards";
			}
			previous = value;
		}
		return null;
	}

	private static @Nullable Integer number(String text) {
		if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
			return null;
		}
		return Integer.parseInt(text);
	}

	private record Range(String name, int min, int max, List<String> names) {

		@Nullable Integer value(String text) {
			int index = this.names.indexOf(text.toLowerCase(Locale.ROOT));
			if (index >= 0) {
				return index + ((this.min == 1) ? 1 : 0);
			}
			return number(text);
		}

	}

}
