package dev.pyapp.server.runtime;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * The supervisor's mutable view of one app; guarded by its own monitor, which is held
 * only for short, non-blocking steps (never across a launch, a stop or a health wait).
 */
final class Supervised {

	final AppId app;

	final RestartPolicy policy;

	final DaemonLifecycle lifecycle;

	volatile AppStatus status;

	volatile @Nullable Daemon live;

	volatile @Nullable Daemon candidate;

	volatile @Nullable Daemon retiring;

	/**
	 * A daemon of another protocol that is about to go live ({@link AppSwitching}).
	 */
	volatile @Nullable Daemon switching;

	volatile boolean wanted = true;

	/** The scheduled restart after a crash. */
	@Nullable ScheduledFuture<?> restart;

	/** The status a start under way ends with, for a second start to wait on. */
	@Nullable CompletableFuture<AppStatus> starting;

	/** When the kernel last killed a process of the live daemon for memory. */
	@Nullable Instant lastOutOfMemory;

	Supervised(AppId app, RestartPolicy policy, DaemonLifecycle.State initial) {
		this.app = app;
		this.policy = policy;
		this.lifecycle = new DaemonLifecycle(app, initial);
		this.status = AppStatus.stopped(app);
	}

	void cancelRestart() {
		if (this.restart != null) {
			this.restart.cancel(false);
			this.restart = null;
		}
	}

}
