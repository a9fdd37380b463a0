package dev.pyapp.server.scm;

/**
 * The revision a strategy selected.
 *
 * @param commit the full commit id (40 hex digits)
 * @param ref the ref it was found through, such as {@code refs/heads/main} or
 * {@code refs/tags/v1.2.0}
 */
public record GitRevision(String commit, String ref) {

	/**
	 * The commit id abbreviated for people.
	 * @return the first 12 hex digits
	 */
	public String shortCommit() {
		return this.commit.substring(0, Math.min(12, this.commit.length()));
	}

}
