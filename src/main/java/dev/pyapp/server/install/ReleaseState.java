package dev.pyapp.server.install;

/**
 * Where a release is in its life.
 */
public enum ReleaseState {

	/** Extracted; its environment is being built or it has not been started yet. */
	PREPARED,

	/** The live release ({@code current} points to it). */
	LIVE,

	/** Was live, kept for a rollback. */
	RETIRED,

	/** Its environment, hooks or health check failed; it never went live. */
	FAILED

}
