package dev.pyapp.server.runtime.internal;

import java.util.EnumSet;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.ProcessState;

/**
 * The supervisor's state machine of one app's daemon (the transition table is in this
 * package's documentation). Each transition checks the states it may leave and refuses
 * any other with an {@link IllegalStateException} naming the app and both states. A
 * launch is an <em>attempt</em>: {@link #begin} and {@link #retry} hand out its number,
 * and only the current attempt may {@link #started commit}; a stop, a promotion or a
 * later attempt makes it stale, so a daemon it launched meanwhile is stopped, not
 * adopted. Not thread-safe: guarded by the app's lock, which is never held across a
 * launch or a health wait.
 */
final class DaemonLifecycle {

	/** Where the supervisor is with an app's daemon. */
	enum State {

		/** Not running on purpose: never started, stopped, or the server stopped it. */
		STOPPED,

		/** A launch is under way (a start, or a restart after a crash). */
		STARTING,

		/** A daemon is live. */
		RUNNING,

		/** The live daemon crashed; a restart is scheduled after the backoff delay. */
		BACKOFF,

		/** A stop is under way. */
		STOPPING,

		/** Crashed too often, or a start failed: nothing restarts it but a start. */
		FATAL;

		/**
		 * The state the API shows (SPEC §9).
		 * @return the process state
		 */
		ProcessState processState() {
			return switch (this) {
				case STOPPED, STOPPING -> ProcessState.STOPPED;
				case STARTING, BACKOFF -> ProcessState.STARTING;
				case RUNNING -> ProcessState.RUNNING;
				case FATAL -> ProcessState.FAILED;
			};
		}

	}

	private final AppId app;

	private State state;

	private long attempt;

	DaemonLifecycle(AppId app, State initial) {
		this.app = app;
		this.state = initial;
	}

	State state() {
		return this.state;
	}

	/**
	 * Whether an attempt is still the one under way (nothing stopped, promoted or started
	 * anew since it began).
	 * @param attempt the attempt's number
	 * @return whether it may commit
	 */
	boolean isCurrent(long attempt) {
		return this.state == State.STARTING && this.attempt == attempt;
	}

	/**
	 * A start on request: STOPPED, BACKOFF or FATAL → STARTING.
	 * @return the attempt's number
	 */
	long begin() {
		move("start", EnumSet.of(State.STOPPED, State.BACKOFF, State.FATAL), State.STARTING);
		return ++this.attempt;
	}

	/**
	 * The restart after a crash, once its delay is over: BACKOFF → STARTING.
	 * @return the attempt's number
	 */
	long retry() {
		move("restart after a crash", EnumSet.of(State.BACKOFF), State.STARTING);
		return ++this.attempt;
	}

	/**
	 * The attempt's daemon accepts connections: STARTING → RUNNING.
	 * @param attempt the attempt's number
	 */
	void started(long attempt) {
		if (this.state == State.STARTING && this.attempt != attempt) {
			throw new IllegalStateException(
					"App [" + this.app + "] start attempt [" + attempt + "] is stale (now [" + this.attempt + "])");
		}
		move("commit a start", EnumSet.of(State.STARTING), State.RUNNING);
	}

	/**
	 * A start on request failed: STARTING → FATAL.
	 * @param attempt the attempt's number
	 */
	void startFailed(long attempt) {
		if (!isCurrent(attempt)) {
			throw new IllegalStateException("App [" + this.app + "] with state [" + this.state
					+ "] has no start attempt [" + attempt + "] to fail");
		}
		this.state = State.FATAL;
	}

	/**
	 * The live daemon ended, or a restart after a crash failed: RUNNING or STARTING →
	 * BACKOFF, or FATAL when the restart policy gives up.
	 * @param giveUp whether the policy gave up
	 */
	void crashed(boolean giveUp) {
		move("crash", EnumSet.of(State.RUNNING, State.STARTING), giveUp ? State.FATAL : State.BACKOFF);
	}

	/**
	 * A stop on request (or of the server): every state but STOPPING → STOPPING; an
	 * attempt under way becomes stale.
	 */
	void stopping() {
		move("stop", EnumSet.complementOf(EnumSet.of(State.STOPPING)), State.STOPPING);
	}

	/** The stop is done: STOPPING → STOPPED. */
	void stopped() {
		move("finish a stop", EnumSet.of(State.STOPPING), State.STOPPED);
	}

	/** A daemon that outlived the server's restart is taken over: STOPPED → RUNNING. */
	void adopted() {
		move("adopt", EnumSet.of(State.STOPPED), State.RUNNING);
	}

	/**
	 * Another daemon goes live (a promoted candidate, a graceful restart's new daemon, a
	 * reverted one): every state but STOPPING → RUNNING; an attempt under way becomes
	 * stale.
	 */
	void switched() {
		move("switch daemons", EnumSet.complementOf(EnumSet.of(State.STOPPING)), State.RUNNING);
	}

	private void move(String transition, Set<State> from, State to) {
		if (!from.contains(this.state)) {
			throw new IllegalStateException("App [" + this.app + "] with state [" + this.state + "] cannot "
					+ transition + " (allowed from " + from + ")");
		}
		this.state = to;
	}

}
