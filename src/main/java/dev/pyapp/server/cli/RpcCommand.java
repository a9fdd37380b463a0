package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp rpc METHOD [JSON-PARAMS]}: any API method; prints the result JSON.
 */
@Command(name = "rpc", description = RpcCommand.DESCRIPTION)
class RpcCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Call any API method and print its result as JSON.";

	@Parameters(index = "0", paramLabel = "METHOD", description = "the method, such as server.info")
	String method = "";

	@Parameters(index = "1", arity = "0..1", paramLabel = "JSON-PARAMS",
			description = "the params: a JSON object or array, such as '{\"name\": \"guestbook\"}'")
	@Nullable String params;

	@Override
	public Integer call() throws Exception {
		JsonNode parsed = null;
		if (this.params != null) {
			try {
				parsed = cli().codec().read(this.params);
			}
			catch (JacksonException ex) {
				throw usage("JSON-PARAMS is not valid JSON: " + Text.oneLine(ex.getOriginalMessage()));
			}
			if (parsed == null || !parsed.isContainer()) {
				throw usage("JSON-PARAMS must be a JSON object or array");
			}
		}
		printJson(call(this.method, parsed));
		out().flush();
		return 0;
	}

}
