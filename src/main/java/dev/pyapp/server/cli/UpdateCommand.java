package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp update NAME}: {@code apps.update}, showing its progress.
 */
@Command(name = "update", description = UpdateCommand.DESCRIPTION)
class UpdateCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Pull the newest revision of a git app per its strategy and upgrade.";

	@Parameters(paramLabel = "NAME", description = "the app")
	String name = "";

	@Override
	public Integer call() throws Exception {
		JsonNode app;
		try (ProgressPoller poller = ProgressPoller.forApp(client(), cli().codec(), json() ? err() : out(),
				this.name)) {
			app = call("apps.update", params("name", this.name));
		}
		return show(app, (result) -> out().println(summary(result)));
	}

	/**
	 * What became of the update: {@code updated: false} means the strategy selected the
	 * revision that is live already, and nothing was deployed.
	 */
	private static String summary(JsonNode result) {
		String state = Text.cell(result, "version") + " (" + Text.cell(result, "state") + ")";
		if (!result.path("updated").isBoolean() || result.get("updated").booleanValue()) {
			return "updated " + Text.cell(result, "name") + ": now " + state;
		}
		String ref = result.path("ref").asString("").replaceFirst("^refs/(heads|tags)/", "");
		String commit = result.path("commit").asString("");
		String revision = ref.isEmpty() ? ""
				: " at " + ref + (commit.isEmpty() ? "" : " " + commit.substring(0, Math.min(12, commit.length())));
		return Text.cell(result, "name") + " is already current" + revision + ": " + state + ", nothing deployed";
	}

}
