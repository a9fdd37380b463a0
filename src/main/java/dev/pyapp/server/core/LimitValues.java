package dev.pyapp.server.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of resource limits (SPEC §10 {@code resources.limits},
 * {@code apps.limits.set} and {@code pyapp.runtime.limits.*}) with their bounds, so that
 * an app's request and an operator's cap are read by the same rules and explained by the
 * same messages.
 */
public final class LimitValues {

	/** Less memory than this does not start a Python process tree. */
	public static final long MIN_MEMORY = 16L * 1024 * 1024;

	public static final long MAX_MEMORY = 1L << 50;

	/** A daemon needs its sandbox (2 processes), a master and a worker. */
	public static final int MIN_PROCESSES = 8;

	public static final int MAX_PROCESSES = 4_194_304;

	public static final int MIN_OPEN_FILES = 16;

	public static final int MAX_OPEN_FILES = 1_048_576;

	public static final double MIN_CPUS = 0.01;

	public static final double MAX_CPUS = 1024;

	private static final Pattern SIZE = Pattern.compile("^([0-9]{1,16})\\s*([KMGT]?)(I?B)?$");

	private LimitValues() {
	}

	/**
	 * Reads a memory size: bytes, or a number with {@code K}, {@code M}, {@code G},
	 * {@code T} (optionally followed by {@code B} or {@code iB}; every unit is a power of
	 * 1024), such as {@code 512MB}.
	 * @param text the size
	 * @return bytes
	 * @throws IllegalArgumentException with a message naming what is expected
	 */
	public static long memory(String text) {
		Matcher matcher = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
		if (!matcher.matches()) {
			throw new IllegalArgumentException("expected a size such as 512MB or 2G; found '" + text + "'");
		}
		long value = Long.parseLong(matcher.group(1));
		int shift = switch (matcher.group(2)) {
			case "K" -> 10;
			case "M" -> 20;
			case "G" -> 30;
			case "T" -> 40;
			default -> 0;
		};
		if (value > (MAX_MEMORY >> shift)) {
			throw new IllegalArgumentException("'" + text + "' is more memory than any host has");
		}
		return checkMemory(value << shift);
	}

	public static long checkMemory(long bytes) {
		if (bytes < MIN_MEMORY || bytes > MAX_MEMORY) {
			throw new IllegalArgumentException(
					"expected at least 16MB of memory (a Python process tree needs it); found " + format(bytes));
		}
		return bytes;
	}

	public static int processes(long value) {
		return (int) range(value, MIN_PROCESSES, MAX_PROCESSES, "processes");
	}

	public static int openFiles(long value) {
		return (int) range(value, MIN_OPEN_FILES, MAX_OPEN_FILES, "open files");
	}

	public static double cpus(double value) {
		if (!(value >= MIN_CPUS && value <= MAX_CPUS)) {
			throw new IllegalArgumentException(
					"expected a number of cores from " + MIN_CPUS + " to " + (int) MAX_CPUS + "; found " + value);
		}
		return value;
	}

	private static long range(long value, long min, long max, String what) {
		if (value < min || value > max) {
			throw new IllegalArgumentException(
					"expected a number of " + what + " from " + min + " to " + max + "; found " + value);
		}
		return value;
	}

	/**
	 * A size for people: {@code 512 MiB}.
	 * @param bytes the size
	 * @return the text
	 */
	public static String format(long bytes) {
		String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
		int unit = 0;
		long value = bytes;
		while (unit < units.length - 1 && value >= 1024 && value % 1024 == 0) {
			value /= 1024;
			unit++;
		}
		return value + " " + units[unit];
	}

}
