package dev.pyapp.server.appconfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One widget of the library, resolved: a site widget that refines another one (its
 * {@code base}) has inherited its type, template, options and validation.
 *
 * @param name the widget's name, as fields name it
 * @param base the widget it refines, or {@code null}
 * @param type its base type
 * @param item for a list: the widget each entry is checked with; otherwise {@code null}
 * @param secret whether values are write-only
 * @param label a short human name
 * @param description one sentence for people choosing a widget
 * @param template the Thymeleaf fragment that renders it, such as
 * {@code widgets/text :: widget}
 * @param options the options a field using this widget may set
 * @param requiredOptions the options a field using this widget must set
 * @param validation its validation
 * @param site whether it comes from {@code PYAPP_HOME/widgets/} (not the standard set)
 */
public record Widget(String name, @Nullable String base, BaseType type, @Nullable String item, boolean secret,
		String label, String description, String template, List<String> options, List<String> requiredOptions,
		Validation validation, boolean site) {

	public Widget {
		options = List.copyOf(options);
		requiredOptions = List.copyOf(requiredOptions);
	}

	/**
	 * The JSON view of this widget.
	 * @return the view
	 */
	public Map<String, Object> describe() {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("name", this.name);
		view.put("base", this.base);
		view.put("type", this.type.jsonName());
		view.put("item", this.item);
		view.put("secret", this.secret);
		view.put("label", this.label);
		view.put("description", this.description);
		view.put("template", this.template);
		view.put("options", this.options);
		view.put("required_options", this.requiredOptions);
		view.put("validation", this.validation.describe());
		view.put("site", this.site);
		return view;
	}

}
