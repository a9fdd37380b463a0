package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Listing;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp webserver render [--kind K]} and {@code pyapp webserver apply}.
 */
@Command(name = "webserver", description = WebserverCommand.DESCRIPTION,
		subcommands = { WebserverCommand.Render.class, WebserverCommand.Apply.class })
class WebserverCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Render or apply the web server's configuration.";

	@Command(name = "render", description = "Print the configuration the server would write.")
	static class Render extends ApiCommand {

		@Option(names = "--kind", paramLabel = "K", description = "nginx, apache or lighttpd (default: the server's)")
		@Nullable String kind;

		@Override
		public Integer call() throws Exception {
			return show(call("webserver.render", params("kind", this.kind)), (result) -> {
				JsonNode text = result.isString() ? result
						: Text.field(result, "config", "configuration", "text", "content");
				if (text != null && text.isString()) {
					// the configuration as it is: this is meant to be read or redirected
					out().print(text.stringValue().endsWith("\n") ? text.stringValue() : text.stringValue() + "\n");
				}
				else {
					Listing.print(out(), result);
				}
			});
		}

	}

	@Command(name = "apply",
			description = "Test the new configuration with the web server, then swap it in and reload gracefully.")
	static class Apply extends ApiCommand {

		@Override
		public Integer call() throws Exception {
			return show(call("webserver.apply", null), (result) -> {
				out().println("applied the web server configuration");
				if (result.isObject() && !result.isEmpty()) {
					Listing.print(out(), result);
				}
			});
		}

	}

}
