package dev.pyapp.server.cli.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * An app's environment variables as {@code pyapp env} edits them: {@code NAME=value}
 * arguments checked by the server's own rule (letters, digits and {@code _}, not starting
 * with a digit, not {@code PYAPP_…}), and compared with the variables {@code apps.get}
 * shows to say what changes.
 */
public final class EnvVariables {

	private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

	private EnvVariables() {
	}

	/**
	 * Parses {@code NAME=value} arguments; a later one of the same name wins.
	 * @param arguments the arguments
	 * @return the values by name, in the order given
	 * @throws IllegalArgumentException naming the first argument that is not one
	 */
	public static Map<String, String> assignments(List<String> arguments) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String argument : arguments) {
			int equals = argument.indexOf('=');
			if (equals < 0) {
				throw new IllegalArgumentException("'" + argument + "' is not NAME=value (NAME= sets an empty value; "
						+ "'pyapp env unset' removes a variable)");
			}
			String name = argument.substring(0, equals);
			checkName(name, argument);
			values.remove(name);
			values.put(name, argument.substring(equals + 1));
		}
		return values;
	}

	/**
	 * Checks the names to unset.
	 * @param arguments the arguments
	 * @return the names, each once, in the order given
	 * @throws IllegalArgumentException naming the first argument that is not a name
	 */
	public static List<String> names(List<String> arguments) {
		List<String> names = new ArrayList<>();
		for (String argument : arguments) {
			if (argument.contains("=")) {
				throw new IllegalArgumentException(
						"'" + argument + "': 'pyapp env unset' takes names only ('pyapp env set' takes NAME=value)");
			}
			checkName(argument, argument);
			if (!names.contains(argument)) {
				names.add(argument);
			}
		}
		return names;
	}

	private static void checkName(String name, String argument) {
		if (name.isEmpty()) {
			throw new IllegalArgumentException("'" + argument + "' has no name before '='");
		}
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("'" + argument + "': '" + name
					+ "' is not a variable name (letters, digits and _, not starting with a digit)");
		}
		if (name.toUpperCase(Locale.ROOT).startsWith("PYAPP_")) {
			throw new IllegalArgumentException(
					"'" + argument + "': names starting with PYAPP_ are the server's own variables");
		}
	}

	/**
	 * The variables of an {@code apps.get} result.
	 * @param app the result
	 * @return its {@code env}, sorted by name (empty when it has none)
	 */
	public static Map<String, String> of(JsonNode app) {
		Map<String, String> env = new TreeMap<>();
		JsonNode values = app.path("env");
		if (values.isObject()) {
			values.properties().forEach((entry) -> env.put(entry.getKey(), entry.getValue().asString()));
		}
		return env;
	}

	/**
	 * The names whose values an assignment changes (added or given another value).
	 * @param current the variables now
	 * @param assignments the new values
	 * @return those names, in the order given
	 */
	public static List<String> changed(Map<String, String> current, Map<String, String> assignments) {
		return assignments.keySet()
			.stream()
			.filter((name) -> !Objects.equals(current.get(name), assignments.get(name)))
			.toList();
	}

}
