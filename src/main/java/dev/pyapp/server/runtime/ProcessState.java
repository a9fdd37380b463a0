package dev.pyapp.server.runtime;

import java.util.Locale;

/**
 * Where an app's daemon is in its life (the process part of SPEC §9's states).
 */
public enum ProcessState {

	/**
	 * Started, not yet accepting connections; or waiting to be restarted after a crash.
	 */
	STARTING,

	/** Accepting connections. */
	RUNNING,

	/** Not running, on purpose (never started, or stopped). */
	STOPPED,

	/** Crashed too often, or could not start; the reason is kept. */
	FAILED;

	/**
	 * The name the API uses.
	 * @return the lower-case name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
