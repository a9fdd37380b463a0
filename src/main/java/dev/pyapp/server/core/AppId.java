package dev.pyapp.server.core;

import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The name of an installed app, which is also its identity:
 * {@code ^[a-z][a-z0-9-]{0,39}$} (SPEC §1). Safe to use as a path segment and in web
 * server configuration.
 *
 * @param value the name
 */
public record AppId(String value) {

	/** The pattern every app name matches. */
	public static final Pattern PATTERN = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");

	/**
	 * What {@link #PATTERN} allows, in words: for messages a person reads.
	 */
	public static final String RULE = "1 to 40 lower-case letters, digits and hyphens, starting with a letter";

	public AppId {
		if (!valid(value)) {
			throw PyappException.invalid("invalid app name", List.of(new Problem("name", problem(value))));
		}
	}

	/**
	 * Whether a name matches {@link #PATTERN}, checked without a regular expression: an
	 * app's id is made on every look-up (500 times per {@code apps.list} of 500 apps, and
	 * more), and a {@code Matcher} with its arrays was the largest allocation of a
	 * listing. {@code AppIdTests} compares the two.
	 * @param value a name
	 * @return whether it is a valid app name
	 */
	public static boolean valid(@Nullable String value) {
		if (value == null || value.isEmpty() || value.length() > 40) {
			return false;
		}
		char first = value.charAt(0);
		if (first < 'a' || first > 'z') {
			return false;
		}
		for (int i = 1; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
				return false;
			}
		}
		return true;
	}

	/**
	 * What is wrong with a name that is not a valid app name, in words.
	 * @param value the name given
	 * @return the message
	 */
	public static String problem(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return "give a name: " + RULE;
		}
		return "'" + value + "' is not a valid name: use " + RULE;
	}

	public static AppId of(String value) {
		return new AppId(value);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
