package dev.pyapp.server.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Adopts the daemons that outlived the server's last run before the server answers any
 * call, and starts the apps that should run but do not once it is up.
 * <p>
 * An app's adoption has two parts ({@link AppSupervisor#adopt}). The first waits for
 * nothing: the daemon its pid file names is verified and live again, so that
 * {@code apps.get} shows it {@code running} from the first answer (SPEC §4). It runs for
 * every app, a few at a time, in the phase just before the web server starts; the start
 * waits for it {@link #LOOK_WAIT} at most, then goes on, and an app still being looked at
 * shows {@code stopped} until it is done. The rest (the events, the strays of the last
 * run stopped, the venvs awaited, the apps started) runs once the server is up, one app
 * after the other, in the background, as each app's first part ends.
 */
@Component
class SupervisorStartup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SupervisorStartup.class);

	/** The longest the server's start waits for the first part of the adoptions. */
	static final Duration LOOK_WAIT = Duration.ofSeconds(10);

	/** How many apps are looked at at once: one slow app holds up none of the others. */
	private static final int LOOKERS = 4;

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	private final Duration lookWait;

	/** Completed once the server is up: the rest of each adoption waits for it. */
	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private volatile boolean running;

	@Autowired
	SupervisorStartup(AppRegistry registry, AppSupervisor supervisor) {
		this(registry, supervisor, LOOK_WAIT);
	}

	SupervisorStartup(AppRegistry registry, AppSupervisor supervisor, Duration lookWait) {
		this.registry = registry;
		this.supervisor = supervisor;
		this.lookWait = lookWait;
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		long began = System.nanoTime();
		List<InstalledApp> installed = this.registry.list();
		ExecutorService lookers = Executors.newFixedThreadPool(Math.max(1, Math.min(LOOKERS, installed.size())),
				daemonThreads("pyapp-adopt-look"));
		// one thread for the rests, as the adoptions ran before: starts one at a time
		ThreadPoolExecutor rests = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
				daemonThreads("pyapp-adopt"));
		rests.allowCoreThreadTimeOut(true);
		Map<String, CompletableFuture<Runnable>> looks = new LinkedHashMap<>();
		for (InstalledApp app : installed) {
			CompletableFuture<Runnable> look = CompletableFuture
				.supplyAsync(() -> this.supervisor.adopt(AppId.of(app.name())), lookers);
			looks.put(app.name(), look);
			look.thenCombine(this.ready, (rest, up) -> rest)
				.thenAcceptAsync(Runnable::run, rests)
				.exceptionally((ex) -> {
					Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
					logger.error("Cannot adopt {}: {}", app.name(), cause.getMessage());
					return null;
				});
		}
		// the pool's threads end once the looks are done
		lookers.shutdown();
		awaitLooks(looks, began);
	}

	private void awaitLooks(Map<String, CompletableFuture<Runnable>> looks, long began) {
		try {
			CompletableFuture.allOf(looks.values().toArray(CompletableFuture[]::new))
				.get(this.lookWait.toMillis(), TimeUnit.MILLISECONDS);
			logger.info("Looked for the daemons of {} apps in {} ms", looks.size(),
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
		}
		catch (TimeoutException ex) {
			List<String> pending = new ArrayList<>();
			looks.forEach((name, look) -> {
				if (!look.isDone()) {
					pending.add(name);
				}
			});
			logger.warn("Still looking for the daemons of {} after {}: the server starts meanwhile, and they show"
					+ " as stopped until they are adopted", pending, this.lookWait);
		}
		catch (ExecutionException ex) {
			// an adoption that failed is logged with its app, and spares the others
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@EventListener(ApplicationReadyEvent.class)
	void onReady() {
		this.ready.complete(null);
	}

	@Override
	public void stop() {
		// the daemons keep running: the next start of the server adopts them
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Just before the web server starts: no call is answered before the adoptions. */
	@Override
	public int getPhase() {
		return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
	}

	private static ThreadFactory daemonThreads(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
