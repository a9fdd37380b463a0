package dev.pyapp.server.appconfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A validated configuration spec (SPEC §2) with every widget resolved, so that it can
 * validate values and render a form on its own. {@code configuration.yaml} and
 * {@code configuration.ini} describing the same settings give equal specs.
 *
 * @param format the spec format, {@code 1}
 * @param output the format of the file the app reads: {@link #YAML} or {@link #INI}
 * @param sections the sections, in order
 */
public record ConfigSpec(int format, String output, List<Section> sections) {

	/** {@code output: yaml}: the app reads {@code config/config.yaml}. */
	public static final String YAML = "yaml";

	/** {@code output: ini}: the app reads {@code config/config.ini}. */
	public static final String INI = "ini";

	public ConfigSpec {
		sections = List.copyOf(sections);
	}

	/**
	 * The spec of an app that has none: no settings, always complete.
	 * @return the empty spec
	 */
	public static ConfigSpec empty() {
		return new ConfigSpec(1, YAML, List.of());
	}

	public boolean isEmpty() {
		return this.sections.stream().allMatch((section) -> section.fields().isEmpty());
	}

	public Optional<Section> section(String name) {
		return this.sections.stream().filter((section) -> section.name().equals(name)).findFirst();
	}

	public Optional<Field> field(String section, String field) {
		return section(section).flatMap((found) -> found.field(field));
	}

	/**
	 * The name of the config file the app reads.
	 * @return {@code config.yaml} or {@code config.ini}
	 */
	public String configFileName() {
		return "config." + this.output;
	}

	/**
	 * The JSON view of {@code config.spec}.
	 * @return {@code {format, output, sections: [{name, label, help, fields: [...]}]}}
	 */
	public Map<String, Object> describe() {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("format", this.format);
		view.put("output", this.output);
		view.put("sections", this.sections.stream().map(Section::describe).toList());
		return view;
	}

	/**
	 * One section: a group of fields and, in the config file, a mapping or an INI
	 * {@code [section]}.
	 *
	 * @param name the section's name
	 * @param label the label shown in a form
	 * @param help a longer explanation, or {@code null}
	 * @param fields the fields, in order
	 */
	public record Section(String name, String label, @Nullable String help, List<Field> fields) {

		public Section {
			fields = List.copyOf(fields);
		}

		public Optional<Field> field(String name) {
			return this.fields.stream().filter((field) -> field.name().equals(name)).findFirst();
		}

		public Map<String, Object> describe() {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("name", this.name);
			view.put("label", this.label);
			view.put("help", this.help);
			view.put("fields", this.fields.stream().map(Field::describe).toList());
			return view;
		}

	}

	/**
	 * One setting, with its widget resolved.
	 *
	 * @param name the field's name
	 * @param widget the widget's name
	 * @param type the widget's base type
	 * @param itemType for a list, the base type of its entries; else {@code null}
	 * @param secret whether the value is write-only
	 * @param label the label shown in a form (the name when the spec gives none)
	 * @param help a longer explanation, or {@code null}
	 * @param required whether the app cannot run without a value
	 * @param defaultValue the default, coerced to the type, or {@code null}
	 * @param validation the widget's validation refined by the field's own options
	 * @param options display options ({@code placeholder}, {@code rows}, {@code item})
	 * @param template the Thymeleaf fragment that renders the field
	 */
	public record Field(String name, String widget, BaseType type, @Nullable BaseType itemType, boolean secret,
			String label, @Nullable String help, boolean required, @Nullable Object defaultValue, Validation validation,
			Map<String, Object> options, String template) {

		public Field {
			options = Map.copyOf(options);
		}

		/**
		 * The JSON view of one field in {@code config.spec}. A secret's default is not
		 * shown, only whether it has one.
		 * @return the view
		 */
		public Map<String, Object> describe() {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("name", this.name);
			view.put("widget", this.widget);
			view.put("type", this.type.jsonName());
			if (this.itemType != null) {
				view.put("item_type", this.itemType.jsonName());
			}
			view.put("label", this.label);
			view.put("help", this.help);
			view.put("required", this.required);
			view.put("secret", this.secret);
			view.put("default", this.secret ? null : this.defaultValue);
			view.put("has_default", this.defaultValue != null);
			view.put("options", new TreeMap<>(this.options));
			view.put("validation", this.validation.describe());
			view.put("template", this.template);
			return view;
		}

	}

}
