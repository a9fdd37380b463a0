package dev.pyapp.server.core;

import java.time.Duration;
import java.util.Locale;

/**
 * A duration in a message for a person: {@code 2 h}, {@code 90 min}, {@code 10 s},
 * {@code 0.3 s}, in the largest unit that divides it; not {@code PT10S}.
 */
public final class DurationText {

	private DurationText() {
	}

	public static String of(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 != 0) {
			return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
		}
		long seconds = millis / 1000;
		if (seconds != 0 && seconds % 3600 == 0) {
			return (seconds / 3600) + " h";
		}
		return (seconds != 0 && seconds % 60 == 0) ? (seconds / 60) + " min" : seconds + " s";
	}

}
