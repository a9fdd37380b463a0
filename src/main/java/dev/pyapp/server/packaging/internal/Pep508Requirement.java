package dev.pyapp.server.packaging.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A syntax check of PEP 508 requirement strings ({@code bottle==0.12.25},
 * {@code requests[security]>=2.8.1,==2.8.* ; python_version < "3.12"},
 * {@code pkg @ file:///wheels/pkg.whl}). It checks the shape pip will parse, not whether
 * the requirement can be satisfied.
 */
final class Pep508Requirement {

	private static final Pattern REQUIREMENT = Pattern
		.compile("^\\s*(?<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\\s*" + "(?:\\[(?<extras>[^\\]]*)\\])?\\s*"
				+ "(?:@\\s*(?<url>\\S+)\\s*|(?<spec>[^;@]*?))\\s*" + "(?:;(?<marker>.*))?$");

	private static final Pattern EXTRA = Pattern.compile("^\\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\\s*$");

	private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://\\S+$");

	private static final Pattern MARKER = Pattern.compile("^[A-Za-z0-9_.'\"<>=!~ ()\\t-]+$");

	private Pep508Requirement() {
	}

	/**
	 * Checks a requirement.
	 * @param requirement the requirement string
	 * @return what is wrong with it, or {@code null} if it is well formed
	 */
	static @Nullable String problem(String requirement) {
		if (requirement.isBlank()) {
			return "expected a PEP 508 requirement such as 'bottle==0.12.25', not an empty string";
		}
		if (requirement.contains("\n") || requirement.contains("\r")) {
			return "expected a PEP 508 requirement on one line";
		}
		Matcher matcher = REQUIREMENT.matcher(requirement);
		if (!matcher.matches()) {
			return "'" + requirement + "' is not a PEP 508 requirement; expected a project name, optional [extras], "
					+ "a version specifier or '@ url', and an optional '; marker'";
		}
		String extras = matcher.group("extras");
		if (extras != null && !extras.isBlank()) {
			for (String extra : extras.split(",", -1)) {
				if (!EXTRA.matcher(extra).matches()) {
					return "'" + requirement + "': '" + extra.trim() + "' is not a valid extra name";
				}
			}
		}
		String url = matcher.group("url");
		if (url != null && !URL.matcher(url).matches()) {
			return "'" + requirement + "': '" + url + "' is not a URL (such as file:///wheels/x.whl or https://...)";
		}
		String spec = matcher.group("spec");
		if (spec != null && !spec.isBlank()) {
			String clauses = spec.trim();
			if (clauses.startsWith("(") && clauses.endsWith(")")) {
				clauses = clauses.substring(1, clauses.length() - 1);
			}
			try {
				Pep440Specifier.parse(clauses);
			}
			catch (IllegalArgumentException ex) {
				return "'" + requirement + "': " + ex.getMessage();
			}
		}
		String marker = matcher.group("marker");
		if (marker != null && (marker.isBlank() || !MARKER.matcher(marker).matches() || !balanced(marker))) {
			return "'" + requirement + "': the environment marker after ';' is not valid; expected something like "
					+ "python_version < \"3.12\"";
		}
		return null;
	}

	private static boolean balanced(String marker) {
		int depth = 0;
		for (char c : marker.toCharArray()) {
			depth += (c == '(') ? 1 : (c == ')') ? -1 : 0;
			if (depth < 0) {
				return false;
			}
		}
		return depth == 0;
	}

}
