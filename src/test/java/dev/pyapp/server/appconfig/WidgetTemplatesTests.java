package dev.pyapp.server.appconfig;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.StringTemplateResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each standard widget's fragment renders the field described by {@code config.spec}
 * accessibly: a label tied to the control, the help text, and the element for the inline
 * error message.
 */
class WidgetTemplatesTests {

	private static final ConfigSpec spec = new ConfigSpecReader().read("configuration.yaml",
			StandardWidgetTests.SPEC.replace("{name: text, widget: text, max_length: 10}",
					"{name: text, widget: text, max_length: 10, help: Shown on top, placeholder: Your title}"));

	private static final Map<String, Object> values = Map.ofEntries(Map.entry("text", "My <b>title</b>"),
			Map.entry("textarea", "two\nlines"), Map.entry("secret", Map.of("set", true)), Map.entry("integer", 20L),
			Map.entry("number", 0.5), Map.entry("boolean", true), Map.entry("choice", "dark"),
			Map.entry("multichoice", List.of("a", "c")), Map.entry("email", "a@example.org"),
			Map.entry("url", "https://example.org"), Map.entry("hostname", "example.org"), Map.entry("ip", "192.0.2.1"),
			Map.entry("port", 8080L), Map.entry("path", "/srv"), Map.entry("regex", "^a$"),
			Map.entry("duration", "30s"), Map.entry("size", "10M"), Map.entry("cron", "* * * * *"),
			Map.entry("list", List.of("a@example.org", "b@example.org")), Map.entry("host_pattern", ".example.org"),
			Map.entry("origin_pattern", "https://*.example.org"), Map.entry("redis", "redis://localhost:6379/0"));

	private static final SpringTemplateEngine engine = engine();

	static List<String> widgets() {
		return spec.section("w").orElseThrow().fields().stream().map(ConfigSpec.Field::name).toList();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("widgets")
	void rendersAnAccessibleField(String name) {
		ConfigSpec.Field field = spec.field("w", name).orElseThrow();
		Context context = new Context();
		context.setVariable("field", field.describe());
		context.setVariable("value", values.get(name));
		context.setVariable("error", "must be at most 500");
		String html = engine.process("<form th:insert=\"~{" + field.template() + " (path='w." + name
				+ "', field=${field}, value=${value}, " + "error=${error})}\"></form>", context);
		String id = "cfg-w-" + name;
		if (name.equals("multichoice")) {
			assertThat(html).contains("<legend>", "for=\"" + id + "-0\"", "value=\"a\" checked",
					"aria-describedby=\"" + id + "-error\"");
		}
		else {
			assertThat(html).contains("for=\"" + id + "\"", "id=\"" + id + "\"", "name=\"w." + name + "\"",
					"aria-describedby=\"" + (name.equals("text") ? id + "-help " : "") + id + "-error\"",
					"aria-invalid=\"true\"");
		}
		assertThat(html).contains("<span>" + field.label() + "</span>",
				"id=\"" + id + "-error\" role=\"alert\" aria-live=\"polite\">must be at most 500</p>");
		switch (name) {
			case "text" -> assertThat(html).contains("value=\"My &lt;b&gt;title&lt;/b&gt;\"", "maxlength=\"10\"",
					"placeholder=\"Your title\"", "id=\"cfg-w-text-help\">Shown on top</p>");
			case "secret" -> assertThat(html).contains("type=\"password\"", "value=\"\"",
					"placeholder=\"Saved (leave empty to keep it)\"");
			case "port" -> assertThat(html).contains("type=\"number\"", "min=\"1\"", "max=\"65535\"", "value=\"8080\"");
			case "choice" -> assertThat(html).contains("<option value=\"dark\" selected=\"selected\">dark</option>");
			case "boolean" -> assertThat(html).contains("type=\"checkbox\"", "checked=\"checked\"");
			case "list" -> assertThat(html).contains(">a@example.org\nb@example.org</textarea>");
			default -> {
			}
		}
	}

	private static SpringTemplateEngine engine() {
		ClassLoaderTemplateResolver files = new ClassLoaderTemplateResolver();
		files.setPrefix("templates/");
		files.setSuffix(".html");
		files.setTemplateMode(TemplateMode.HTML);
		files.setCheckExistence(true);
		files.setOrder(1);
		StringTemplateResolver strings = new StringTemplateResolver();
		strings.setOrder(2);
		SpringTemplateEngine engine = new SpringTemplateEngine();
		engine.addTemplateResolver(files);
		engine.addTemplateResolver(strings);
		return engine;
	}

}
