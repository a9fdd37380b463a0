package dev.pyapp.server.cli.internal;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Prints an object as aligned {@code key: value} lines; nested objects and lists of
 * objects are indented below their key. Whatever fields the server returns are shown.
 */
public final class Listing {

	private Listing() {
	}

	public static void print(PrintWriter out, JsonNode object) {
		print(out, object, "", Set.of());
	}

	/**
	 * Prints an object's fields.
	 * @param out where to print
	 * @param object the object (anything else is printed as one value)
	 * @param indent what to put before every line
	 * @param skip fields the caller prints itself
	 */
	public static void print(PrintWriter out, JsonNode object, String indent, Set<String> skip) {
		if (!object.isObject()) {
			out.println(indent + Text.cell(object));
			return;
		}
		int width = 0;
		for (Map.Entry<String, JsonNode> field : object.properties()) {
			if (!skip.contains(field.getKey())) {
				width = Math.max(width, field.getKey().length());
			}
		}
		for (Map.Entry<String, JsonNode> field : object.properties()) {
			if (skip.contains(field.getKey())) {
				continue;
			}
			String key = Text.oneLine(field.getKey());
			JsonNode value = field.getValue();
			if (isNested(value)) {
				out.println(indent + key + ":");
				print(out, value, indent + "  ", Set.of());
			}
			else if (isListOfObjects(value)) {
				out.println(indent + key + ":");
				value.forEach((item) -> out.println(indent + "  - " + Text.cell(item)));
			}
			else {
				out.println(indent + key + ":" + " ".repeat(width - key.length() + 1) + Text.cell(value));
			}
		}
	}

	private static boolean isNested(JsonNode value) {
		if (!value.isObject() || value.isEmpty() || Text.isSecret(value)) {
			return false;
		}
		for (Map.Entry<String, JsonNode> field : value.properties()) {
			if (field.getValue().isContainer()) {
				return true;
			}
		}
		return value.size() > 3;
	}

	private static boolean isListOfObjects(JsonNode value) {
		if (!value.isArray() || value.isEmpty()) {
			return false;
		}
		for (JsonNode item : value) {
			if (!item.isObject()) {
				return false;
			}
		}
		return true;
	}

}
