package dev.pyapp.server.core;

import java.util.regex.Pattern;

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

	public AppId {
		if (value == null || !PATTERN.matcher(value).matches()) {
			throw PyappException.invalid("invalid app name", java.util.List
				.of(new Problem("name", "'" + value + "' is not a valid app name: expected ^[a-z][a-z0-9-]{0,39}$")));
		}
	}

	public static AppId of(String value) {
		return new AppId(value);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
