package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp start|stop|restart NAME}: {@code apps.start}, {@code apps.stop},
 * {@code apps.restart}, named after the command.
 */
abstract class ProcessCommand extends ApiCommand {

	@Parameters(paramLabel = "NAME", description = "the app")
	String name = "";

	@Override
	public Integer call() throws Exception {
		return show(call("apps." + this.spec.name(), params("name", this.name)), this::render);
	}

	private void render(JsonNode state) {
		if (state.isObject() && state.has("state")) {
			JsonNode pid = Text.field(state, "pid");
			JsonNode reason = Text.field(state, "reason");
			out().println(this.name + ": " + Text.cell(state, "state")
					+ ((pid != null) ? " (pid " + Text.cell(pid) + ")" : "")
					+ ((reason != null) ? ": " + Text.cell(reason) : ""));
		}
		else if (state.isObject()) {
			Listing.print(out(), state);
		}
		else {
			out().println(this.name + ": " + Text.cell(state));
		}
	}

	@Command(name = "start", description = ProcessCommand.Start.DESCRIPTION)
	static class Start extends ProcessCommand {

		/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
		static final String DESCRIPTION = "Start an app's daemon.";

	}

	@Command(name = "stop", description = ProcessCommand.Stop.DESCRIPTION)
	static class Stop extends ProcessCommand {

		/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
		static final String DESCRIPTION = "Stop an app's daemon (TERM, then KILL after the grace period).";

	}

	@Command(name = "restart", description = ProcessCommand.Restart.DESCRIPTION)
	static class Restart extends ProcessCommand {

		/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
		static final String DESCRIPTION = "Restart an app's daemon gracefully.";

	}

}
