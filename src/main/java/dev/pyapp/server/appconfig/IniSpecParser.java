package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.appconfig.internal.IniValueReader;
import dev.pyapp.server.appconfig.internal.RawSpec;
import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Parses {@code configuration.ini}, the spec in the style of ConfigObj's configspec:
 *
 * <pre>
 * format = 1
 * output = ini
 *
 * [site]
 * __label__ = Site
 * title = text(required=true, pattern="^.{1,80}$", default="My guestbook", label="Site title")
 * entries_per_page = integer(1, 500, default=20)
 * theme = choice("light", "dark", default="light")
 * tags = list(item=text, default=list("news", "blog"))
 * </pre>
 *
 * One {@code [section]} per section, {@code __label__} and {@code __help__} for its label
 * and help, one line per field: the widget, then its options. Positional values are
 * {@code min, max} for numbers and the choices for a widget with choices. Values are
 * {@code "text"} (with {@code \"} and {@code \\}), {@code 'raw text'}, numbers,
 * {@code true}/{@code false}, {@code none}, lists ({@code list(…)}, {@code (…)},
 * {@code […]}) or bare words. Comments start with {@code #} or {@code ;}.
 */
final class IniSpecParser {

	private static final Pattern SECTION = Pattern.compile("\\[\\s*([^\\]]*?)\\s*\\]\\s*([#;].*)?");

	private static final Pattern KEY_VALUE = Pattern.compile("([^=\\s]+)\\s*=\\s*(.*)");

	private static final Pattern CALL = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)\\s*(\\((.*))?", Pattern.DOTALL);

	private final WidgetLibrary widgets;

	private final List<Problem> problems;

	IniSpecParser(WidgetLibrary widgets, List<Problem> problems) {
		this.widgets = widgets;
		this.problems = problems;
	}

	RawSpec parse(String content) {
		Map<String, @Nullable Object> top = new LinkedHashMap<>();
		List<RawSpec.Section> sections = new ArrayList<>();
		String sectionName = null;
		Map<String, @Nullable Object> sectionProps = null;
		List<RawSpec.Field> fields = null;
		String[] lines = content.split("\r?\n|\r", -1);
		for (int i = 0; i < lines.length; i++) {
			String at = "line " + (i + 1);
			String line = lines[i].strip();
			if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
				continue;
			}
			Matcher section = SECTION.matcher(line);
			if (section.matches()) {
				sectionName = section.group(1);
				sectionProps = new LinkedHashMap<>();
				sectionProps.put("name", sectionName);
				fields = new ArrayList<>();
				sections.add(new RawSpec.Section(sectionName, at + " [" + sectionName + "]", sectionProps, fields));
				continue;
			}
			Matcher keyValue = KEY_VALUE.matcher(line);
			if (!keyValue.matches()) {
				this.problems.add(new Problem(at, "expected [section], name = widget(options...) or a comment"));
				continue;
			}
			String key = keyValue.group(1);
			String value = keyValue.group(2);
			if (sectionProps == null) {
				putOnce(top, key, literal(value, at), at);
			}
			else if (key.equals("__label__") || key.equals("__help__")) {
				putOnce(sectionProps, key.substring(2, key.length() - 2), literal(value, at), at);
			}
			else {
				String path = sectionName + "." + key;
				Map<String, @Nullable Object> props = field(key, value, path, at);
				if (props != null) {
					fields.add(new RawSpec.Field(path, at + " " + path, props));
				}
			}
		}
		return new RawSpec(top, sections);
	}

	private @Nullable Map<String, @Nullable Object> field(String name, String value, String path, String at) {
		Matcher call = CALL.matcher(value);
		if (!call.matches()) {
			this.problems.add(new Problem(path, "expected a widget name, such as text(required=true)"));
			return null;
		}
		Map<String, @Nullable Object> props = new LinkedHashMap<>();
		props.put("name", name);
		props.put("widget", call.group(1));
		if (call.group(2) == null) {
			return props;
		}
		IniValueReader reader = new IniValueReader(call.group(3));
		List<@Nullable Object> positional = new ArrayList<>();
		try {
			for (IniValueReader.Argument argument : reader.arguments()) {
				if (argument.name() == null) {
					positional.add(argument.value());
				}
				else if (props.containsKey(argument.name())) {
					this.problems.add(new Problem(path + "." + argument.name(), "is given twice"));
				}
				else {
					props.put(argument.name(), argument.value());
				}
			}
		}
		catch (IllegalArgumentException ex) {
			this.problems.add(new Problem(path, at + ": " + ex.getMessage()));
			return null;
		}
		if (!positional.isEmpty()) {
			placePositional(props, positional, path);
		}
		return props;
	}

	private void placePositional(Map<String, @Nullable Object> props, List<@Nullable Object> positional, String path) {
		Optional<Widget> widget = this.widgets.find(String.valueOf(props.get("widget")));
		if (widget.isEmpty()) {
			// the builder reports the unknown widget
			return;
		}
		if (widget.get().options().contains("choices") && !props.containsKey("choices")) {
			props.put("choices", positional);
		}
		else if (widget.get().type().isNumeric() && positional.size() <= 2 && !props.containsKey("min")
				&& !props.containsKey("max")) {
			props.put("min", positional.get(0));
			if (positional.size() == 2) {
				props.put("max", positional.get(1));
			}
		}
		else {
			this.problems.add(new Problem(path, "positional values are only understood as min, max of a number "
					+ "or as the choices of a widget with choices; name them (key=value)"));
		}
	}

	private @Nullable Object literal(String value, String at) {
		String trimmed = value.strip();
		if (trimmed.startsWith("\"") || trimmed.startsWith("'") || trimmed.startsWith("(") || trimmed.startsWith("[")
				|| trimmed.startsWith("list(")) {
			try {
				return new IniValueReader(trimmed).single();
			}
			catch (IllegalArgumentException ex) {
				this.problems.add(new Problem(at, ex.getMessage()));
				return null;
			}
		}
		return IniValueReader.bare(trimmed);
	}

	private void putOnce(Map<String, @Nullable Object> map, String key, @Nullable Object value, String at) {
		if (map.containsKey(key)) {
			this.problems.add(new Problem(at, "'" + key + "' is given twice"));
		}
		map.put(key, value);
	}

}
