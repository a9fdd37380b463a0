package dev.pyapp.server.mount;

import java.util.Locale;

/**
 * Where the web server is in its life, as {@code server.info} reports it.
 */
public enum WebServerState {

	/** Managed: no configuration has been applied yet, so no instance runs. */
	STOPPED,

	/** Managed: the instance was started and is not yet listening. */
	STARTING,

	/** Managed: the instance runs the applied configuration. */
	RUNNING,

	/**
	 * Managed: the instance ended unexpectedly or did not start; it is restarted after a
	 * pause, until it has failed too often (the message says so) and waits for the next
	 * apply.
	 */
	FAILED,

	/** A system web server: it includes the generated file; its state is its own. */
	SYSTEM;

	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
