package dev.pyapp.server.runtime;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The threads of every {@link Restarter}: one timer waits out the backoff delays, then
 * each relaunch (and each give-up callback) runs on a thread of its own, so that a slow
 * launch never delays another process's restart, nor the noticing of a crash. Shared by
 * the app daemons and the managed web server.
 */
@Component
public class RestartScheduler implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RestartScheduler.class);

	private final ScheduledExecutorService timer = Executors
		.newSingleThreadScheduledExecutor((runnable) -> daemonThread(runnable, "pyapp-restart-timer"));

	private final ExecutorService launches = Executors
		.newCachedThreadPool((runnable) -> daemonThread(runnable, "pyapp-restart"));

	/** A scheduler with threads of its own; {@link #destroy} ends them. */
	public RestartScheduler() {
	}

	private static Thread daemonThread(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * Runs a task on a thread of its own after a delay.
	 * @param delay how long to wait first
	 * @param task the task
	 * @return the timer's future: cancelling it before the delay is over keeps the task
	 * from running
	 */
	ScheduledFuture<?> schedule(Duration delay, Runnable task) {
		return this.timer.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Runs a task on a thread of its own now.
	 * @param task the task
	 */
	void execute(Runnable task) {
		try {
			this.launches.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.error("A restart after a crash failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// shutting down: nothing is restarted any more
			logger.debug("Restart not run: the server is stopping");
		}
	}

	/**
	 * Ends the threads: scheduled restarts do not run (processes keep running; the next
	 * start of the server adopts them).
	 */
	@Override
	public void destroy() {
		this.timer.shutdownNow();
		this.launches.shutdownNow();
	}

}
