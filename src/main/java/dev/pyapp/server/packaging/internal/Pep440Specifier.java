package dev.pyapp.server.packaging.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.packaging.Pep440Version;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A PEP 440 version specifier, such as {@code >=3.9}, {@code >=1.2,<2}, {@code ~=2.2.0},
 * {@code ==1.4.*} or {@code !=1.5}: a comma-separated list of clauses that must all
 * match. Unlike pip, {@link #contains} does not exclude pre-releases: an interpreter
 * {@code 3.13.0rc1} satisfies {@code >=3.9}.
 */
final class Pep440Specifier {

	private static final Pattern CLAUSE = Pattern.compile("^\\s*(~=|===|==|!=|<=|>=|<|>)\\s*(\\S+?)\\s*$");

	private final String text;

	private final List<Clause> clauses;

	private Pep440Specifier(String text, List<Clause> clauses) {
		this.text = text;
		this.clauses = clauses;
	}

	/**
	 * Parses a specifier.
	 * @param text one or more clauses separated by commas
	 * @return the specifier
	 * @throws IllegalArgumentException saying which clause is not valid
	 */
	static Pep440Specifier parse(String text) {
		Assert.notNull(text, "'text' must not be null");
		if (text.isBlank()) {
			throw new IllegalArgumentException("an empty specifier; expected clauses such as '>=3.9'");
		}
		List<Clause> clauses = new ArrayList<>();
		for (String part : text.split(",", -1)) {
			clauses.add(Clause.parse(part));
		}
		return new Pep440Specifier(text.trim(), List.copyOf(clauses));
	}

	/**
	 * Tells whether a version satisfies every clause.
	 * @param version the version
	 * @return whether it matches
	 */
	boolean contains(Pep440Version version) {
		Assert.notNull(version, "'version' must not be null");
		return this.clauses.stream().allMatch((clause) -> clause.matches(version));
	}

	/**
	 * Tells whether a version satisfies every clause.
	 * @param version a PEP 440 version, such as {@code 3.11.2}
	 * @return whether it matches
	 * @throws IllegalArgumentException if {@code version} is not a PEP 440 version
	 */
	boolean contains(String version) {
		return contains(Pep440Version.parse(version));
	}

	@Override
	public String toString() {
		return this.text;
	}

	private record Clause(String operator, String text, @Nullable Pep440Version version, boolean prefix) {

		static Clause parse(String part) {
			Matcher matcher = CLAUSE.matcher(part);
			if (!matcher.matches()) {
				throw new IllegalArgumentException("'" + part.trim()
						+ "' is not a version clause; expected an operator (~=, ==, !=, <=, >=, <, >, ===) and a version");
			}
			String operator = matcher.group(1);
			String value = matcher.group(2);
			if (operator.equals("===")) {
				return new Clause(operator, value, null, false);
			}
			boolean prefix = value.endsWith(".*");
			if (prefix && !operator.equals("==") && !operator.equals("!=")) {
				throw new IllegalArgumentException("'" + part.trim() + "': only == and != allow a trailing .*");
			}
			Pep440Version version = Pep440Version.parse(prefix ? value.substring(0, value.length() - 2) : value);
			if (prefix && (version.isPrerelease() || version.isPostrelease() || version.local() != null)) {
				throw new IllegalArgumentException("'" + part.trim() + "': a .* prefix must be a release number only");
			}
			if (version.local() != null && !operator.equals("==") && !operator.equals("!=")) {
				throw new IllegalArgumentException("'" + part.trim() + "': only == and != allow a local version label");
			}
			if (operator.equals("~=") && version.release().size() < 2) {
				throw new IllegalArgumentException("'" + part.trim() + "': ~= needs at least two release segments");
			}
			return new Clause(operator, value, version, prefix);
		}

		boolean matches(Pep440Version candidate) {
			if (this.version == null) {
				// arbitrary equality (===) compares text; the candidate's
				// normalised form is what we have
				return this.text.equalsIgnoreCase(candidate.toString());
			}
			return switch (this.operator) {
				case "~=" -> candidate.publicVersion().compareTo(this.version) >= 0
						&& prefixMatches(candidate, compatiblePrefix(this.version));
				case "==" -> this.prefix ? prefixMatches(candidate, this.version) : equal(candidate);
				case "!=" -> this.prefix ? !prefixMatches(candidate, this.version) : !equal(candidate);
				case "<=" -> candidate.publicVersion().compareTo(this.version) <= 0;
				case ">=" -> candidate.publicVersion().compareTo(this.version) >= 0;
				case "<" -> less(candidate);
				default -> greater(candidate);
			};
		}

		private boolean equal(Pep440Version candidate) {
			Pep440Version version = this.version;
			return (version.local() != null) ? candidate.equals(version) : candidate.publicVersion().equals(version);
		}

		/** {@code <V} excludes the pre-releases of V itself unless V is one. */
		private boolean less(Pep440Version candidate) {
			Pep440Version version = this.version;
			if (candidate.publicVersion().compareTo(version) >= 0) {
				return false;
			}
			return version.isPrerelease() || !candidate.isPrerelease()
					|| !candidate.baseVersion().equals(version.baseVersion());
		}

		/** {@code >V} excludes the post-releases and local versions of V itself. */
		private boolean greater(Pep440Version candidate) {
			Pep440Version version = this.version;
			if (candidate.publicVersion().compareTo(version) <= 0) {
				return false;
			}
			boolean sameBase = candidate.baseVersion().equals(version.baseVersion());
			if (!version.isPostrelease() && candidate.isPostrelease() && sameBase) {
				return false;
			}
			return candidate.local() == null || !sameBase;
		}

		private static Pep440Version compatiblePrefix(Pep440Version version) {
			List<Long> release = version.release();
			List<String> prefix = release.subList(0, release.size() - 1).stream().map(String::valueOf).toList();
			return Pep440Version.parse(version.epoch() + "!" + String.join(".", prefix));
		}

		private static boolean prefixMatches(Pep440Version candidate, Pep440Version prefix) {
			if (candidate.epoch() != prefix.epoch()) {
				return false;
			}
			List<Long> wanted = prefix.release();
			List<Long> actual = candidate.release();
			for (int i = 0; i < wanted.size(); i++) {
				long segment = (i < actual.size()) ? actual.get(i) : 0;
				if (segment != wanted.get(i)) {
					return false;
				}
			}
			return true;
		}

	}

}
