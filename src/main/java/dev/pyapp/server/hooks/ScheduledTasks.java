package dev.pyapp.server.hooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

/**
 * Runs apps' recurring tasks on their cron schedules in the app's environment, one run at
 * a time per task and one scheduled run at a time per app (the others of the app wait
 * their turn), and keeps each run's outcome and output in MongoDB. Each line a run prints
 * (its first 64 KiB) is a record under its app (logger {@code pyapp.task}, at the level
 * it logged it with, as a hook's output), and each run leaves one with its outcome, and
 * the end of its output when it failed.
 */
@Component
public class ScheduledTasks implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ScheduledTasks.class);

	private static final int MAX_OUTPUT = 64 * 1024;

	private static final String RUNNING = "running";

	/** The outcome of a run the server stopped during. */
	static final String INTERRUPTED = "interrupted";

	/** What such a run's output ends with. */
	static final String INTERRUPTED_NOTE = "\n[interrupted: the server stopped before this run ended; its outcome is unknown]";

	/** The logger of the record each run leaves under its app. */
	static final String LOGGER = "pyapp.task";

	/** How much of a failed run's output its record carries. */
	private static final int LOGGED_OUTPUT = 8 * 1024;

	private final HookRunner runner;

	private final TaskRunRepository runs;

	private final HooksProperties properties;

	private final ApplicationEventPublisher events;

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final Map<String, Scheduled> scheduled = new ConcurrentHashMap<>();

	private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();

	/**
	 * Scheduled runs waiting for their app's turn or running ({@code app/task}): a task
	 * is queued once, whatever its schedule fires meanwhile.
	 */
	private final Set<String> queued = ConcurrentHashMap.newKeySet();

	/** Per app, the scheduled runs waiting for its earlier ones to end. */
	private final Map<AppId, AppQueue> queues = new ConcurrentHashMap<>();

	/**
	 * Where scheduled runs run, apart from the scheduler's threads, which only queue
	 * them: an app whose tasks take their whole timeout holds one of these threads, never
	 * the schedule of another app, and never more than one run of its own at a time (each
	 * run has the app's limits, so concurrent runs would multiply them).
	 */
	private final ExecutorService workers = Executors.newCachedThreadPool(daemonThreads("pyapp-task-run-"));

	ScheduledTasks(HookRunner runner, TaskRunRepository runs, HooksProperties properties,
			ApplicationEventPublisher events) {
		this.runner = runner;
		this.events = events;
		this.runs = runs;
		this.properties = properties;
		this.scheduler.setPoolSize(4);
		this.scheduler.setThreadNamePrefix("pyapp-task-");
		this.scheduler.initialize();
	}

	/**
	 * Puts an app's tasks on their schedules, replacing any earlier schedule of the app.
	 * @param app the app
	 * @param tasks its tasks
	 * @param context gives the app's current process context at each run
	 * @throws PyappException ({@code INVALID}) if a schedule is not a 5-field cron
	 * expression; nothing is scheduled then
	 */
	public void schedule(AppId app, List<TaskDefinition> tasks, Supplier<ProcessContext> context) {
		List<CronTrigger> triggers = new ArrayList<>();
		for (TaskDefinition task : tasks) {
			triggers.add(trigger(task));
		}
		unschedule(app);
		for (int i = 0; i < tasks.size(); i++) {
			TaskDefinition task = tasks.get(i);
			CronTrigger trigger = triggers.get(i);
			ScheduledFuture<?> future = this.scheduler.schedule(() -> enqueue(app, task, context), trigger);
			this.scheduled.put(key(app, task.name()), new Scheduled(task, trigger, future, context));
		}
	}

	/**
	 * Takes an app's tasks off their schedules (runs in progress finish).
	 * @param app the app
	 */
	public void unschedule(AppId app) {
		String prefix = app.value() + "/";
		this.scheduled.entrySet().removeIf((entry) -> {
			if (entry.getKey().startsWith(prefix)) {
				entry.getValue().future().cancel(false);
				return true;
			}
			return false;
		});
	}

	/**
	 * An app's tasks with their last runs.
	 * @param app the app
	 * @param tasks the tasks its live release declares
	 * @return one status per task
	 */
	public List<TaskStatus> list(AppId app, List<TaskDefinition> tasks) {
		return tasks.stream().map((task) -> {
			Scheduled entry = this.scheduled.get(key(app, task.name()));
			Instant next = null;
			if (entry != null) {
				CronExpression expression = CronExpression.parse(this.properties.cronSeconds() + " " + task.schedule());
				java.time.ZonedDateTime at = expression.next(java.time.ZonedDateTime.now());
				next = (at != null) ? at.toInstant() : null;
			}
			// the newest run only: each kept run carries up to 64 KiB of output
			TaskRun last = this.runs.findFirstByAppAndTaskOrderByStartedDesc(app.value(), task.name()).orElse(null);
			return new TaskStatus(task.name(), task.schedule(), task.call(), entry != null, isRunning(app, task.name()),
					next, last);
		}).toList();
	}

	/**
	 * The runs kept for a task, newest first.
	 * @param app the app
	 * @param task the task's name
	 * @return its runs
	 */
	public List<TaskRun> runs(AppId app, String task) {
		return this.runs.findByAppAndTaskOrderByStartedDesc(app.value(), task);
	}

	/**
	 * Runs a task now and waits for it.
	 * @param app the app
	 * @param task the task
	 * @param context the app's process context
	 * @return the finished run
	 * @throws PyappException ({@code CONFLICT}) if the task is running already
	 */
	public TaskRun run(AppId app, TaskDefinition task, ProcessContext context) {
		TaskRun run = execute(app, task, context, "manual");
		if (run == null) {
			throw PyappException.conflict("task '" + task.name() + "' of '" + app + "' is running already");
		}
		return run;
	}

	/**
	 * Forgets the runs of an app's tasks (when it is removed).
	 * @param app the app
	 */
	public void forget(AppId app) {
		unschedule(app);
		AppQueue queue = this.queues.remove(app);
		if (queue != null) {
			queue.runs().clear();
		}
		this.queued.removeIf((key) -> key.startsWith(app.value() + "/"));
		this.runs.deleteByApp(app.value());
	}

	/**
	 * Queues a scheduled run behind the app's earlier ones; the app's queue is worked off
	 * by one thread of {@link #workers} at a time.
	 */
	private void enqueue(AppId app, TaskDefinition task, Supplier<ProcessContext> context) {
		String key = key(app, task.name());
		if (!this.queued.add(key)) {
			logger.info("Task {} of {} is still running or waiting for an earlier task of the app; this run is "
					+ "skipped", task.name(), app);
			return;
		}
		AppQueue queue = this.queues.computeIfAbsent(app, (id) -> new AppQueue());
		queue.runs().add(() -> {
			try {
				runQuietly(app, task, context, "schedule");
			}
			finally {
				this.queued.remove(key);
			}
		});
		drain(queue);
	}

	private void drain(AppQueue queue) {
		if (!queue.draining().compareAndSet(false, true)) {
			return;
		}
		try {
			this.workers.execute(() -> {
				try {
					Runnable run;
					while ((run = queue.runs().poll()) != null) {
						run.run();
					}
				}
				finally {
					queue.draining().set(false);
				}
				// a run queued after the last poll but before the flag was cleared
				if (!queue.runs().isEmpty()) {
					drain(queue);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// the server is stopping: the queued runs do not run
			queue.draining().set(false);
		}
	}

	private void runQuietly(AppId app, TaskDefinition task, Supplier<ProcessContext> context, String trigger) {
		try {
			if (execute(app, task, context.get(), trigger) == null) {
				logger.info("Task {} of {} is still running; this run is skipped", task.name(), app);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Task {} of {} could not run: {}", task.name(), app, ex.getMessage());
		}
	}

	private @Nullable TaskRun execute(AppId app, TaskDefinition task, ProcessContext context, String trigger) {
		AtomicBoolean flag = this.running.computeIfAbsent(key(app, task.name()), (k) -> new AtomicBoolean());
		if (!flag.compareAndSet(false, true)) {
			return null;
		}
		try {
			TaskRun run = this.runs.save(new TaskRun(null, app.value(), task.name(), context.release(), trigger,
					Instant.now(), null, RUNNING, null, ""));
			ExecResult result;
			try {
				// each line it prints is a record under the app, as a hook's is
				ProcessOutput printed = new ProcessOutput(MAX_OUTPUT, (line) -> this.events.publishEvent(
						new AppProcessLogged(app, context.release(), LOGGER, HookRunner.level(line), line, null)));
				result = this.runner.exec(context, "task", task.call(), this.properties.taskTimeout(), printed::line);
				if (printed.unlogged() > 0) {
					this.events.publishEvent(new AppProcessLogged(app, context.release(), LOGGER, "INFO",
							"(" + printed.unlogged() + " more bytes of output not logged)", null));
				}
			}
			catch (RuntimeException ex) {
				// not started (a launch refused during the app's removal, a missing
				// interpreter): the record says so rather than "running" for ever
				end(run, "failed", null, "the task could not start: " + ex.getMessage());
				throw ex;
			}
			String outcome = result.timedOut() ? "timed-out" : (result.exitCode() == 0) ? "succeeded" : "failed";
			return end(run, outcome, result.exitCode(), result.output());
		}
		finally {
			flag.set(false);
		}
	}

	private TaskRun end(TaskRun run, String outcome, @Nullable Integer exitCode, String output) {
		String kept = (output.length() > MAX_OUTPUT) ? output.substring(output.length() - MAX_OUTPUT) : output;
		TaskRun done = this.runs.save(new TaskRun(run.id(), run.app(), run.task(), run.release(), run.trigger(),
				run.started(), Instant.now(), outcome, exitCode, kept));
		prune(AppId.of(run.app()), run.task());
		logger.info("Task {} of {} {}", run.task(), run.app(), outcome);
		logged(done);
		return done;
	}

	/**
	 * Ends the runs an earlier server process left as running (it stopped or crashed
	 * during them): none watches them any more, so their outcome is unknown and they are
	 * marked {@code interrupted} instead of showing as running for ever.
	 * @return how many runs were ended
	 */
	@EventListener(ApplicationReadyEvent.class)
	// before the crash watch begins, which is the last (SupervisorStartup)
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	public int endInterruptedRuns() {
		int ended = 0;
		for (TaskRun run : this.runs.findByOutcome(RUNNING)) {
			if (!isRunning(AppId.of(run.app()), run.task())) {
				end(run, INTERRUPTED, null, run.output() + INTERRUPTED_NOTE);
				ended++;
			}
		}
		if (ended > 0) {
			logger.info("Marked {} task runs that an earlier server process left running as interrupted", ended);
		}
		return ended;
	}

	/** SPEC §4: each run is logged under the app with its outcome. */
	private void logged(TaskRun run) {
		long millis = java.time.Duration
			.between(run.started(), (run.finished() != null) ? run.finished() : run.started())
			.toMillis();
		String took = (millis < 1000) ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
		boolean succeeded = "succeeded".equals(run.outcome());
		String message = "task " + run.task() + " (" + run.trigger() + ") " + run.outcome() + " in " + took
				+ ((run.exitCode() != null && run.exitCode() >= 0) ? " (exit code " + run.exitCode() + ")" : "");
		String tail = run.output().strip();
		if (tail.length() > LOGGED_OUTPUT) {
			tail = "..." + tail.substring(tail.length() - LOGGED_OUTPUT);
		}
		this.events.publishEvent(new AppProcessLogged(AppId.of(run.app()), run.release(), LOGGER,
				succeeded ? "INFO" : "ERROR", message, (succeeded || tail.isEmpty()) ? null : tail));
	}

	private void prune(AppId app, String task) {
		List<TaskRun> history = this.runs.findByAppAndTaskOrderByStartedDesc(app.value(), task);
		for (int i = this.properties.keepRuns(); i < history.size(); i++) {
			this.runs.delete(history.get(i));
		}
	}

	private boolean isRunning(AppId app, String task) {
		AtomicBoolean flag = this.running.get(key(app, task));
		return flag != null && flag.get();
	}

	private CronTrigger trigger(TaskDefinition task) {
		String[] fields = task.schedule().trim().split("\\s+");
		if (fields.length != 5) {
			throw PyappException.invalid("invalid task schedule", List
				.of(new dev.pyapp.server.core.Problem("metadata.yaml: tasks." + task.name() + ".schedule",
						"'" + task.schedule() + "' is not a 5-field cron expression (minute hour day month weekday)")));
		}
		try {
			return new CronTrigger(this.properties.cronSeconds() + " " + task.schedule().trim());
		}
		catch (IllegalArgumentException ex) {
			throw PyappException.invalid("invalid task schedule",
					List.of(new dev.pyapp.server.core.Problem("metadata.yaml: tasks." + task.name() + ".schedule",
							"'" + task.schedule() + "': " + ex.getMessage())));
		}
	}

	private static String key(AppId app, String task) {
		return app.value() + "/" + task;
	}

	@Override
	public void destroy() {
		this.scheduler.shutdown();
		this.workers.shutdownNow();
	}

	private static CustomizableThreadFactory daemonThreads(String prefix) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
		threads.setDaemon(true);
		return threads;
	}

	private record AppQueue(Queue<Runnable> runs, AtomicBoolean draining) {

		AppQueue() {
			this(new ConcurrentLinkedQueue<>(), new AtomicBoolean());
		}

	}

	private record Scheduled(TaskDefinition task, CronTrigger trigger, ScheduledFuture<?> future,
			Supplier<ProcessContext> context) {
	}

}
