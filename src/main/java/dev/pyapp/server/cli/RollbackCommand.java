package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp rollback NAME [RELEASE]}: {@code apps.rollback}.
 */
@Command(name = "rollback", description = RollbackCommand.DESCRIPTION)
class RollbackCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Return an app to an earlier kept release (the previous one unless RELEASE is given).";

	@Parameters(index = "0", paramLabel = "NAME", description = "the app")
	String name = "";

	@Parameters(index = "1", arity = "0..1", paramLabel = "RELEASE",
			description = "the release id, as listed by 'pyapp apps show NAME'")
	@Nullable String release;

	@Override
	public Integer call() throws Exception {
		JsonNode app;
		ProgressPoller progress = ProgressPoller.forApp(client(), cli().codec(), json() ? err() : out(), this.name);
		try (ProgressPoller poller = progress) {
			app = call("apps.rollback", params("name", this.name, "release", this.release));
		}
		return show(app, (result) -> {
			out().println("rolled back " + Text.cell(result, "name") + " to " + Text.cell(result, "version") + " ("
					+ Text.cell(result, "state") + ")");
			JsonNode note = result.get("note");
			// the progress shows the deploy's warning with the same text as it happens
			if (note != null && note.isString() && !progress.showedWarning(Text.clean(note.stringValue()))) {
				out().println("note: " + Text.clean(note.stringValue()));
			}
		});
	}

}
