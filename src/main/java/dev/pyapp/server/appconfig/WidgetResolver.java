package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.pyapp.server.appconfig.internal.Props;
import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Turns widget files into {@link Widget}s: checks each file's keys, and resolves a widget
 * that refines another ({@code base: text}) by inheriting its type, template, options and
 * validation and refining them. A widget with problems is left out, and so is every
 * widget built on it.
 */
final class WidgetResolver {

	/** The options a widget may let fields set. */
	static final Set<String> OPTION_NAMES = Set.of("min", "max", "min_length", "max_length", "min_items", "max_items",
			"choices", "item", "placeholder", "rows", "schemes");

	/** Of those, the ones that are display hints rather than validation. */
	static final Set<String> DISPLAY_OPTIONS = Set.of("placeholder", "rows");

	static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

	private static final Set<String> KEYS = Set.of("name", "base", "type", "item", "secret", "label", "description",
			"template", "options", "required_options", "validation");

	private final Map<String, RawWidget> raw;

	private final Map<String, Widget> resolved = new TreeMap<>();

	private final Set<String> failed = new HashSet<>();

	private final List<Problem> problems = new ArrayList<>();

	private WidgetResolver(Map<String, RawWidget> raw) {
		this.raw = raw;
	}

	/**
	 * Resolves a set of widget files.
	 * @param raw the parsed files by widget name
	 * @param problems receives every problem, with the file in its path
	 * @return the good widgets by name
	 */
	static Map<String, Widget> resolve(Map<String, RawWidget> raw, List<Problem> problems) {
		WidgetResolver resolver = new WidgetResolver(raw);
		for (String name : raw.keySet()) {
			resolver.resolve(name, new LinkedHashSet<>());
		}
		problems.addAll(resolver.problems);
		return resolver.resolved;
	}

	private @Nullable Widget resolve(String name, Set<String> visiting) {
		if (this.resolved.containsKey(name) || this.failed.contains(name)) {
			return this.resolved.get(name);
		}
		RawWidget file = this.raw.get(name);
		if (file == null) {
			return null;
		}
		List<Problem> found = new ArrayList<>();
		Props props = new Props(file.map(), file.origin() + ":", found);
		Widget widget = build(file, props, visiting);
		if (widget == null || !found.isEmpty()) {
			this.failed.add(name);
			this.problems.addAll(found.stream().map(WidgetResolver::tidy).toList());
			return null;
		}
		this.resolved.put(name, widget);
		return widget;
	}

	private @Nullable Widget build(RawWidget file, Props props, Set<String> visiting) {
		props.rejectUnknown(KEYS, "key");
		String declared = props.text("name");
		if (declared != null && !declared.equals(file.name())) {
			props.problem("name", "must be '" + file.name() + "', the file's name");
		}
		String baseName = props.text("base");
		Widget base = null;
		if (baseName != null) {
			visiting.add(file.name());
			if (visiting.contains(baseName)) {
				props.problem("base", "widget '" + baseName + "' refines '" + file.name() + "' in turn (a cycle)");
				return null;
			}
			base = resolve(baseName, visiting);
			if (base == null) {
				props.problem("base", this.raw.containsKey(baseName) ? "widget '" + baseName + "' has problems"
						: "unknown widget '" + baseName + "'");
				return null;
			}
		}
		BaseType type = type(props, base);
		if (type == null) {
			return null;
		}
		String itemName = props.text("item");
		if (itemName == null && base != null) {
			itemName = base.item();
		}
		Widget item = null;
		if (type == BaseType.LIST) {
			itemName = (itemName != null) ? itemName : "text";
			item = itemWidget(props, itemName, visiting);
		}
		else if (props.has("item")) {
			props.problem("item", "only applies to widgets of type list");
		}
		Validation validation = (base != null) ? base.validation() : Validation.NONE;
		Props rules = props.child("validation");
		if (rules != null) {
			rules.rejectUnknown(RuleReader.RULES, "rule");
			BaseType valueType = (item != null) ? item.type() : type;
			validation = validation.refine(RuleReader.read(rules, valueType));
		}
		Set<String> options = new LinkedHashSet<>((base != null) ? base.options() : List.of());
		options.addAll(optionNames(props, "options"));
		Set<String> required = new LinkedHashSet<>((base != null) ? base.requiredOptions() : List.of());
		required.addAll(optionNames(props, "required_options"));
		String template = props.text("template");
		if (template == null && base == null) {
			props.problem("template", "is required: the fragment that renders it, such as widgets/text :: widget");
		}
		String label = firstText(props.text("label"), (base != null) ? base.label() : null, file.name());
		String description = firstText(props.text("description"), (base != null) ? base.description() : null, label);
		boolean secret = props.bool("secret", base != null && base.secret());
		return new Widget(file.name(), baseName, type, (type == BaseType.LIST) ? itemName : null, secret, label,
				description, (template != null) ? template : (base != null) ? base.template() : "",
				List.copyOf(options), List.copyOf(required), validation, file.site());
	}

	private static @Nullable BaseType type(Props props, @Nullable Widget base) {
		String typeName = props.text("type");
		BaseType type = (typeName != null) ? BaseType.of(typeName) : null;
		if (typeName != null && type == null) {
			props.problem("type",
					"unknown type '" + typeName + "' (expected string, integer, number, boolean or list)");
			return null;
		}
		if (base != null) {
			if (type != null && type != base.type()) {
				props.problem("type", "must be " + base.type().jsonName() + ", the type of widget '" + base.name()
						+ "' it refines (or left out)");
				return null;
			}
			return base.type();
		}
		if (type == null) {
			props.problem("type",
					"is required (string, integer, number, boolean or list) unless the widget has a base");
		}
		return type;
	}

	private @Nullable Widget itemWidget(Props props, String itemName, Set<String> visiting) {
		if (visiting.contains(itemName)) {
			props.problem("item", "widget '" + itemName + "' cannot be an entry of itself");
			return null;
		}
		Widget item = resolve(itemName, new LinkedHashSet<>(visiting));
		if (item == null || item.type() == BaseType.LIST || item.secret()) {
			props.problem("item", "must name a widget that is not a list and not secret, such as text");
			return null;
		}
		return item;
	}

	private static List<String> optionNames(Props props, String key) {
		List<String> names = props.names(key);
		for (String name : names) {
			if (!OPTION_NAMES.contains(name)) {
				props.problem(key, "unknown option '" + name + "' (expected some of: "
						+ String.join(", ", new TreeSet<>(OPTION_NAMES)) + ")");
			}
		}
		return names;
	}

	private static String firstText(@Nullable String first, @Nullable String second, String fallback) {
		return (first != null) ? first : (second != null) ? second : fallback;
	}

	private static Problem tidy(Problem problem) {
		// "widgets/x.yaml:.type" reads badly; the file name and the key read well
		return new Problem(problem.path().replace(":.", ": "), problem.message());
	}

	/**
	 * A widget file, parsed but not yet checked.
	 *
	 * @param name the widget's name (the file name without its extension)
	 * @param map the file's mapping
	 * @param origin where it comes from, for problem paths ({@code widgets/slug.yaml})
	 * @param site whether it is a site widget
	 */
	record RawWidget(String name, Map<String, @Nullable Object> map, String origin, boolean site) {

		RawWidget {
			map = new LinkedHashMap<>(map);
		}

	}

}
