package dev.pyapp.server.venv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version specifier such as {@code >=3.9,<3.13} or {@code ~=3.10}, as far as
 * interpreter versions need it: release segments only, {@code .*} wildcards for
 * {@code ==} and {@code !=}.
 */
final class PythonSpecifier {

	private static final Pattern CLAUSE = Pattern
		.compile("^\\s*(~=|===|==|!=|<=|>=|<|>)\\s*([0-9][0-9.]*(\\.\\*)?)\\s*$");

	private final String text;

	private final List<Clause> clauses;

	private PythonSpecifier(String text, List<Clause> clauses) {
		this.text = text;
		this.clauses = clauses;
	}

	/**
	 * Parses a specifier.
	 * @param text the specifier
	 * @return the specifier
	 * @throws IllegalArgumentException if a clause is not understood
	 */
	static PythonSpecifier parse(String text) {
		List<Clause> clauses = new ArrayList<>();
		for (String part : text.split(",")) {
			if (part.isBlank()) {
				continue;
			}
			Matcher matcher = CLAUSE.matcher(part);
			if (!matcher.matches()) {
				throw new IllegalArgumentException("'" + part.trim() + "' is not a version specifier clause");
			}
			String version = matcher.group(2);
			boolean wildcard = version.endsWith(".*");
			clauses.add(new Clause(matcher.group(1),
					parts(wildcard ? version.substring(0, version.length() - 2) : version), wildcard));
		}
		return new PythonSpecifier(text, List.copyOf(clauses));
	}

	boolean contains(String version) {
		int[] candidate = parts(version);
		return this.clauses.stream().allMatch((clause) -> clause.matches(candidate));
	}

	@Override
	public String toString() {
		return this.text;
	}

	static int[] parts(String version) {
		String release = version.replaceFirst("[^0-9.].*$", "");
		String[] segments = release.split("\\.");
		int[] result = new int[segments.length];
		for (int i = 0; i < segments.length; i++) {
			result[i] = segments[i].isEmpty() ? 0 : Integer.parseInt(segments[i]);
		}
		return result;
	}

	static int compare(int[] a, int[] b) {
		for (int i = 0; i < Math.max(a.length, b.length); i++) {
			int x = (i < a.length) ? a[i] : 0;
			int y = (i < b.length) ? b[i] : 0;
			if (x != y) {
				return Integer.compare(x, y);
			}
		}
		return 0;
	}

	private static boolean prefixMatches(int[] candidate, int[] prefix) {
		for (int i = 0; i < prefix.length; i++) {
			if (((i < candidate.length) ? candidate[i] : 0) != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private record Clause(String operator, int[] version, boolean wildcard) {

		boolean matches(int[] candidate) {
			int order = compare(candidate, this.version);
			switch (this.operator) {
				case "==":
				case "===":
					return this.wildcard ? prefixMatches(candidate, this.version) : order == 0;
				case "!=":
					return this.wildcard ? !prefixMatches(candidate, this.version) : order != 0;
				case "<=":
					return order <= 0;
				case ">=":
					return order >= 0;
				case "<":
					return order < 0;
				case ">":
					return order > 0;
				case "~=":
					int[] prefix = Arrays.copyOf(this.version, Math.max(1, this.version.length - 1));
					return order >= 0 && prefixMatches(candidate, prefix);
				default:
					return false;
			}
		}

	}

}
