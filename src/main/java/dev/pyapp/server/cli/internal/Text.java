package dev.pyapp.server.cli.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Turns result values into text for tables and listings. Every value the server returns
 * is shown whatever its shape (missing fields as {@code -}), and control characters are
 * replaced so that no value can move the cursor or recolour the terminal.
 */
public final class Text {

	public static final String NONE = "-";

	private Text() {
	}

	/**
	 * One value as a single line.
	 * @param value the value, possibly missing
	 * @return its text; {@code -} for a missing, null or empty value
	 */
	public static String cell(@Nullable JsonNode value) {
		if (value == null || value.isNull() || value.isMissingNode()) {
			return NONE;
		}
		if (value.isString()) {
			String text = oneLine(value.stringValue());
			return text.isEmpty() ? NONE : text;
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(cell(item)));
			return items.isEmpty() ? NONE : String.join(", ", items);
		}
		if (value.isObject()) {
			return object(value);
		}
		return value.asString();
	}

	/**
	 * The first of several names a field may have ({@code last_run} or {@code lastRun}).
	 * @param node the object
	 * @param names the names to try, in order
	 * @return the first present, non-null value, or {@code null}
	 */
	public static @Nullable JsonNode field(@Nullable JsonNode node, String... names) {
		if (node == null || !node.isObject()) {
			return null;
		}
		for (String name : names) {
			JsonNode value = node.get(name);
			if (value != null && !value.isNull()) {
				return value;
			}
		}
		return null;
	}

	public static String cell(@Nullable JsonNode node, String... names) {
		return cell(field(node, names));
	}

	/**
	 * Whether a value is a masked secret ({@code {"set": true|false}}).
	 * @param value the value
	 * @return whether it is one
	 */
	public static boolean isSecret(@Nullable JsonNode value) {
		return value != null && value.isObject() && value.size() == 1 && value.path("set").isBoolean();
	}

	private static String object(JsonNode value) {
		if (isSecret(value)) {
			return value.get("set").asBoolean() ? "(secret, set)" : "(secret, not set)";
		}
		JsonNode kind = value.get("kind");
		if (kind != null && kind.isString() && value.has("url")) {
			// an app's source: "archive", "git https://..."
			JsonNode url = value.get("url");
			return oneLine(kind.stringValue()) + ((url != null && url.isString()) ? " " + cell(url) : "");
		}
		JsonNode server = value.get("server");
		JsonNode path = value.get("path");
		if (server != null && path != null) {
			// a mount: "main/guestbook"
			String mount = cell(server) + cell(path);
			return value.has("app") && !value.has("kind") ? mount + " -> " + cell(value.get("app")) : mount;
		}
		List<String> parts = new ArrayList<>();
		for (Map.Entry<String, JsonNode> entry : value.properties()) {
			parts.add(oneLine(entry.getKey()) + "=" + cell(entry.getValue()));
		}
		return parts.isEmpty() ? NONE : String.join(" ", parts);
	}

	/**
	 * A text on one line: line breaks become spaces, other control characters {@code ?}.
	 * @param text the text
	 * @return the cleaned text
	 */
	public static String oneLine(String text) {
		return clean(text.replaceAll("\\s*\\R\\s*", " "));
	}

	/**
	 * Like {@link #clean}, but keeps line breaks: for output printed as it is, such as a
	 * command's.
	 * @param text the text
	 * @return the cleaned text
	 */
	public static String printable(String text) {
		StringBuilder cleaned = new StringBuilder(text.length());
		for (String line : text.split("\n", -1)) {
			cleaned.append(clean(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)).append('\n');
		}
		// split() gave one part more than there are line breaks
		cleaned.setLength(cleaned.length() - 1);
		return cleaned.toString();
	}

	/**
	 * Replaces control characters (except tab) with {@code ?}: server data must not drive
	 * the terminal.
	 * @param text the text
	 * @return the cleaned text
	 */
	public static String clean(String text) {
		StringBuilder cleaned = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0);
			if (control && cleaned == null) {
				cleaned = new StringBuilder(text.length()).append(text, 0, i);
			}
			if (cleaned != null) {
				cleaned.append(control ? '?' : c);
			}
		}
		return (cleaned != null) ? cleaned.toString() : text;
	}

}
