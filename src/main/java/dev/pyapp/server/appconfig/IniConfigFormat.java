package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

/**
 * The {@code config.ini} an app reads: one {@code [section]} per spec section and one
 * {@code field = value} line per value, as ConfigObj reads it. A value is written bare
 * when that is unambiguous; otherwise (line breaks, quotes, commas, leading or trailing
 * blanks, a leading {@code [ # ;}) it is written as a JSON string in double quotes, so no
 * value can start a new line, key or section. Lists are comma-separated ({@code a, b};
 * one entry as {@code a,}; none as {@code ,}).
 */
final class IniConfigFormat {

	private IniConfigFormat() {
	}

	static String write(ConfigSpec spec, Map<String, ? extends Map<String, ?>> values) {
		StringBuilder ini = new StringBuilder("# Written by PyApp Server: change it with config.set.\n");
		for (ConfigSpec.Section section : spec.sections()) {
			Map<String, ?> sectionValues = values.get(section.name());
			ini.append('\n').append('[').append(section.name()).append("]\n");
			for (ConfigSpec.Field field : section.fields()) {
				Object value = (sectionValues != null) ? sectionValues.get(field.name()) : null;
				if (value != null) {
					ini.append(field.name()).append(" = ").append(format(value)).append('\n');
				}
			}
		}
		return ini.toString();
	}

	private static String format(Object value) {
		if (value instanceof List<?> list) {
			if (list.isEmpty()) {
				return ",";
			}
			List<String> entries = list.stream().map(IniConfigFormat::scalar).toList();
			return (entries.size() == 1) ? entries.get(0) + "," : String.join(", ", entries);
		}
		return scalar(value);
	}

	private static String scalar(@Nullable Object value) {
		String text = FieldChecker.plain(value);
		return isBare(text) ? text : quote(text);
	}

	private static boolean isBare(String text) {
		if (text.isEmpty() || "\"'[#;".indexOf(text.charAt(0)) >= 0 || Character.isWhitespace(text.charAt(0))
				|| Character.isWhitespace(text.charAt(text.length() - 1))) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20 || c == 0x7f || c == ',' || c == '"' || c == '\\' || c == '\u2028' || c == '\u2029'
					|| c == '\u0085') {
				return false;
			}
		}
		return true;
	}

	static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				case '\r' -> quoted.append("\\r");
				case '\t' -> quoted.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085') {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

	/**
	 * Reads a {@code config.ini} written by {@link #write} (or edited by hand in the same
	 * style). Scalars come back as text, lists as lists of text: the spec coerces them.
	 * @param fileName the file's name, for problems
	 * @param content the text
	 * @return the values, nested
	 */
	static Map<String, Map<String, Object>> read(String fileName, String content) {
		Map<String, Map<String, Object>> values = new LinkedHashMap<>();
		Map<String, Object> section = null;
		String[] lines = content.split("\r?\n|\r", -1);
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i].strip();
			if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
				continue;
			}
			if (line.startsWith("[") && line.endsWith("]")) {
				section = values.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
						(key) -> new LinkedHashMap<>());
				continue;
			}
			int equals = line.indexOf('=');
			if (section == null || equals <= 0) {
				throw unreadable(fileName, i, "expected [section] or field = value");
			}
			try {
				section.put(line.substring(0, equals).strip(), value(line.substring(equals + 1).strip()));
			}
			catch (IllegalArgumentException ex) {
				throw unreadable(fileName, i, ex.getMessage());
			}
		}
		return values;
	}

	private static Object value(String text) {
		List<String> entries = new ArrayList<>();
		boolean list = false;
		int position = 0;
		while (true) {
			position = skipSpaces(text, position);
			String entry;
			if (position < text.length() && text.charAt(position) == '"') {
				StringBuilder quoted = new StringBuilder();
				position = skipSpaces(text, unquote(text, position + 1, quoted));
				entry = quoted.toString();
			}
			else {
				int comma = text.indexOf(',', position);
				int end = (comma >= 0) ? comma : text.length();
				String bare = text.substring(position, end).strip();
				entry = bare.isEmpty() ? null : bare;
				position = end;
			}
			if (position >= text.length()) {
				if (entry != null || !list) {
					entries.add((entry != null) ? entry : "");
				}
				return list ? entries : entries.get(0);
			}
			if (text.charAt(position) != ',') {
				throw new IllegalArgumentException("unexpected text after a quoted value");
			}
			list = true;
			if (entry != null) {
				entries.add(entry);
			}
			position++;
		}
	}

	private static int skipSpaces(String text, int start) {
		int position = start;
		while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
			position++;
		}
		return position;
	}

	private static int unquote(String text, int start, StringBuilder out) {
		int position = start;
		while (position < text.length()) {
			char c = text.charAt(position++);
			if (c == '"') {
				return position;
			}
			if (c != '\\') {
				out.append(c);
				continue;
			}
			if (position >= text.length()) {
				break;
			}
			char escape = text.charAt(position++);
			switch (escape) {
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'u' -> {
					if (position + 4 > text.length()) {
						throw new IllegalArgumentException("a \\u escape needs 4 hex digits");
					}
					out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
					position += 4;
				}
				default -> out.append(escape);
			}
		}
		throw new IllegalArgumentException("a quoted value is not closed");
	}

	private static PyappException unreadable(String fileName, int line, String message) {
		return PyappException.invalid("the config file cannot be read",
				List.of(new Problem(fileName + ": line " + (line + 1), message)));
	}

}
