package dev.pyapp.server.install;

import java.util.Locale;

/**
 * Where an app is in its deploy lifecycle ({@link AppLifecycle}). Whether a deployed app
 * runs is the supervisor's ({@code runtime}); SPEC §9's state combines both
 * ({@link AppLifecycles#state}).
 */
public enum LifecycleState {

	/** No app is stored under the name: not yet, or removed. Never persisted. */
	ABSENT,

	/** Its first release is being deployed (or continues after its settings came). */
	INSTALLING,

	/**
	 * Its first release is in place but waits for required settings before its
	 * {@code post-install} hook runs and it starts.
	 */
	AWAITING_CONFIGURATION,

	/** A new release, or a rollback's target, is being deployed beside the live one. */
	UPGRADING,

	/** The live release stays while a newer release waits for required settings. */
	UPGRADE_AWAITING_CONFIGURATION,

	/** A live release is in place; whether it runs is the supervisor's. */
	DEPLOYED,

	/**
	 * Its first install was interrupted by a stop of the server: no release is live,
	 * nothing runs, and only the record of what happened is kept (its failed release, its
	 * user, its logs) until it is installed again or removed.
	 */
	FAILED;

	/**
	 * @return whether a deploy is under way (or was, when the server stopped)
	 */
	public boolean deploying() {
		return this == INSTALLING || this == UPGRADING;
	}

	/**
	 * @return the name a person reads ({@code upgrade-awaiting-configuration})
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
