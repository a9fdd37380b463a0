package dev.pyapp.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp apps list} and {@code pyapp apps show NAME}; {@code pyapp apps NAME} is
 * {@code apps show NAME}, as {@code pyapp env NAME} and {@code pyapp tasks NAME} show one
 * app. {@code pyapp apps} alone is a usage error, as every group without its subcommand
 * is. An app named {@code list} or {@code show} is shown with {@code apps show NAME}.
 */
@Command(name = "apps", description = AppsCommand.DESCRIPTION,
		subcommands = { AppsCommand.ListApps.class, AppsCommand.Show.class },
		footer = { "%nExamples:", "  pyapp apps list", "  pyapp apps show blog", "  pyapp apps blog          the same",
				"%nAn app named 'list' or 'show' is shown with 'pyapp apps show NAME'." })
class AppsCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "List the installed apps, or show one.";

	@Parameters(arity = "0..1", paramLabel = "NAME", description = "the app to show (as 'apps show NAME')")
	@Nullable String name;

	@Override
	public Integer call() throws Exception {
		if (this.name == null) {
			throw usage("Missing required subcommand or app: pyapp apps list, pyapp apps show NAME, pyapp apps NAME");
		}
		return show(call("apps.get", params("name", this.name)), (app) -> Show.render(out(), app));
	}

	@Command(name = "list", description = "List the installed apps: name, version, state, mounts, source.")
	static class ListApps extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("apps.list", null), (apps) -> {
				// the apps of nodes come after this server's, each with its node: without
				// the column they looked like this server's own
				boolean nodes = false;
				for (JsonNode app : list(apps, "apps")) {
					nodes |= app.path("node").isString();
				}
				List<String> headers = new ArrayList<>(List.of("NAME", "VERSION", "STATE", "MOUNTS", "SOURCE"));
				if (nodes) {
					headers.add("NODE");
				}
				Table table = new Table(headers.toArray(String[]::new));
				for (JsonNode app : list(apps, "apps")) {
					List<String> cells = new ArrayList<>(List.of(Text.cell(app, "name"), Text.cell(app, "version"),
							Text.cell(app, "state"), Text.cell(app, "mounts"), Text.cell(app, "source")));
					if (nodes) {
						// what a node that does not answer reported last may be stale
						cells.add(app.path("node").asString("local")
								+ (app.path("node_reachable").asBoolean(true) ? "" : " (unreachable)"));
					}
					table.row(cells.toArray(String[]::new));
				}
				table.print(out(), "no apps installed");
			});
		}

	}

	@Command(name = "show", description = "Show an app: state, releases, configuration status, process, tasks.")
	static class Show extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the app")
		String name = "";

		@Override
		public Integer call() throws Exception {
			return show(call("apps.get", params("name", this.name)), (app) -> render(out(), app));
		}

		static void render(PrintWriter out, JsonNode app) {
			Listing.print(out, app, "", Set.of("releases", "tasks"));
			JsonNode releases = Text.field(app, "releases");
			if (releases != null && releases.isArray()) {
				out.println("releases:");
				Table table = new Table("ID", "VERSION", "STATE", "CREATED", "MESSAGE");
				releases
					.forEach((release) -> table.row(Text.cell(release, "id", "release"), Text.cell(release, "version"),
							Text.cell(release, "state"), Text.cell(release, "created"), Text.cell(release, "message")));
				table.print(out, "  ", "(none)");
			}
			JsonNode tasks = Text.field(app, "tasks");
			if (tasks != null && tasks.isArray()) {
				out.println("tasks:");
				TasksCommand.table(tasks).print(out, "  ", "(none)");
			}
		}

	}

}
