package dev.pyapp.server.nodes;

/**
 * The signals the server sends to app processes.
 */
public enum Signal {

	/** Graceful stop. */
	TERM(15),

	/** Forced stop, after the grace period. */
	KILL(9),

	/** gunicorn: reload the configuration and replace the workers gracefully. */
	HUP(1),

	/** gunicorn: add a worker. */
	TTIN(21),

	/** gunicorn: remove a worker. */
	TTOU(22),

	/** gunicorn: graceful shutdown of the workers only. */
	QUIT(3),

	/** Probe only: does the process exist. */
	ZERO(0);

	private final int number;

	Signal(int number) {
		this.number = number;
	}

	public int number() {
		return this.number;
	}

}
