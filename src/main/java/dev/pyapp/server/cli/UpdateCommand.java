package dev.pyapp.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp update NAME}: {@code apps.update}, showing its progress.
 */
@Command(name = "update", description = "Pull the newest revision of a git app per its strategy and upgrade.")
class UpdateCommand extends ApiCommand {

	@Parameters(paramLabel = "NAME", description = "the app")
	String name = "";

	@Override
	public Integer call() throws Exception {
		JsonNode app;
		try (ProgressPoller poller = ProgressPoller.forApp(client(), cli().mapper(), json() ? err() : out(),
				this.name)) {
			app = call("apps.update", params("name", this.name));
		}
		return show(app, (result) -> out().println("updated " + Text.cell(result, "name") + ": now "
				+ Text.cell(result, "version") + " (" + Text.cell(result, "state") + ")"));
	}

}
