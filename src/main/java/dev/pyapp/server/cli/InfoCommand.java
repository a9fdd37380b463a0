package dev.pyapp.server.cli;

import picocli.CommandLine.Command;

/**
 * {@code pyapp info}: {@code server.info}.
 */
@Command(name = "info", description = "Show the server's version, Python interpreters, web server and PYAPP_HOME.")
class InfoCommand extends ApiCommand {

	@Override
	public Integer call() throws Exception {
		return show(call("server.info", null), (info) -> Listing.print(out(), info));
	}

}
