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
		return show(app, (result) -> out().println("updated " + Text.cell(result, "name") + ": now "
				+ Text.cell(result, "version") + " (" + Text.cell(result, "state") + ")"));
	}

}
