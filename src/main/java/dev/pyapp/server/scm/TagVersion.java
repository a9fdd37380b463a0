package dev.pyapp.server.scm;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A PEP 440 version read from a tag name, ordered as PEP 440 orders versions (epoch,
 * release with trailing zeros ignored, then dev &lt; pre &lt; final &lt; post). Local
 * labels do not take part in the order. Kept small and private to {@code scm}, which may
 * not depend on {@code packaging}.
 */
final class TagVersion implements Comparable<TagVersion> {

	// PEP 440, appendix B, with the leading "v" it allows
	private static final Pattern PATTERN = Pattern.compile(
			"^\\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\\.[0-9]+)*)"
					+ "(?:[-_.]?(?<prel>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?<pren>[0-9]+)?)?"
					+ "(?:-(?<postn1>[0-9]+)|[-_.]?(?<postl>post|rev|r)[-_.]?(?<postn2>[0-9]+)?)?"
					+ "(?:[-_.]?(?<devl>dev)[-_.]?(?<devn>[0-9]+)?)?(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\\s*$",
			Pattern.CASE_INSENSITIVE);

	/** Orders a dev release without a pre-release before every pre-release. */
	private static final int DEV_ONLY = -1;

	/** Orders a final (or post) release after every pre-release. */
	private static final int FINAL = 3;

	private final String text;

	private final BigInteger epoch;

	private final List<BigInteger> release;

	private final int prePhase;

	private final BigInteger preNumber;

	private final @Nullable BigInteger post;

	private final @Nullable BigInteger dev;

	private TagVersion(String text, BigInteger epoch, List<BigInteger> release, int prePhase, BigInteger preNumber,
			@Nullable BigInteger post, @Nullable BigInteger dev) {
		this.text = text;
		this.epoch = epoch;
		this.release = release;
		this.prePhase = prePhase;
		this.preNumber = preNumber;
		this.post = post;
		this.dev = dev;
	}

	/**
	 * Reads a version.
	 * @param text a PEP 440 version, optionally with a leading {@code v}
	 * @return the version, or {@code null} if the text is none
	 */
	static @Nullable TagVersion parse(String text) {
		Matcher m = PATTERN.matcher(text);
		if (!m.matches()) {
			return null;
		}
		BigInteger epoch = (m.group("epoch") != null) ? new BigInteger(m.group("epoch")) : BigInteger.ZERO;
		List<BigInteger> release = new ArrayList<>();
		for (String part : m.group("release").split("\\.")) {
			release.add(new BigInteger(part));
		}
		while (release.size() > 1 && release.get(release.size() - 1).signum() == 0) {
			release.remove(release.size() - 1);
		}
		BigInteger post = null;
		if (m.group("postn1") != null) {
			post = new BigInteger(m.group("postn1"));
		}
		else if (m.group("postl") != null) {
			post = number(m.group("postn2"));
		}
		BigInteger dev = (m.group("devl") != null) ? number(m.group("devn")) : null;
		int prePhase;
		BigInteger preNumber = BigInteger.ZERO;
		if (m.group("prel") != null) {
			prePhase = phase(m.group("prel").toLowerCase(Locale.ROOT));
			preNumber = number(m.group("pren"));
		}
		else {
			prePhase = (dev != null && post == null) ? DEV_ONLY : FINAL;
		}
		return new TagVersion(text, epoch, List.copyOf(release), prePhase, preNumber, post, dev);
	}

	/**
	 * Whether this is a pre-release or a development release, which
	 * {@link GitStrategy#LATEST_TAG} skips unless asked.
	 * @return whether it is
	 */
	boolean isPrerelease() {
		return this.prePhase != FINAL || this.dev != null;
	}

	@Override
	public int compareTo(TagVersion other) {
		int result = this.epoch.compareTo(other.epoch);
		for (int i = 0; result == 0 && i < Math.max(this.release.size(), other.release.size()); i++) {
			result = segment(this.release, i).compareTo(segment(other.release, i));
		}
		if (result == 0) {
			result = Integer.compare(this.prePhase, other.prePhase);
		}
		if (result == 0) {
			result = this.preNumber.compareTo(other.preNumber);
		}
		if (result == 0) {
			// no post release sorts before any post release
			result = compareMissingFirst(this.post, other.post);
		}
		if (result == 0) {
			// no dev release sorts after any dev release
			result = -compareMissingFirst(negate(this.dev), negate(other.dev));
		}
		return result;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TagVersion version && compareTo(version) == 0;
	}

	@Override
	public int hashCode() {
		return this.epoch.hashCode() * 31 + this.release.hashCode();
	}

	@Override
	public String toString() {
		return this.text;
	}

	private static BigInteger segment(List<BigInteger> release, int index) {
		return (index < release.size()) ? release.get(index) : BigInteger.ZERO;
	}

	private static @Nullable BigInteger negate(@Nullable BigInteger value) {
		return (value != null) ? value.negate() : null;
	}

	private static int compareMissingFirst(@Nullable BigInteger a, @Nullable BigInteger b) {
		if (a == null || b == null) {
			return (a == null) ? ((b == null) ? 0 : -1) : 1;
		}
		return a.compareTo(b);
	}

	private static BigInteger number(@Nullable String digits) {
		return (digits != null) ? new BigInteger(digits) : BigInteger.ZERO;
	}

	private static int phase(String label) {
		switch (label) {
			case "a":
			case "alpha":
				return 0;
			case "b":
			case "beta":
				return 1;
			default:
				// c, rc, pre, preview
				return 2;
		}
	}

}
