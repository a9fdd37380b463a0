package dev.pyapp.server.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp tasks NAME} ({@code tasks.list}) and {@code pyapp tasks NAME run TASK}
 * ({@code tasks.run}).
 */
@Command(name = "tasks", description = "List an app's recurring tasks and their last runs, or run one now.")
class TasksCommand extends ApiCommand {

	@Parameters(index = "0", paramLabel = "NAME", description = "the app")
	String name = "";

	@Parameters(index = "1", arity = "0..1", paramLabel = "run", description = "run a task now")
	@Nullable String action;

	@Parameters(index = "2", arity = "0..1", paramLabel = "TASK", description = "the task to run")
	@Nullable String task;

	@Override
	public Integer call() throws Exception {
		if (this.action == null) {
			if (this.task != null) {
				throw usage("expected: tasks NAME [run TASK]");
			}
			return show(call("tasks.list", params("name", this.name)),
					(tasks) -> table(list(tasks, "tasks")).print(out(), this.name + " has no tasks"));
		}
		if (!"run".equals(this.action) || this.task == null) {
			throw usage("expected: tasks NAME [run TASK], not 'tasks " + this.name + " " + this.action + "'");
		}
		return show(call("tasks.run", params("name", this.name, "task", this.task)), (run) -> {
			out().println("ran " + this.name + " " + this.task);
			if (run.isObject()) {
				Listing.print(out(), run);
			}
		});
	}

	static Table table(JsonNode tasks) {
		Table table = new Table("NAME", "SCHEDULE", "CALL", "LAST RUN");
		tasks.forEach((task) -> table.row(Text.cell(task, "name"), Text.cell(task, "schedule"), Text.cell(task, "call"),
				Text.cell(task, "last_run", "lastRun", "last")));
		return table;
	}

}
