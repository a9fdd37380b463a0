package dev.pyapp.server.hooks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willReturn;
import static org.mockito.Mockito.mock;

/**
 * A task run's record ends with an outcome whatever happens to it: a run that could not
 * start says {@code failed} with why, and a run an earlier server process left running
 * says {@code interrupted} once the server is ready again; neither shows as running for
 * ever.
 */
class ScheduledTasksTests {

	private static final AppId APP = AppId.of("blog");

	private static final TaskDefinition TASK = new TaskDefinition("cleanup", "0 * * * *", "blog.tasks:cleanup");

	private final HookRunner runner = mock(HookRunner.class);

	private final TaskRunRepository repository = mock(TaskRunRepository.class);

	private final Map<String, TaskRun> stored = new LinkedHashMap<>();

	private final List<AppProcessLogged> logged = new ArrayList<>();

	private final ProcessContext context = new ProcessContext(APP, "r1", Path.of("/venv/bin/python"),
			Path.of("/srv/pyapp/apps/blog/releases/r1/src"), Map.of(), Isolation.none());

	private ScheduledTasks tasks;

	@BeforeEach
	void store() {
		given(this.repository.save(any(TaskRun.class))).willAnswer((invocation) -> {
			TaskRun run = invocation.getArgument(0);
			TaskRun saved = (run.id() != null) ? run
					: new TaskRun("id" + this.stored.size(), run.app(), run.task(), run.release(), run.trigger(),
							run.started(), run.finished(), run.outcome(), run.exitCode(), run.output());
			this.stored.put(saved.id(), saved);
			return saved;
		});
		given(this.repository.findByAppAndTaskOrderByStartedDesc(anyString(), anyString()))
			.willAnswer((invocation) -> this.stored.values()
				.stream()
				.filter((run) -> run.app().equals(invocation.getArgument(0))
						&& run.task().equals(invocation.getArgument(1)))
				.sorted(Comparator.comparing(TaskRun::started).reversed())
				.toList());
		given(this.repository.findByOutcome(anyString())).willAnswer((invocation) -> this.stored.values()
			.stream()
			.filter((run) -> run.outcome().equals(invocation.getArgument(0)))
			.toList());
		this.tasks = new ScheduledTasks(this.runner, this.repository,
				new HooksProperties(Duration.ofMinutes(10), Duration.ofHours(1), "0", 20, Duration.ofMinutes(10),
						Duration.ofHours(1), DataSize.ofMegabytes(1)),
				(event) -> this.logged.add((AppProcessLogged) event));
	}

	@AfterEach
	void stop() {
		this.tasks.destroy();
	}

	@Test
	void aRunThatEndsKeepsItsOutcomeExitCodeAndOutput() {
		given(this.runner.exec(eq(this.context), eq("task"), eq(TASK.call()), any(), any()))
			.willReturn(new ExecResult(2, "no such table\n", false));

		TaskRun run = this.tasks.run(APP, TASK, this.context);

		assertThat(run.outcome()).isEqualTo("failed");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.finished()).isNotNull();
		assertThat(this.stored.values()).singleElement().isEqualTo(run);
	}

	@Test // the deploy audit: a task's printed lines were only in its run's output, a
			// hook's are records of the app (README: logs.query {release})
	void eachLineARunPrintsIsARecordOfTheAppAtTheLevelItWasLoggedWith() {
		given(this.runner.exec(eq(this.context), eq("task"), eq(TASK.call()), any(), any()))
			.willAnswer((invocation) -> {
				java.util.function.Consumer<String> output = invocation.getArgument(4);
				output.accept("purging 3 sessions");
				output.accept("WARNING blog.tasks: 1 session was locked");
				return new ExecResult(0, "purging 3 sessions\nWARNING blog.tasks: 1 session was locked\n", false);
			});

		this.tasks.run(APP, TASK, this.context);

		assertThat(this.logged)
			.extracting(AppProcessLogged::app, AppProcessLogged::release, AppProcessLogged::logger,
					AppProcessLogged::level, AppProcessLogged::message)
			.startsWith(tuple(APP, "r1", "pyapp.task", "INFO", "purging 3 sessions"),
					tuple(APP, "r1", "pyapp.task", "WARNING", "WARNING blog.tasks: 1 session was locked"));
		assertThat(this.logged).hasSize(3)
			.last()
			.satisfies((record) -> assertThat(record.message()).startsWith("task cleanup (manual) succeeded in"));
	}

	@Test
	void theRecordsOfARunsOutputAreBounded() {
		String line = "x".repeat(1023);
		given(this.runner.exec(eq(this.context), eq("task"), eq(TASK.call()), any(), any()))
			.willAnswer((invocation) -> {
				java.util.function.Consumer<String> output = invocation.getArgument(4);
				for (int i = 0; i < 100; i++) {
					output.accept(line);
				}
				return new ExecResult(0, "", false);
			});

		this.tasks.run(APP, TASK, this.context);

		// 64 KiB of lines of 1 KiB with their newlines, then a note and the outcome
		assertThat(this.logged).hasSize(64 + 2);
		assertThat(this.logged.get(64).message()).isEqualTo("(" + 36 * 1024 + " more bytes of output not logged)");
	}

	@Test
	void aRunThatCannotStartEndsAsFailedWithWhyAndTheCallerSeesTheError() {
		given(this.runner.exec(any(), any(), any(), any(), any())).willThrow(PyappException
			.conflict("the cgroup blog.1 is retired: its app is being removed; nothing is started in it"));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.tasks.run(APP, TASK, this.context))
			.withMessageContaining("retired");

		assertThat(this.stored.values()).singleElement().satisfies((run) -> {
			assertThat(run.outcome()).isEqualTo("failed");
			assertThat(run.finished()).isNotNull();
			assertThat(run.exitCode()).isNull();
			assertThat(run.output()).isEqualTo("the task could not start: "
					+ "the cgroup blog.1 is retired: its app is being removed; nothing is started in it");
		});
		assertThat(this.logged).singleElement()
			.satisfies((record) -> assertThat(record.message()).startsWith("task cleanup (manual) failed in"));
		// and the task can run again
		willReturn(new ExecResult(0, "", false)).given(this.runner).exec(any(), any(), any(), any(), any());
		assertThat(this.tasks.run(APP, TASK, this.context).outcome()).isEqualTo("succeeded");
	}

	@Test
	void runsAnEarlierServerLeftRunningAreMarkedInterruptedOthersAreKept() {
		Instant then = Instant.parse("2026-12-01T10:00:00Z");
		this.stored.put("a", new TaskRun("a", "blog", "cleanup", "r1", "schedule", then, null, "running", null,
				"deleting old rows\n"));
		this.stored.put("b", new TaskRun("b", "blog", "report", "r1", "manual", then, then.plusSeconds(3), "succeeded",
				0, "done\n"));

		assertThat(this.tasks.endInterruptedRuns()).isEqualTo(1);

		assertThat(this.stored.get("a")).satisfies((run) -> {
			assertThat(run.outcome()).isEqualTo("interrupted");
			assertThat(run.finished()).isAfter(then);
			assertThat(run.exitCode()).isNull();
			assertThat(run.output()).isEqualTo("deleting old rows\n" + ScheduledTasks.INTERRUPTED_NOTE);
		});
		assertThat(this.stored.get("b").outcome()).isEqualTo("succeeded");
		assertThat(this.logged).singleElement()
			.satisfies((record) -> assertThat(record.message()).startsWith("task cleanup (schedule) interrupted in"));
		assertThat(this.tasks.endInterruptedRuns()).isZero();
	}

	@Test // one app's tasks that never end held all four scheduler threads: no other
			// app's task ran, and the app ran four processes, each with its limits
	void anAppsEndlessTasksRunOneAtATimeAndNeverHoldAnotherAppsSchedule() throws Exception {
		ScheduledTasks everySecond = new ScheduledTasks(this.runner, this.repository,
				new HooksProperties(Duration.ofMinutes(10), Duration.ofHours(1), "*", 20, Duration.ofMinutes(10),
						Duration.ofHours(1), DataSize.ofMegabytes(1)),
				(event) -> {
				});
		AppId hog = AppId.of("hog");
		AppId victim = AppId.of("victim");
		CountDownLatch end = new CountDownLatch(1);
		CountDownLatch victimRan = new CountDownLatch(1);
		AtomicInteger hogRunning = new AtomicInteger();
		AtomicInteger hogMost = new AtomicInteger();
		given(this.runner.exec(any(), eq("task"), anyString(), any(), any())).willAnswer((invocation) -> {
			ProcessContext context = invocation.getArgument(0);
			if (context.app().equals(victim)) {
				victimRan.countDown();
				return new ExecResult(0, "", false);
			}
			hogMost.accumulateAndGet(hogRunning.incrementAndGet(), Math::max);
			try {
				end.await();
			}
			finally {
				hogRunning.decrementAndGet();
			}
			return new ExecResult(0, "", false);
		});
		try {
			List<TaskDefinition> hogTasks = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				hogTasks.add(new TaskDefinition("t" + i, "* * * * *", "hog:task"));
			}
			everySecond.schedule(hog, hogTasks, () -> context(hog));
			everySecond.schedule(victim, List.of(new TaskDefinition("report", "* * * * *", "victim:report")),
					() -> context(victim));

			assertThat(victimRan.await(10, TimeUnit.SECONDS)).as("the victim's task ran").isTrue();
			// the hog's first run started (maybe after the victim's), and its schedule,
			// firing every second, starts no second one beside it
			await().atMost(Duration.ofSeconds(10)).until(() -> hogMost.get() >= 1);
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> hogMost.get() <= 1);
			assertThat(hogMost.get()).as("runs of the hog at once").isEqualTo(1);
		}
		finally {
			end.countDown();
			everySecond.destroy();
		}
	}

	private static ProcessContext context(AppId app) {
		return new ProcessContext(app, "r1", Path.of("/venv/bin/python"),
				Path.of("/srv/pyapp/apps/" + app + "/releases/r1/src"), Map.of(), Isolation.none());
	}

}
