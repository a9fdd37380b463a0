package dev.pyapp.server.scm;

import org.jspecify.annotations.Nullable;

/**
 * Which revision of a git source is deployed (SPEC §1, {@code updates.strategy}).
 */
public enum GitStrategy {

	/** The head of the repository's default branch. */
	ALWAYS_LATEST("always-latest"),

	/** The head of a named branch. */
	ONE_BRANCH("one-branch"),

	/** The newest tag matching a glob, by PEP 440 order. */
	LATEST_TAG("latest-tag");

	private final String value;

	GitStrategy(String value) {
		this.value = value;
	}

	/**
	 * The name used in the API and in {@code metadata.yaml}.
	 * @return the name, such as {@code one-branch}
	 */
	public String value() {
		return this.value;
	}

	/**
	 * The strategy with this name.
	 * @param value a name such as {@code latest-tag}
	 * @return the strategy, or {@code null} if there is none of that name
	 */
	public static @Nullable GitStrategy of(@Nullable String value) {
		for (GitStrategy strategy : values()) {
			if (strategy.value.equals(value)) {
				return strategy;
			}
		}
		return null;
	}

}
