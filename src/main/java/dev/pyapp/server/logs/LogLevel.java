package dev.pyapp.server.logs;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Python's standard logging levels, which are the levels of every stored record.
 */
public enum LogLevel {

	/** Detailed diagnostics (10). */
	DEBUG(10),

	/** Normal operation (20); stdout lines. */
	INFO(20),

	/** Something unexpected that was handled (30); stderr lines. */
	WARNING(30),

	/** A failure of one operation (40). */
	ERROR(40),

	/** A failure of the program (50). */
	CRITICAL(50);

	private final int number;

	LogLevel(int number) {
		this.number = number;
	}

	public int number() {
		return this.number;
	}

	/**
	 * The standard level at or below a numeric Python level, so that a custom level 25
	 * counts as {@code INFO}.
	 * @param number the numeric level
	 * @return the level
	 */
	public static LogLevel of(int number) {
		LogLevel result = DEBUG;
		for (LogLevel level : values()) {
			if (number >= level.number) {
				result = level;
			}
		}
		return result;
	}

	/**
	 * Parses a level name ({@code WARN} and {@code FATAL} are accepted as Python does) or
	 * a number.
	 * @param text the name or number
	 * @return the level, or {@code null} if the text is neither
	 */
	public static @Nullable LogLevel parse(@Nullable String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		String name = text.trim().toUpperCase(Locale.ROOT);
		switch (name) {
			case "WARN":
				return WARNING;
			case "FATAL":
				return CRITICAL;
			default:
				break;
		}
		for (LogLevel level : values()) {
			if (level.name().equals(name)) {
				return level;
			}
		}
		try {
			return of(Integer.parseInt(name));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
