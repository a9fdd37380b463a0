package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Listing;
import picocli.CommandLine.Command;

/**
 * {@code pyapp info}: {@code server.info}.
 */
@Command(name = "info", description = InfoCommand.DESCRIPTION)
class InfoCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Show the server's version, Python interpreters, web server and PYAPP_HOME.";

	@Override
	public Integer call() throws Exception {
		return show(call("server.info", null), (info) -> Listing.print(out(), info));
	}

}
