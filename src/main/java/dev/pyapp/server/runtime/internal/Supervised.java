package dev.pyapp.server.runtime.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSwitching;
import dev.pyapp.server.runtime.Restarter;
import org.jspecify.annotations.Nullable;

/**
 * The supervisor's mutable view of one app; guarded by its own monitor, which is held
 * only for short, non-blocking steps (never across a launch, a stop or a health wait).
 */
public final class Supervised {

	final AppId app;

	/** Restarts after crashes: counted, scheduled, given up. */
	final Restarter restarts;

	final DaemonLifecycle lifecycle;

	public volatile AppStatus status;

	public volatile @Nullable Daemon live;

	volatile @Nullable Daemon candidate;

	volatile @Nullable Daemon retiring;

	/**
	 * A daemon of another protocol that is about to go live ({@link AppSwitching}).
	 */
	volatile @Nullable Daemon switching;

	public volatile boolean wanted = true;

	/** The status a start under way ends with, for a second start to wait on. */
	@Nullable CompletableFuture<AppStatus> starting;

	/** When the kernel last killed a process of the live daemon for memory. */
	@Nullable Instant lastOutOfMemory;

	Supervised(AppId app, Restarter restarts, DaemonLifecycle.State initial) {
		this.app = app;
		this.restarts = restarts;
		this.lifecycle = new DaemonLifecycle(app, initial);
		this.status = AppStatus.stopped(app);
	}

}
