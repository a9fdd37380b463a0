package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.pyapp.server.cli.CliException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Configuration values as they travel (SPEC §9): nested {@code {section: {field:
 * value}}}, built from {@code section.field=value} arguments or read from a YAML or INI
 * file. The server coerces and validates the types; the CLI only sends numbers, booleans
 * and lists as JSON where the text parses as JSON, and anything else as a string.
 */
public final class ConfigValues {

	private final JsonCodec json;

	private final ObjectNode values;

	public ConfigValues(JsonCodec json) {
		this.json = json;
		this.values = json.objectNode();
	}

	public ObjectNode values() {
		return this.values;
	}

	/**
	 * Sets one value from {@code section.field=value}.
	 * @param assignment the argument
	 * @throws IllegalArgumentException if it is not of that form
	 */
	public void assign(String assignment) {
		int equals = assignment.indexOf('=');
		String key = (equals >= 0) ? assignment.substring(0, equals).trim() : "";
		int dot = key.indexOf('.');
		if (equals < 0 || dot <= 0 || dot == key.length() - 1) {
			throw new IllegalArgumentException("expected section.field=value, not '" + assignment + "'");
		}
		section(key.substring(0, dot)).set(key.substring(dot + 1), parse(assignment.substring(equals + 1)));
	}

	/**
	 * Reads every value of a file: YAML (also JSON) or INI, by extension, else by its
	 * first line.
	 * @param file the file
	 * @throws CliException if it cannot be read or is not a mapping of sections
	 */
	public void read(Path file) {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new CliException(
					"cannot read " + file + ": " + ex.getClass().getSimpleName() + " " + ex.getMessage());
		}
		if (isIni(file, text)) {
			readIni(file, text);
		}
		else {
			readYaml(file, text);
		}
	}

	private JsonNode parse(String raw) {
		String text = raw.trim();
		if (text.isEmpty()) {
			return this.json.nodeFactory().stringNode(raw);
		}
		try {
			JsonNode value = this.json.read(text);
			if (value != null && !value.isMissingNode()) {
				return value;
			}
		}
		catch (JacksonException ex) {
			// not JSON: a plain string such as a title or a path
		}
		return this.json.nodeFactory().stringNode(raw);
	}

	private ObjectNode section(String name) {
		JsonNode section = this.values.get(name);
		return (section instanceof ObjectNode object) ? object : this.values.putObject(name);
	}

	private static boolean isIni(Path file, String text) {
		String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
		if (name.endsWith(".ini") || name.endsWith(".cfg") || name.endsWith(".conf")) {
			return true;
		}
		if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
			return false;
		}
		for (String line : text.split("\\R")) {
			String trimmed = line.trim();
			if (!trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
				return trimmed.startsWith("[") && trimmed.endsWith("]") && !trimmed.contains(",");
			}
		}
		return false;
	}

	private void readIni(Path file, String text) {
		String[] lines = text.split("\\R");
		ObjectNode section = null;
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].trim();
			if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
				continue;
			}
			if (line.startsWith("[") && line.endsWith("]")) {
				section = section(line.substring(1, line.length() - 1).trim());
				continue;
			}
			int equals = line.indexOf('=');
			int separator = (equals >= 0) ? equals : line.indexOf(':');
			if (separator <= 0 || section == null) {
				throw new CliException(file + ", line " + (i + 1) + ": expected "
						+ ((section == null) ? "a [section] first" : "field = value") + ", not '" + Text.oneLine(line)
						+ "'");
			}
			section.put(line.substring(0, separator).trim(), unquote(line.substring(separator + 1).trim()));
		}
	}

	private static String unquote(String value) {
		if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
				&& value.charAt(value.length() - 1) == value.charAt(0)) {
			return value.substring(1, value.length() - 1);
		}
		return value;
	}

	private void readYaml(Path file, String text) {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setMaxAliasesForCollections(20);
		Object document;
		try {
			document = new Yaml(new SafeConstructor(options)).load(text);
		}
		catch (YAMLException ex) {
			throw new CliException(file + ": not valid YAML: " + Text.oneLine(String.valueOf(ex.getMessage())));
		}
		if (!(document instanceof Map<?, ?> sections)) {
			throw new CliException(file + ": expected a mapping of sections to fields (section: {field: value})");
		}
		for (Map.Entry<?, ?> entry : sections.entrySet()) {
			if (!(entry.getValue() instanceof Map<?, ?> fields)) {
				throw new CliException(file + ": section '" + entry.getKey() + "' must be a mapping of fields");
			}
			ObjectNode section = section(String.valueOf(entry.getKey()));
			Map<?, ?> plain = (Map<?, ?>) plain(fields);
			plain.forEach((field, value) -> section.set(String.valueOf(field), this.json.valueToTree(value)));
		}
	}

	/** YAML dates and timestamps become ISO strings, as typed; keys become strings. */
	private static Object plain(Object value) {
		if (value instanceof Date date) {
			OffsetDateTime time = date.toInstant().atOffset(ZoneOffset.UTC);
			return time.toLocalTime().equals(LocalTime.MIDNIGHT) ? time.toLocalDate().toString()
					: date.toInstant().toString();
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
			return copy;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(ConfigValues::plain).toList();
		}
		return value;
	}

}
