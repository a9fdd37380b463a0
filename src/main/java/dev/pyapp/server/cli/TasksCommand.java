package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.ErrorReporter;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp tasks NAME} ({@code tasks.list}) and {@code pyapp tasks NAME run TASK}
 * ({@code tasks.run}).
 */
@Command(name = "tasks", description = TasksCommand.DESCRIPTION)
class TasksCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List an app's recurring tasks and their last runs, or run one now.";

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
		JsonNode run = call("tasks.run", params("name", this.name, "task", this.task));
		show(run, (result) -> {
			out().println("ran " + this.name + " " + this.task + ": " + summary(result));
			JsonNode output = Text.field(result, "output");
			if (output != null && output.isString() && !output.stringValue().isBlank()) {
				for (String line : output.stringValue().stripTrailing().split("\\R")) {
					out().println("    " + Text.clean(line));
				}
			}
		});
		String outcome = Text.cell(run, "outcome");
		return ("failed".equals(outcome) || "timed-out".equals(outcome)) ? ErrorReporter.API_ERROR : 0;
	}

	static Table table(JsonNode tasks) {
		Table table = new Table("NAME", "SCHEDULE", "CALL", "NEXT", "LAST RUN");
		tasks.forEach((task) -> {
			JsonNode last = Text.field(task, "lastRun", "last_run");
			table.row(Text.cell(task, "name"), Text.cell(task, "schedule"), Text.cell(task, "call"),
					Text.cell(task, "next"), (last != null && last.isObject()) ? summary(last) : Text.cell(last));
		});
		return table;
	}

	/**
	 * A run as {@code succeeded at 2024-05-01T10:00:00Z (exit 0)}.
	 * @param run the run
	 * @return the summary
	 */
	static String summary(JsonNode run) {
		if (!run.isObject() || !run.has("outcome")) {
			return Text.cell(run);
		}
		JsonNode exit = Text.field(run, "exitCode", "exit_code");
		JsonNode time = Text.field(run, "finished", "started");
		return Text.cell(run, "outcome") + ((time != null) ? " at " + Text.cell(time) : "")
				+ ((exit != null) ? " (exit " + Text.cell(exit) + ")" : "");
	}

}
