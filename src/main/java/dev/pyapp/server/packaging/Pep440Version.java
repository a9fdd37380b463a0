package dev.pyapp.server.packaging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A PEP 440 version, such as {@code 1.4.0}, {@code 2.0rc1}, {@code 1!3.0.post2.dev1} or
 * {@code 1.0+local.7}. Every spelling PEP 440 allows is accepted ({@code v1.0},
 * {@code 1.0-alpha.1}, {@code 1.0-1}); {@link #toString()} gives the normalised form.
 * Ordering and equality follow PEP 440 (as the {@code packaging} library implements it):
 * {@code 1.0.dev1 < 1.0a1 < 1.0 < 1.0.post1}, and {@code 1.0 == 1.0.0}.
 */
public final class Pep440Version implements Comparable<Pep440Version> {

	private static final Pattern PATTERN = Pattern.compile("^\\s*v?(?:(?<epoch>[0-9]+)!)?"
			+ "(?<release>[0-9]+(?:\\.[0-9]+)*)"
			+ "(?:[-_.]?(?<preL>alpha|beta|preview|pre|a|b|c|rc)[-_.]?(?<preN>[0-9]+)?)?"
			+ "(?:-(?<postN1>[0-9]+)|[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?)?"
			+ "(?:[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?" + "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
			Pattern.CASE_INSENSITIVE);

	private static final List<String> PRE_ORDER = List.of("a", "b", "rc");

	private final long epoch;

	private final long[] release;

	private final @Nullable String preLabel;

	private final long preNumber;

	private final long post;

	private final long dev;

	private final @Nullable String local;

	private Pep440Version(long epoch, long[] release, @Nullable String preLabel, long preNumber, long post, long dev,
			@Nullable String local) {
		this.epoch = epoch;
		this.release = release;
		this.preLabel = preLabel;
		this.preNumber = preNumber;
		this.post = post;
		this.dev = dev;
		this.local = local;
	}

	/**
	 * Parses a version.
	 * @param text the version, in any spelling PEP 440 allows
	 * @return the version
	 * @throws IllegalArgumentException if it is not a PEP 440 version
	 */
	public static Pep440Version parse(String text) {
		Assert.notNull(text, "'text' must not be null");
		Matcher matcher = PATTERN.matcher(text);
		if (text.length() > 200 || !matcher.matches()) {
			throw new IllegalArgumentException("'" + text + "' is not a PEP 440 version");
		}
		try {
			long epoch = (matcher.group("epoch") != null) ? Long.parseLong(matcher.group("epoch")) : 0;
			long[] release = Arrays.stream(matcher.group("release").split("\\.")).mapToLong(Long::parseLong).toArray();
			String preLabel = preLabel(matcher.group("preL"));
			long preNumber = number(matcher.group("preN"));
			long post = -1;
			if (matcher.group("postN1") != null) {
				post = Long.parseLong(matcher.group("postN1"));
			}
			else if (matcher.group("postL") != null) {
				post = number(matcher.group("postN2"));
			}
			long dev = (matcher.group("devL") != null) ? number(matcher.group("devN")) : -1;
			String local = (matcher.group("local") != null)
					? matcher.group("local").toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.') : null;
			return new Pep440Version(epoch, release, preLabel, preNumber, post, dev, local);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' has a number too large for a version", ex);
		}
	}

	/**
	 * Tells whether a text is a PEP 440 version.
	 * @param text the text
	 * @return whether {@link #parse} accepts it
	 */
	public static boolean isValid(String text) {
		try {
			parse(text);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static @Nullable String preLabel(@Nullable String label) {
		if (label == null) {
			return null;
		}
		return switch (label.toLowerCase(Locale.ROOT)) {
			case "alpha", "a" -> "a";
			case "beta", "b" -> "b";
			default -> "rc";
		};
	}

	private static long number(@Nullable String digits) {
		return (digits != null) ? Long.parseLong(digits) : 0;
	}

	/**
	 * @return whether this is a pre-release or a development release
	 */
	public boolean isPrerelease() {
		return this.preLabel != null || this.dev >= 0;
	}

	/**
	 * @return whether this is a post-release
	 */
	public boolean isPostrelease() {
		return this.post >= 0;
	}

	/**
	 * @return whether this is a development release
	 */
	public boolean isDevrelease() {
		return this.dev >= 0;
	}

	/**
	 * @return the epoch (0 unless given)
	 */
	public long epoch() {
		return this.epoch;
	}

	/**
	 * @return the release segments, such as {@code [1, 4, 0]}
	 */
	public List<Long> release() {
		return Arrays.stream(this.release).boxed().toList();
	}

	/**
	 * @return the normalised local label, or {@code null}
	 */
	public @Nullable String local() {
		return this.local;
	}

	/**
	 * @return this version without its local label
	 */
	public Pep440Version publicVersion() {
		return new Pep440Version(this.epoch, this.release, this.preLabel, this.preNumber, this.post, this.dev, null);
	}

	/**
	 * @return the epoch and release only, such as {@code 1.4.0} for {@code 1.4.0rc1}
	 */
	public Pep440Version baseVersion() {
		return new Pep440Version(this.epoch, this.release, null, 0, -1, -1, null);
	}

	@Override
	public int compareTo(Pep440Version other) {
		int result = Long.compare(this.epoch, other.epoch);
		if (result == 0) {
			result = compareRelease(this.release, other.release);
		}
		if (result == 0) {
			result = Long.compare(preKey(), other.preKey());
		}
		if (result == 0 && this.preLabel != null && other.preLabel != null) {
			result = Long.compare(this.preNumber, other.preNumber);
		}
		if (result == 0) {
			result = Long.compare(this.post, other.post);
		}
		if (result == 0) {
			// no dev part sorts after every dev release
			result = Long.compare((this.dev < 0) ? Long.MAX_VALUE : this.dev,
					(other.dev < 0) ? Long.MAX_VALUE : other.dev);
		}
		if (result == 0) {
			result = compareLocal(this.local, other.local);
		}
		return result;
	}

	/**
	 * Orders the pre-release part: a final release's dev release sorts before its
	 * pre-releases ({@code 1.0.dev1 < 1.0a1}), and a version without a pre-release after
	 * them.
	 */
	private long preKey() {
		if (this.preLabel == null) {
			return (this.post < 0 && this.dev >= 0) ? -1 : 3;
		}
		return PRE_ORDER.indexOf(this.preLabel);
	}

	private static int compareRelease(long[] left, long[] right) {
		// trailing zeros do not count: 1.0 == 1.0.0
		int length = Math.max(left.length, right.length);
		for (int i = 0; i < length; i++) {
			long l = (i < left.length) ? left[i] : 0;
			long r = (i < right.length) ? right[i] : 0;
			if (l != r) {
				return Long.compare(l, r);
			}
		}
		return 0;
	}

	private static int compareLocal(@Nullable String left, @Nullable String right) {
		if (left == null || right == null) {
			return (left == null) ? ((right == null) ? 0 : -1) : 1;
		}
		String[] l = left.split("\\.");
		String[] r = right.split("\\.");
		for (int i = 0; i < Math.min(l.length, r.length); i++) {
			int result = compareLocalSegment(l[i], r[i]);
			if (result != 0) {
				return result;
			}
		}
		return Integer.compare(l.length, r.length);
	}

	private static int compareLocalSegment(String left, String right) {
		boolean leftNumeric = left.chars().allMatch(Character::isDigit);
		boolean rightNumeric = right.chars().allMatch(Character::isDigit);
		if (leftNumeric && rightNumeric) {
			return new java.math.BigInteger(left).compareTo(new java.math.BigInteger(right));
		}
		if (leftNumeric != rightNumeric) {
			// numeric segments sort after alphanumeric ones
			return leftNumeric ? 1 : -1;
		}
		return left.compareTo(right);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Pep440Version version && compareTo(version) == 0;
	}

	@Override
	public int hashCode() {
		int end = this.release.length;
		while (end > 1 && this.release[end - 1] == 0) {
			end--;
		}
		return Objects.hash(this.epoch, Arrays.hashCode(Arrays.copyOf(this.release, end)), this.preLabel,
				(this.preLabel != null) ? this.preNumber : 0, this.post, this.dev, this.local);
	}

	/**
	 * @return the normalised form, such as {@code 1!2.0rc1.post3.dev4+ubuntu.1}
	 */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		if (this.epoch != 0) {
			text.append(this.epoch).append('!');
		}
		List<String> segments = new ArrayList<>();
		for (long segment : this.release) {
			segments.add(Long.toString(segment));
		}
		text.append(String.join(".", segments));
		if (this.preLabel != null) {
			text.append(this.preLabel).append(this.preNumber);
		}
		if (this.post >= 0) {
			text.append(".post").append(this.post);
		}
		if (this.dev >= 0) {
			text.append(".dev").append(this.dev);
		}
		if (this.local != null) {
			text.append('+').append(this.local);
		}
		return text.toString();
	}

}
