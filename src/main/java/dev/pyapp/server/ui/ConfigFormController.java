package dev.pyapp.server.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * Renders the fields of a configuration form from what the browser got from
 * {@code config.spec} and {@code config.get}: each field with its widget's fragment
 * ({@code templates/widgets/<widget>.html}, fragment {@code widget}) when the widget
 * library has one, else with a plain input for its base type. It only renders what it is
 * sent; saving goes through {@code config.set}.
 */
@Controller
class ConfigFormController {

	// what the browser sends back is input: only a fragment of a widgets/ template
	// is ever rendered, and nothing else reaches Thymeleaf's preprocessing
	private static final Pattern TEMPLATE = Pattern
		.compile("^(widgets/[a-z][a-z0-9_-]{0,39})(?:\\s*::\\s*([a-zA-Z][a-zA-Z0-9_-]{0,39}))?$");

	private final ResourceLoader resources;

	private final JsonMapper mapper;

	private final Map<String, Boolean> fragments = new java.util.concurrent.ConcurrentHashMap<>();

	ConfigFormController(ResourceLoader resources, JsonMapper mapper) {
		this.resources = resources;
		this.mapper = mapper;
	}

	@PostMapping(path = "/apps/{name}/config/fields", consumes = "application/json")
	String fields(@PathVariable String name, @RequestBody String body, Model model) {
		AppId.of(name);
		JsonNode request = this.mapper.readTree(body);
		JsonNode spec = request.path("spec");
		JsonNode sections = spec.has("sections") ? spec.get("sections") : spec.path("spec").path("sections");
		JsonNode values = request.path("values");
		if (values.has("values") && values.get("values").isObject()) {
			values = values.get("values");
		}
		List<Map<String, Object>> result = new ArrayList<>();
		for (JsonNode section : sections) {
			String sectionName = section.path("name").asString("");
			List<FormField> fields = new ArrayList<>();
			for (JsonNode field : section.path("fields")) {
				fields.add(field(sectionName, field, values.path(sectionName).get(field.path("name").asString(""))));
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", sectionName);
			entry.put("label", section.path("label").asString(sectionName));
			entry.put("fields", fields);
			result.add(entry);
		}
		model.addAttribute("sections", result);
		return "config/configForm :: fields";
	}

	private FormField field(String section, JsonNode field, @Nullable JsonNode current) {
		String name = field.path("name").asString("");
		String widget = field.path("widget").asString("text");
		String type = field.path("type").asString("string");
		boolean secret = "secret".equals(widget) || field.path("secret").asBoolean(false)
				|| (current != null && current.isObject() && current.has("set"));
		boolean secretSet = secret && current != null && current.path("set").asBoolean(false);
		Object value = null;
		if (!secret) {
			JsonNode source = (current != null && !current.isNull()) ? current : field.get("default");
			value = (source != null && !source.isNull()) ? this.mapper.convertValue(source, Object.class) : null;
		}
		List<String> choices = new ArrayList<>();
		JsonNode choiceNode = field.has("choices") ? field.get("choices") : field.path("validation").has("choices")
				? field.path("validation").get("choices") : field.path("options").path("choices");
		choiceNode.forEach((choice) -> choices.add(choice.isString() ? choice.stringValue() : choice.toString()));
		String path = section + "." + name;
		Map<String, Object> spec = new LinkedHashMap<>(this.mapper.convertValue(field, Map.class));
		spec.putIfAbsent("label", name);
		spec.putIfAbsent("help", null);
		spec.putIfAbsent("required", false);
		spec.computeIfAbsent("options", (key) -> new LinkedHashMap<>());
		spec.computeIfAbsent("validation", (key) -> new LinkedHashMap<>());
		Object fragmentValue = secret ? Map.of("set", secretSet) : value;
		return new FormField(path, "f-" + section + "-" + name, widget, type, field.path("label").asString(name),
				text(field.get("help")), field.path("required").asBoolean(false), value, secret, secretSet, choices,
				scalar(field, "min"), scalar(field, "max"), text(field.get("pattern")), fragment(field, widget), spec,
				fragmentValue);
	}

	/**
	 * The widget's fragment: the field's {@code template}
	 * ({@code widgets/text :: widget}) or else {@code widgets/<widget> :: widget}, if it
	 * is a template of the widget library that exists.
	 */
	private @Nullable String fragment(JsonNode field, String widget) {
		String template = field.path("template").asString("widgets/" + widget + " :: widget").strip();
		Matcher matcher = TEMPLATE.matcher(template);
		if (!matcher.matches()) {
			return null;
		}
		String name = matcher.group(1);
		boolean exists = this.fragments.computeIfAbsent(name,
				(key) -> this.resources.getResource("classpath:templates/" + key + ".html").exists());
		return exists ? name + " :: " + ((matcher.group(2) != null) ? matcher.group(2) : "widget") : null;
	}

	private @Nullable Object scalar(JsonNode field, String key) {
		JsonNode node = field.has(key) ? field.get(key) : field.path("validation").get(key);
		return (node != null && node.isValueNode() && !node.isNull()) ? this.mapper.convertValue(node, Object.class)
				: null;
	}

	private static @Nullable String text(@Nullable JsonNode node) {
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

}
