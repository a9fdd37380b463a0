package dev.pyapp.server.ui;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One field of a configuration form, as its template (a widget fragment or the fallback
 * for its base type) sees it as {@code field}. A secret never carries its value: only
 * whether one is set.
 *
 * @param path {@code section.field}: the input's {@code name} and the path of its errors
 * @param id the input's element id
 * @param widget the widget's name
 * @param type the base type: string, integer, number, boolean or list
 * @param label the label
 * @param help the help text, or {@code null}
 * @param required whether a value is required
 * @param value the current value (or the default), {@code null} for none or a secret
 * @param secret whether the value is write-only
 * @param secretSet for a secret, whether a value is stored
 * @param choices the allowed values, empty if any value goes
 * @param min the smallest number or shortest length, or {@code null}
 * @param max the largest number or longest length, or {@code null}
 * @param pattern a regular expression the value must match, or {@code null}
 * @param fragment the widget library's fragment for this widget
 * ({@code widgets/text :: widget}), or {@code null} to render a plain input
 * @param spec the field as {@code config.spec} describes it, for the widget's fragment
 * (with {@code options} and {@code validation} always present)
 * @param current the value as the widget's fragment takes it: the value or default, or
 * {@code {"set": true|false}} for a secret
 */
public record FormField(String path, String id, String widget, String type, String label, @Nullable String help,
		boolean required, @Nullable Object value, boolean secret, boolean secretSet, List<String> choices,
		@Nullable Object min, @Nullable Object max, @Nullable String pattern, @Nullable String fragment,
		Map<String, Object> spec, @Nullable Object current) {

	/** The value as text for a single input ({@code list}: one item a line). */
	public String text() {
		if (this.value == null) {
			return "";
		}
		if (this.value instanceof List<?> items) {
			return String.join("\n", items.stream().map(String::valueOf).toList());
		}
		return String.valueOf(this.value);
	}

	public boolean checked() {
		return Boolean.TRUE.equals(this.value) || "true".equals(this.value);
	}

	public boolean selected(String choice) {
		if (this.value instanceof List<?> items) {
			return items.stream().map(String::valueOf).anyMatch(choice::equals);
		}
		return choice.equals(String.valueOf(this.value));
	}

	/** The HTML input type for a plain single-line input of this widget. */
	public String inputType() {
		return switch (this.widget) {
			case "email" -> "email";
			case "url" -> "url";
			case "port", "integer", "number" -> "number";
			default -> ("integer".equals(this.type) || "number".equals(this.type)) ? "number" : "text";
		};
	}

}
