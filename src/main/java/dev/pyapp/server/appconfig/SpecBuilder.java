package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.pyapp.server.appconfig.internal.Props;
import dev.pyapp.server.appconfig.internal.RawSpec;
import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Checks a {@link RawSpec} and resolves its widgets into a {@link ConfigSpec}, recording
 * every problem: unknown keys, widgets and options, duplicate names, patterns that do not
 * compile, and defaults that fail their own validation.
 */
final class SpecBuilder {

	static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

	private static final Set<String> TOP_KEYS = Set.of("format", "output");

	private static final Set<String> SECTION_KEYS = Set.of("name", "label", "help");

	private static final Set<String> FIELD_KEYS = Set.of("name", "widget", "label", "help", "default", "required",
			"pattern", "pattern_message");

	private final WidgetLibrary widgets;

	private final FieldChecker checker;

	private final List<Problem> problems;

	SpecBuilder(WidgetLibrary widgets, FieldChecker checker, List<Problem> problems) {
		this.widgets = widgets;
		this.checker = checker;
		this.problems = problems;
	}

	ConfigSpec build(RawSpec raw) {
		Props top = new Props(raw.top(), "", this.problems);
		top.rejectUnknown(TOP_KEYS, "key");
		int format = 1;
		if (top.has("format") && !"1".equals(top.text("format"))) {
			top.problem("format", "must be 1, the only known format");
		}
		String output = (top.has("output")) ? top.text("output") : ConfigSpec.YAML;
		if (output == null || !(output.equals(ConfigSpec.YAML) || output.equals(ConfigSpec.INI))) {
			top.problem("output", "must be yaml or ini");
			output = ConfigSpec.YAML;
		}
		List<ConfigSpec.Section> sections = new ArrayList<>();
		Map<String, String> sectionNames = new HashMap<>();
		for (RawSpec.Section rawSection : raw.sections()) {
			Props props = new Props(rawSection.props(), rawSection.path(), this.problems);
			props.rejectUnknown(SECTION_KEYS, "key");
			String name = name(props, rawSection.namePath(), sectionNames, "section");
			List<ConfigSpec.Field> fields = new ArrayList<>();
			Map<String, String> fieldNames = new HashMap<>();
			for (RawSpec.Field rawField : rawSection.fields()) {
				Props fieldProps = new Props(rawField.props(), rawField.path(), this.problems);
				String fieldName = name(fieldProps, rawField.namePath(), fieldNames, "field");
				field(fieldProps, fieldName).ifPresent(fields::add);
			}
			sections.add(new ConfigSpec.Section(name, label(props.text("label"), name), props.text("help"), fields));
		}
		return new ConfigSpec(format, output, sections);
	}

	private String name(Props props, String namePath, Map<String, String> seen, String what) {
		String name = props.requiredText("name");
		if (name.isEmpty()) {
			return name;
		}
		if (!NAME.matcher(name).matches()) {
			props.problem("name", "'" + name + "' is not a valid " + what + " name: use letters, digits and _ ("
					+ NAME.pattern() + ")");
		}
		String previous = seen.putIfAbsent(name, namePath);
		if (previous != null) {
			this.problems
				.add(new Problem(namePath, "duplicate " + what + " name '" + name + "' (also at " + previous + ")"));
		}
		return name;
	}

	private Optional<ConfigSpec.Field> field(Props props, String name) {
		String widgetName = props.requiredText("widget");
		if (widgetName.isEmpty()) {
			return Optional.empty();
		}
		Optional<Widget> found = this.widgets.find(widgetName);
		if (found.isEmpty()) {
			props.problem("widget", "unknown widget '" + widgetName + "' (known: "
					+ String.join(", ", this.widgets.widgets().stream().map(Widget::name).toList()) + ")");
			return Optional.empty();
		}
		Widget widget = found.get();
		Widget item = null;
		Set<String> allowed = new LinkedHashSet<>(FIELD_KEYS);
		allowed.addAll(widget.options());
		if (widget.type() == BaseType.LIST) {
			item = itemWidget(props, widget);
			if (item == null) {
				return Optional.empty();
			}
			allowed.addAll(item.options());
		}
		int before = this.problems.size();
		for (String key : props.keys()) {
			if (!allowed.contains(key)) {
				props.problem(key, "unknown option '" + key + "' for widget '" + widgetName + "' (expected one of: "
						+ String.join(", ", new TreeSet<>(allowed)) + ")");
			}
		}
		for (String option : widget.requiredOptions()) {
			if (!props.has(option)) {
				props.problem(option, "is required for widget '" + widgetName + "'");
			}
		}
		BaseType valueType = (item != null) ? item.type() : widget.type();
		Validation validation = (item != null) ? item.validation().refine(widget.validation()) : widget.validation();
		Map<String, @Nullable Object> known = new LinkedHashMap<>();
		props.keys().stream().filter(allowed::contains).forEach((key) -> known.put(key, props.raw(key)));
		validation = validation.refine(RuleReader.read(new Props(known, props.path(), this.problems), valueType));
		Map<String, Object> options = new LinkedHashMap<>();
		if (props.has("placeholder")) {
			options.put("placeholder", String.valueOf(props.text("placeholder")));
		}
		if (props.has("rows")) {
			Integer rows = props.count("rows");
			if (rows != null) {
				options.put("rows", rows);
			}
		}
		if (item != null) {
			options.put("item", item.name());
		}
		boolean required = props.bool("required", false);
		ConfigSpec.Field field = new ConfigSpec.Field(name, widgetName, widget.type(),
				(item != null) ? item.type() : null, widget.secret(), label(props.text("label"), name),
				props.text("help"), required, null, validation, options, widget.template());
		if (this.problems.size() > before) {
			return Optional.empty();
		}
		Object defaultValue = props.raw("default");
		if (defaultValue != null && !"".equals(defaultValue)) {
			FieldChecker.Outcome outcome = this.checker.check(field, defaultValue, "");
			for (Problem problem : outcome.problems()) {
				props.problem("default", "fails its own validation: "
						+ (problem.path().isEmpty() ? "" : "entry " + problem.path() + " ") + problem.message());
			}
			field = new ConfigSpec.Field(name, widgetName, widget.type(), field.itemType(), field.secret(),
					field.label(), field.help(), required, outcome.value(), validation, options, field.template());
		}
		return Optional.of(field);
	}

	private @Nullable Widget itemWidget(Props props, Widget list) {
		String itemName = props.has("item") ? props.text("item") : list.item();
		Optional<Widget> item = Optional.ofNullable(itemName).flatMap(this.widgets::find);
		if (item.isEmpty() || item.get().type() == BaseType.LIST || item.get().secret()) {
			props.problem("item", "'" + itemName + "' is not a widget for list entries: name one that is not a list "
					+ "and not secret, such as text or email");
			return null;
		}
		return item.get();
	}

	private static String label(@Nullable String label, String name) {
		if (label != null && !label.isBlank()) {
			return label;
		}
		String words = name.replace('_', ' ').strip();
		return words.isEmpty() ? name : Character.toUpperCase(words.charAt(0)) + words.substring(1);
	}

}
