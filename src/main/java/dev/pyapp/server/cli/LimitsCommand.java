package dev.pyapp.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp limits NAME [LIMIT=VALUE|LIMIT=default ...]}: the app's limits as
 * {@code apps.get} shows them under {@code isolation.limits}, or the operator's caps set
 * with {@code apps.limits.set} (a value of {@code default} returns a limit to the
 * server's default).
 */
@Command(name = "limits", description = LimitsCommand.DESCRIPTION)
class LimitsCommand extends ApiCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Show an app's memory, process, open-file and CPU limits, or cap them (admins).";

	private static final List<String> NAMES = List.of("memory", "processes", "open_files", "cpu");

	@Parameters(index = "0", paramLabel = "NAME", description = "the app")
	String name = "";

	@Parameters(index = "1..*", arity = "0..*", paramLabel = "LIMIT=VALUE",
			description = "memory=512MB, processes=64, open_files=4096, cpu=1.5; LIMIT=default returns it to "
					+ "the server's default")
	List<String> changes = new ArrayList<>();

	@Override
	public Integer call() throws Exception {
		if (this.changes.isEmpty()) {
			JsonNode app = call("apps.get", params("name", this.name));
			return show(app.path("isolation").path("limits"), this::render);
		}
		Map<String, Object> limits = new LinkedHashMap<>();
		for (String change : this.changes) {
			int equals = change.indexOf('=');
			String key = (equals > 0) ? change.substring(0, equals) : change;
			if (equals <= 0 || !NAMES.contains(key)) {
				throw usage("expected LIMIT=VALUE with LIMIT one of " + String.join(", ", NAMES) + "; found '"
						+ Text.printable(change) + "'");
			}
			String value = change.substring(equals + 1);
			limits.put(key, value.equals("default") ? null : number(key, value));
		}
		JsonNode isolation = call("apps.limits.set",
				params("name", this.name, "limits", cli().codec().valueToTree(limits)));
		return show(isolation, (result) -> render(result.path("limits")));
	}

	/**
	 * Counts and cores as numbers; a memory size such as {@code 512MB} as the server
	 * reads it.
	 */
	private static Object number(String key, String value) {
		if (!key.equals("memory")) {
			try {
				return key.equals("cpu") ? (Object) Double.valueOf(value) : (Object) Long.valueOf(value);
			}
			catch (NumberFormatException ex) {
				// the server names the bad value and what it expects
			}
		}
		return value;
	}

	private void render(JsonNode limits) {
		Table table = new Table("LIMIT", "VALUE", "REQUESTED", "CAP", "SOURCE", "ENFORCED BY");
		limits.properties()
			.forEach((entry) -> table.row(entry.getKey(), Text.cell(entry.getValue(), "value"),
					Text.cell(entry.getValue(), "requested"), Text.cell(entry.getValue(), "cap"),
					Text.cell(entry.getValue(), "source"), Text.cell(entry.getValue(), "enforced_by")));
		table.print(out(), this.name + ": no limits shown");
	}

}
