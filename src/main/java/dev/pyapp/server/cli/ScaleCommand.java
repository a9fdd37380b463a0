package dev.pyapp.server.cli;

import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp scale NAME [--workers N] [--threads T] [--reset]}: {@code apps.scale}, or
 * without options the app's scale as {@code apps.get} shows it.
 */
@Command(name = "scale", description = ScaleCommand.DESCRIPTION)
class ScaleCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Show or change how many workers and threads an app's daemon runs.";

	@Parameters(index = "0", paramLabel = "NAME", description = "the app")
	String name = "";

	@Option(names = "--workers", paramLabel = "N", description = "worker processes (1-64)")
	@Nullable Integer workers;

	@Option(names = "--threads", paramLabel = "T",
			description = "threads per worker (1-256; daemon.method: threading only)")
	@Nullable Integer threads;

	@Option(names = "--reset",
			description = "return to what the app's metadata.yaml asks for (then --workers/--threads, if given)")
	boolean reset;

	@Override
	public Integer call() throws Exception {
		if (this.workers == null && this.threads == null && !this.reset) {
			JsonNode app = call("apps.get", params("name", this.name));
			return show(app.path("scale"), this::render);
		}
		JsonNode result = call("apps.scale", params("name", this.name, "workers", this.workers, "threads", this.threads,
				"reset", this.reset ? Boolean.TRUE : null));
		return show(result, (scaled) -> {
			render(scaled.path("scale"));
			JsonNode process = scaled.path("process");
			out().println(this.name + ": " + Text.cell(process, "state")
					+ (process.path("pid").isNumber() ? " (pid " + Text.cell(process, "pid") + ")" : ""));
		});
	}

	private void render(JsonNode scale) {
		if (!scale.isObject()) {
			out().println(this.name + ": no live release");
			return;
		}
		out().println(this.name + ": " + Text.cell(scale, "workers") + " workers x " + Text.cell(scale, "threads")
				+ " threads (" + ("operator".equals(scale.path("source").asString()) ? "scaled by the operator"
						: "as the app's metadata.yaml asks")
				+ ")");
	}

}
