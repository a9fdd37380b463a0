package dev.pyapp.server.appconfig.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * The named validators a widget file may refer to ({@code validation.validator}). Each
 * returns {@code null} for a good value, or a message a person can act on. None of them
 * uses a pattern that can backtrack badly.
 */
public final class BuiltInValidators {

	private static final Pattern EMAIL_LOCAL = Pattern
		.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

	private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

	private static final Pattern IPV4 = Pattern
		.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

	private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

	private static final Pattern DURATION = Pattern.compile("(\\d{1,9}(ms|s|m|h|d)){1,5}");

	private static final Pattern SIZE = Pattern.compile("\\d{1,15}(\\.\\d{1,6})? ?([KMGTP]i?B?|[KMGTP]b|B)?",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern ORIGIN = Pattern
		.compile("([A-Za-z][A-Za-z0-9+.-]{0,31})://(\\*\\.)?([^/?#@:\\[\\]]+|\\[[0-9A-Fa-f:.]+\\])(:(\\d{1,5}))?");

	private static final List<String> WEB = List.of("http", "https");

	private static final Map<String, BiFunction<String, @Nullable List<String>, @Nullable String>> validators = Map
		.ofEntries(Map.entry("line", (value, schemes) -> line(value)),
				Map.entry("email", (value, schemes) -> email(value)), Map.entry("url", BuiltInValidators::url),
				Map.entry("hostname", (value, schemes) -> hostname(value)),
				Map.entry("ip", (value, schemes) -> ip(value)), Map.entry("path", (value, schemes) -> path(value)),
				Map.entry("regex", (value, schemes) -> regex(value)),
				Map.entry("duration", (value, schemes) -> duration(value)),
				Map.entry("size", (value, schemes) -> size(value)),
				Map.entry("cron", (value, schemes) -> CronFields.check(value)),
				Map.entry("host_pattern", (value, schemes) -> hostPattern(value)),
				Map.entry("origin_pattern", BuiltInValidators::originPattern));

	private BuiltInValidators() {
	}

	public static Set<String> names() {
		return validators.keySet();
	}

	/**
	 * Checks a value.
	 * @param name the validator's name, one of {@link #names()}
	 * @param value the text to check
	 * @return {@code null} if the value is good, else what is wrong with it
	 */
	public static @Nullable String check(String name, String value) {
		return check(name, value, null);
	}

	/**
	 * Checks a value.
	 * @param name the validator's name, one of {@link #names()}
	 * @param value the text to check
	 * @param schemes the URL schemes {@code url} and {@code origin_pattern} accept, or
	 * {@code null} for http and https
	 * @return {@code null} if the value is good, else what is wrong with it
	 */
	public static @Nullable String check(String name, String value, @Nullable List<String> schemes) {
		BiFunction<String, @Nullable List<String>, @Nullable String> validator = validators.get(name);
		if (validator == null) {
			throw new IllegalArgumentException("no validator named '" + name + "'");
		}
		return validator.apply(value, schemes);
	}

	static @Nullable String line(String value) {
		return (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) ? "must be a single line" : null;
	}

	static @Nullable String email(String value) {
		int at = value.lastIndexOf('@');
		boolean valid = at > 0 && at <= 64 && EMAIL_LOCAL.matcher(value.substring(0, at)).matches()
				&& isHostname(value.substring(at + 1)) && value.indexOf('.', at) > 0;
		return valid ? null : "not a valid e-mail address";
	}

	static @Nullable String url(String value) {
		return url(value, null);
	}

	/**
	 * An absolute URL of one of the schemes: http and https need a host; other schemes
	 * (redis://localhost:6379/0, sqlite:////srv/db) a valid host when they name one.
	 */
	static @Nullable String url(String value, @Nullable List<String> schemes) {
		List<String> accepted = (schemes != null) ? schemes : WEB;
		String message = "not a valid URL: expected "
				+ String.join(" or ", accepted.stream().map((s) -> s + "://").toList())
				+ ((accepted.equals(WEB)) ? " followed by a host name" : "...");
		try {
			URI uri = new URI(value);
			String scheme = uri.getScheme();
			String host = uri.getHost();
			if (scheme == null || !accepted.contains(scheme.toLowerCase(Locale.ROOT))) {
				return message;
			}
			if (host == null) {
				boolean web = WEB.contains(scheme.toLowerCase(Locale.ROOT));
				// an authority that is not a valid host (redis://my_host) is refused too
				return (web || (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) || uri.isOpaque())
						? message : null;
			}
			boolean hostValid = host.startsWith("[") ? isIpv6(host.substring(1, host.length() - 1)) : isHostname(host);
			return hostValid ? null : message;
		}
		catch (URISyntaxException ex) {
			return message;
		}
	}

	/**
	 * A host name pattern as Django's {@code ALLOWED_HOSTS} takes it: a host name, a
	 * domain and its subdomains ({@code .example.org}), {@code *}, or an IP address.
	 */
	static @Nullable String hostPattern(String value) {
		if (value.equals("*")) {
			return null;
		}
		String host = value.startsWith(".") ? value.substring(1) : value;
		if (isHostname(host) || IPV4.matcher(host).matches()
				|| (host.startsWith("[") && host.endsWith("]") && isIpv6(host.substring(1, host.length() - 1)))) {
			return null;
		}
		return "not a valid host name pattern: expected a host name (www.example.org), .example.org for a domain "
				+ "and its subdomains, * for any host, or an IP address"
				+ (value.startsWith("*.") ? " (write " + value.substring(1) + " rather than " + value + ")" : "");
	}

	/**
	 * An origin pattern as Django's {@code CSRF_TRUSTED_ORIGINS} takes it:
	 * {@code scheme://host[:port]}, the host optionally starting with {@code *.}.
	 */
	static @Nullable String originPattern(String value, @Nullable List<String> schemes) {
		List<String> accepted = (schemes != null) ? schemes : WEB;
		String message = "not a valid origin: expected " + String.join(" or ", accepted) + ":// and a host name with "
				+ "an optional port and no path, such as https://example.org or https://*.example.org";
		java.util.regex.Matcher matcher = ORIGIN.matcher(value);
		if (!matcher.matches() || !accepted.contains(matcher.group(1).toLowerCase(Locale.ROOT))) {
			return message;
		}
		String host = matcher.group(3);
		boolean hostValid = host.startsWith("[")
				? matcher.group(2) == null && isIpv6(host.substring(1, host.length() - 1))
				: isHostname(host) || (matcher.group(2) == null && IPV4.matcher(host).matches());
		String port = matcher.group(5);
		boolean portValid = port == null || (Integer.parseInt(port) > 0 && Integer.parseInt(port) <= 65535);
		return (hostValid && portValid) ? null : message;
	}

	static @Nullable String hostname(String value) {
		return isHostname(value) ? null : "not a valid host name";
	}

	static @Nullable String ip(String value) {
		return (IPV4.matcher(value).matches() || isIpv6(value)) ? null : "not a valid IP address";
	}

	static @Nullable String path(String value) {
		if (value.isBlank()) {
			return "not a valid path: it must not be blank";
		}
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i))) {
				return "not a valid path: it must not contain control characters";
			}
		}
		return null;
	}

	public static @Nullable String regex(String value) {
		try {
			Pattern.compile(value);
			return null;
		}
		catch (PatternSyntaxException ex) {
			return "not a valid regular expression: " + ex.getDescription()
					+ ((ex.getIndex() >= 0) ? " near position " + ex.getIndex() : "");
		}
	}

	static @Nullable String duration(String value) {
		return DURATION.matcher(value).matches() ? null
				: "not a valid duration: use a number and a unit (ms, s, m, h, d), such as 30s, 5m or 1h30m";
	}

	static @Nullable String size(String value) {
		return SIZE.matcher(value).matches() ? null
				: "not a valid size: use a number and an optional unit (B, K, M, G, T), such as 512K or 10M";
	}

	private static boolean isHostname(String value) {
		if (value.isEmpty() || value.length() > 253) {
			return false;
		}
		for (String label : value.split("\\.", -1)) {
			if (!LABEL.matcher(label).matches()) {
				return false;
			}
		}
		return true;
	}

	private static boolean isIpv6(String value) {
		if (value.indexOf(':') < 0 || value.length() > 45) {
			return false;
		}
		int groupsNeeded = 8;
		String head = value;
		int lastColon = value.lastIndexOf(':');
		String tail = value.substring(lastColon + 1);
		if (tail.indexOf('.') >= 0) {
			// an embedded IPv4 address takes the place of the last two groups
			if (!IPV4.matcher(tail).matches()) {
				return false;
			}
			groupsNeeded = 6;
			head = value.substring(0, lastColon + 1);
			if (!head.endsWith("::")) {
				head = head.substring(0, head.length() - 1);
			}
		}
		int doubleColon = head.indexOf("::");
		if (doubleColon < 0) {
			return countGroups(head) == groupsNeeded;
		}
		if (head.indexOf("::", doubleColon + 1) >= 0) {
			return false;
		}
		int left = countGroups(head.substring(0, doubleColon));
		int right = countGroups(head.substring(doubleColon + 2));
		return left >= 0 && right >= 0 && left + right < groupsNeeded;
	}

	private static int countGroups(String part) {
		if (part.isEmpty()) {
			return 0;
		}
		String[] groups = part.split(":", -1);
		for (String group : groups) {
			if (!HEX_GROUP.matcher(group).matches()) {
				return -1;
			}
		}
		return groups.length;
	}

}
