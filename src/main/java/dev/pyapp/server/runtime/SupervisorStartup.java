package dev.pyapp.server.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.internal.RuntimeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Adopts the daemons that outlived the server's last run before the server answers any
 * call, and starts the apps that should run but do not once it is up.
 * <p>
 * An app's adoption has two parts ({@link AppSupervisor#adopt}). The first waits for
 * nothing: the daemon its pid file names is verified and live again, so that
 * {@code apps.get} shows it {@code running} from the first answer (SPEC §4). It runs for
 * every app, {@code pyapp.runtime.adoption.lookers} (4) at a time, in the phase just
 * before the web server starts; the start waits for it
 * {@code pyapp.runtime.adoption.max-wait} (10 s) at most, then goes on, and an app still
 * being looked at shows {@code stopped} until it is done. The rest (the events, the
 * strays of the last run stopped, the venvs awaited, the app started or its daemon of the
 * server's user replaced) runs once the server is up, in the background, as each app's
 * first part ends, {@code pyapp.runtime.adoption.starters} (4) apps at a time: after a
 * reboot every app starts again, and one after the other the last would serve only after
 * all the others' starts (each a sandbox and an app server that must accept, up to
 * {@code pyapp.runtime.start-timeout} for one that does not; a replaced daemon of the
 * server's user also its health check). Each app's rest runs on one thread, its steps in
 * order, under the locks of any start ({@code DaemonStarts}: an app's own lock marks and
 * commits its start, none is held while a daemon launches), so that a slow or failing app
 * holds up only its own slot. Once every app's adoption has ended, one line says how long
 * the whole start-up took and which apps could not be adopted or started (each also has a
 * line of its own saying why).
 * <p>
 * Once the server is up, and only then, crashes are watched
 * ({@link AppSupervisor#watchCrashes}): {@link #onReady} runs after the start-up
 * clean-ups that other modules do on {@link ApplicationReadyEvent} (the deploys and task
 * runs the last run left interrupted, the managed web server's start): it is ordered
 * last, every other listener of that event names an earlier order
 * ({@code ArchitectureTests} checks it). A daemon adopted here that crashes before then
 * stays the live one and its crash is handled then, as any crash: counted, restarted
 * after the backoff (SPEC §9).
 * <p>
 * The first part runs before {@code IsolationStartup} ({@link ApplicationStartedEvent},
 * which follows the web server's start) and needs nothing of it: it launches nothing, and
 * what it reads or touches of an app's isolation it makes sure of itself, as every use
 * does (the app's user, made if missing, and its directories, by {@code AppIsolation};
 * its cgroup path is only named; the web server's link to its socket, with its
 * directory). A daemon running as another user than the app's is not adopted but stopped
 * and started again, in the rest.
 */
@Component
class SupervisorStartup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SupervisorStartup.class);

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	private final Duration lookWait;

	private final int lookers;

	private final int starters;

	/** Completed once the server is up: the rest of each adoption waits for it. */
	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private volatile boolean running;

	@Autowired
	SupervisorStartup(AppRegistry registry, AppSupervisor supervisor, RuntimeProperties properties) {
		this(registry, supervisor, properties.adoption());
	}

	/**
	 * A start-up.
	 * @param registry the installed apps
	 * @param supervisor their supervisor
	 * @param adoption {@code pyapp.runtime.adoption}: how long the start waits for the
	 * looks, how many looks and how many rests run at once
	 */
	SupervisorStartup(AppRegistry registry, AppSupervisor supervisor, RuntimeProperties.Adoption adoption) {
		this.registry = registry;
		this.supervisor = supervisor;
		this.lookWait = adoption.maxWait();
		this.lookers = adoption.lookers();
		this.starters = adoption.starters();
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		long began = System.nanoTime();
		List<InstalledApp> installed = this.registry.list();
		ExecutorService lookers = Executors.newFixedThreadPool(Math.max(1, Math.min(this.lookers, installed.size())),
				daemonThreads("pyapp-adopt-look"));
		// the rests, a few at once: each app's on one thread, in its order
		int starters = Math.max(1, Math.min(this.starters, installed.size()));
		ThreadPoolExecutor rests = new ThreadPoolExecutor(starters, starters, 1, TimeUnit.MINUTES,
				new LinkedBlockingQueue<>(), daemonThreads("pyapp-adopt-"));
		rests.allowCoreThreadTimeOut(true);
		Map<String, CompletableFuture<Runnable>> looks = new LinkedHashMap<>();
		Set<String> failed = ConcurrentHashMap.newKeySet();
		List<CompletableFuture<Void>> adoptions = new ArrayList<>();
		for (InstalledApp app : installed) {
			CompletableFuture<Runnable> look = CompletableFuture
				.supplyAsync(() -> this.supervisor.adopt(AppId.of(app.name())), lookers);
			looks.put(app.name(), look);
			CompletableFuture<Runnable> looked = look.exceptionally((ex) -> {
				logger.error("Cannot adopt {}: {}", app.name(), messageOf(ex));
				failed.add(app.name());
				return null;
			});
			adoptions.add(looked.thenCombine(this.ready, (rest, up) -> rest).thenAcceptAsync((rest) -> {
				if (rest == null) {
					return;
				}
				try {
					rest.run();
				}
				catch (RuntimeException ex) {
					logger.error("Cannot start {} after the server's restart: {}", app.name(), ex.getMessage());
					failed.add(app.name());
				}
			}, rests));
		}
		// the pool's threads end once the looks are done
		lookers.shutdown();
		CompletableFuture.allOf(adoptions.toArray(CompletableFuture[]::new))
			.whenComplete((done, ex) -> startedUp(installed.size(), failed, began));
		awaitLooks(looks, began);
	}

	/** One line once every app's adoption has ended: how long it took, what failed. */
	private static void startedUp(int apps, Set<String> failed, long began) {
		if (apps == 0) {
			return;
		}
		long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
		if (failed.isEmpty()) {
			logger.info("The daemons of {} apps are adopted or started as they should run, {} ms after the start", apps,
					took);
		}
		else {
			logger.warn("The daemons of {} of {} apps are adopted or started as they should run, {} ms after the"
					+ " start; failed: {}", apps - failed.size(), apps, took, new TreeSet<>(failed));
		}
	}

	private static String messageOf(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return cause.getMessage();
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

	/**
	 * The server is up and its start-up clean-ups ran (they order before this, the latest
	 * of the {@link ApplicationReadyEvent} listeners): crashes are watched, and the rests
	 * of the adoptions run.
	 */
	@EventListener(ApplicationReadyEvent.class)
	@Order(Ordered.LOWEST_PRECEDENCE)
	void onReady() {
		this.supervisor.watchCrashes();
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

	/**
	 * Daemon threads of that name, or, for a name that ends in {@code -}, of that name
	 * and a number (so that a log line tells the rests that run at once apart).
	 */
	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name.endsWith("-") ? name + count.incrementAndGet() : name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
