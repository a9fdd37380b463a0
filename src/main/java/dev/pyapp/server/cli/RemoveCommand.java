package dev.pyapp.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pyapp remove NAME [--keep-data]}: {@code apps.remove}.
 */
@Command(name = "remove", description = RemoveCommand.DESCRIPTION)
class RemoveCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Run the app's pre-delete hook, stop, unmount and delete it.";

	@Parameters(paramLabel = "NAME", description = "the app")
	String name = "";

	@Option(names = "--keep-data", description = "keep the app's data/ and config/ directories")
	boolean keepData;

	@Override
	public Integer call() throws Exception {
		return show(call("apps.remove", params("name", this.name, "keep_data", this.keepData)),
				(result) -> out().println("removed " + this.name + (this.keepData ? " (data kept)" : "")));
	}

}
