package dev.pyapp.server.rpc.internal;

import java.util.List;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.TaskDefinition;
import dev.pyapp.server.hooks.TaskRun;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.hooks.TaskStatus;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code tasks.*}: an app's recurring tasks and their runs.
 */
@RpcEndpoint
class TasksRpc {

	private final AppRegistry registry;

	private final AppContexts contexts;

	private final ScheduledTasks tasks;

	TasksRpc(AppRegistry registry, AppContexts contexts, ScheduledTasks tasks) {
		this.registry = registry;
		this.contexts = contexts;
		this.tasks = tasks;
	}

	@RpcMethod(value = "tasks.list", role = Role.VIEWER, readOnly = true)
	List<TaskStatus> list(TaskParams params) {
		AppId app = AppId.of(params.name());
		String release = liveRelease(app);
		List<TaskStatus> all = this.tasks.list(app, this.contexts.tasks(app, release));
		if (params.task() == null) {
			return all;
		}
		// a misspelt task is not found, as for tasks.run, rather than an empty list
		List<TaskStatus> one = all.stream().filter((task) -> task.name().equals(params.task())).toList();
		if (one.isEmpty()) {
			throw noSuchTask(app, params.task());
		}
		return one;
	}

	/**
	 * A task's kept runs, newest first, each with its output.
	 */
	@RpcMethod(value = "tasks.runs", role = Role.VIEWER, readOnly = true)
	List<TaskRun> runs(RunsParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		int limit = (params.limit() != null && params.limit() > 0) ? Math.min(params.limit(), 100) : 20;
		return this.tasks.runs(app, params.task()).stream().limit(limit).toList();
	}

	@RpcMethod(value = "tasks.run", role = Role.DEPLOYER)
	TaskRun run(TaskParams params) {
		AppId app = AppId.of(params.name());
		String release = liveRelease(app);
		if (params.task() == null) {
			throw PyappException.invalid("tasks.run needs the task to run",
					List.of(new dev.pyapp.server.core.Problem("task", "name the task to run")));
		}
		TaskDefinition task = this.contexts.tasks(app, release)
			.stream()
			.filter((candidate) -> candidate.name().equals(params.task()))
			.findFirst()
			.orElseThrow(() -> noSuchTask(app, params.task()));
		return this.tasks.run(app, task, this.contexts.context(app, release));
	}

	private static PyappException noSuchTask(AppId app, String task) {
		return PyappException.notFound("app '" + app + "' has no task '" + task + "'");
	}

	private String liveRelease(AppId app) {
		String release = this.registry.get(app).currentRelease();
		if (release == null) {
			throw PyappException.conflict("app '" + app + "' has no live release yet");
		}
		return release;
	}

	/**
	 * @param name the app
	 * @param task the task, or {@code null} for all
	 */
	record TaskParams(String name, @Nullable String task) {
	}

	/**
	 * @param name the app
	 * @param task the task
	 * @param limit the most runs to return (default 20, at most 100)
	 */
	record RunsParams(String name, String task, @Nullable Integer limit) {
	}

}
