package dev.pyapp.server.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.cli.internal.ConfigValues;
import dev.pyapp.server.cli.internal.ErrorReporter;
import dev.pyapp.server.cli.internal.LocalFiles;
import dev.pyapp.server.cli.internal.Table;
import dev.pyapp.server.cli.internal.Text;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyapp config show|set|validate}: an app's configuration values.
 */
@Command(name = "config", description = ConfigCommand.DESCRIPTION,
		subcommands = { ConfigCommand.Show.class, ConfigCommand.Set.class, ConfigCommand.Validate.class })
class ConfigCommand extends GroupCommand {

	/** The description in the list of commands ({@link PyappCli#COMMANDS}). */
	static final String DESCRIPTION = "Show, set or validate an app's configuration.";

	@Command(name = "show", description = "Show an app's configuration values (secrets only as set or not set).")
	static class Show extends ApiCommand {

		@Parameters(paramLabel = "NAME", description = "the app")
		String name = "";

		@Override
		public Integer call() throws Exception {
			return show(call("config.get", params("name", this.name)), (config) -> {
				JsonNode values = config.has("values") ? config.get("values") : config;
				Table table = new Table("KEY", "VALUE");
				if (values.isObject()) {
					for (Map.Entry<String, JsonNode> section : values.properties()) {
						if (section.getValue().isObject() && !Text.isSecret(section.getValue())) {
							for (Map.Entry<String, JsonNode> field : section.getValue().properties()) {
								table.row(Text.oneLine(section.getKey() + "." + field.getKey()),
										Text.cell(field.getValue()));
							}
						}
						else {
							table.row(Text.oneLine(section.getKey()), Text.cell(section.getValue()));
						}
					}
				}
				table.print(out(), "no values set");
				JsonNode complete = config.get("complete");
				if (complete != null && complete.isBoolean() && !complete.asBoolean()) {
					out().println(
							"required settings are missing: the app (or an upgrade that waits for them) goes live once they are set "
									+ "(pyapp config set " + this.name + " section.field=value)");
				}
			});
		}

	}

	@Command(name = "set", description = "Save configuration values (validated; the app restarts gracefully).")
	static class Set extends ApiCommand {

		@Parameters(index = "0", paramLabel = "NAME", description = "the app")
		String name = "";

		@Parameters(index = "1..*", arity = "0..*", paramLabel = "section.field=value",
				description = "values; numbers, booleans and [lists] as JSON where they parse, else text")
		List<String> assignments = new ArrayList<>();

		@Option(names = { "-f", "--file" }, paramLabel = "FILE",
				description = "read values from a YAML or INI file first")
		@Nullable Path file;

		@Override
		public Integer call() throws Exception {
			if (this.assignments.isEmpty() && this.file == null) {
				throw usage("give section.field=value arguments or -f FILE");
			}
			ConfigValues values = new ConfigValues(cli().codec());
			if (this.file != null) {
				values.read(LocalFiles.readableFile(cli().workingDirectory().resolve(this.file)));
			}
			for (String assignment : this.assignments) {
				try {
					values.assign(assignment);
				}
				catch (IllegalArgumentException ex) {
					throw usage(String.valueOf(ex.getMessage()));
				}
			}
			return show(call("config.set", params("name", this.name, "values", values.values())),
					(result) -> out().println("saved the configuration of " + this.name));
		}

	}

	@Command(name = "validate", description = "Check a YAML or INI file of values against an app's spec.")
	static class Validate extends ApiCommand {

		@Parameters(index = "0", paramLabel = "NAME", description = "the app")
		String name = "";

		@Parameters(index = "1", paramLabel = "FILE", description = "the values: YAML (section: {field: value}) or INI")
		Path file = Path.of("");

		@Override
		public Integer call() throws Exception {
			ConfigValues values = new ConfigValues(cli().codec());
			values.read(LocalFiles.readableFile(cli().workingDirectory().resolve(this.file)));
			JsonNode result = call("config.validate", params("name", this.name, "values", values.values()));
			boolean valid = result.path("valid").asBoolean(false);
			show(result, (validation) -> {
				if (valid) {
					out().println(this.file + " is valid for " + this.name);
					return;
				}
				out().println(this.file + " is not valid for " + this.name + ":");
				list(validation, "errors").forEach(
						(error) -> out().println("  " + Text.cell(error, "path") + ": " + Text.cell(error, "message")));
			});
			return valid ? 0 : ErrorReporter.API_ERROR;
		}

	}

}
