package dev.pyapp.server.mount;

import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.install.ReleaseActivated;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppNotAdopted;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppStopped;
import dev.pyapp.server.runtime.AppSwitching;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * What the mounts do when other modules' apps change: a removed app's mounts are dropped,
 * and the applied configuration is applied again when what it renders to changed (a
 * release made live, a daemon started, switched or ended, a daemon not found after the
 * server's restart): synchronously, in the publisher's thread, under
 * {@link MountManager}'s lock. At startup the managed web server is adopted or started.
 */
@Component
class MountReactions {

	private final MountManager mounts;

	MountReactions(MountManager mounts) {
		this.mounts = mounts;
	}

	@EventListener
	void on(AppRemoved event) {
		this.mounts.dropApp(event.app());
		this.mounts.reapply("removal of " + event.app());
	}

	@EventListener
	void on(ReleaseActivated event) {
		this.mounts.reapply("release " + event.releaseId() + " of " + event.app());
	}

	/**
	 * A daemon bound to a port gets a new port with every release, and a daemon of
	 * another app server speaks another protocol: the web server must follow before the
	 * old daemon stops, so this runs synchronously in the switch. A socket-bound app of
	 * the same protocol switches at its stable socket path: the configuration rendered is
	 * the same, and nothing is reloaded.
	 */
	@EventListener
	void on(AppStarted event) {
		this.mounts.reapply("start of the daemon of " + event.app() + " (" + event.release() + ")");
	}

	/**
	 * A daemon bound to a port that ended (crashed, failed or stopped) frees its port,
	 * which any local process may bind: the web server must stop passing requests there
	 * ({@code AppSupervisor.endpoint} no longer names it). A socket-bound app renders the
	 * same, and nothing is reloaded.
	 */
	@EventListener
	void on(AppCrashed event) {
		this.mounts.reapply("crash of the daemon of " + event.app() + " (" + event.release() + ")");
	}

	@EventListener
	void on(AppStopped event) {
		this.mounts.reapply("stop of the daemon of " + event.app() + " (" + event.release() + ")");
	}

	/**
	 * After a restart of the server, the web server reached a daemon bound to a port at
	 * the port it had, until adoption looked for it: not found, that port is free, and
	 * the start that follows may fail (no {@link AppStarted} then) or wait for a venv.
	 */
	@EventListener
	void on(AppNotAdopted event) {
		this.mounts.reapply("loss of the daemon that " + event.app() + " ran on port " + event.port()
				+ " before the server's restart");
	}

	/**
	 * A switch to a daemon of another protocol: the web server speaks it to that daemon's
	 * own socket before {@code run/app.sock} leads there (synchronously, in the switch).
	 */
	@EventListener
	void on(AppSwitching event) {
		this.mounts
			.reapply("switch of " + event.app() + " to " + event.release() + " (" + event.protocol().value() + ")");
	}

	@EventListener(ApplicationReadyEvent.class)
	// before the crash watch begins, which is the last (SupervisorStartup)
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	void started() {
		this.mounts.started();
	}

}
