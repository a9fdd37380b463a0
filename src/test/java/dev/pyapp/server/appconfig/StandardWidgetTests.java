package dev.pyapp.server.appconfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every standard widget with good and bad values, and the exact message for each bad one.
 * Each field of section {@code w} is named after its widget.
 */
class StandardWidgetTests {

	static final String SPEC = """
			sections:
			  - name: w
			    fields:
			      - {name: text, widget: text, max_length: 10}
			      - {name: textarea, widget: textarea, max_length: 20}
			      - {name: secret, widget: secret, min_length: 8}
			      - {name: integer, widget: integer, min: 1, max: 500}
			      - {name: number, widget: number, min: 0, max: 1}
			      - {name: boolean, widget: boolean}
			      - {name: choice, widget: choice, choices: [light, dark]}
			      - {name: multichoice, widget: multichoice, choices: [a, b, c], max_items: 2}
			      - {name: email, widget: email}
			      - {name: url, widget: url}
			      - {name: hostname, widget: hostname}
			      - {name: ip, widget: ip}
			      - {name: port, widget: port}
			      - {name: path, widget: path}
			      - {name: regex, widget: regex}
			      - {name: duration, widget: duration}
			      - {name: size, widget: size}
			      - {name: cron, widget: cron}
			      - {name: list, widget: list, item: email, max_items: 3}
			      - {name: host_pattern, widget: host_pattern}
			      - {name: origin_pattern, widget: origin_pattern}
			      - {name: redis, widget: url, schemes: [redis, rediss]}
			""";

	private static final ConfigSpecReader reader = new ConfigSpecReader();

	private static final ConfigSpec spec = reader.read("configuration.yaml", SPEC);

	private final ConfigValues values = new ConfigValues(new FieldChecker(Duration.ofMillis(200)));

	static Stream<Arguments> goodValues() {
		return Stream.of(arguments("text", "hello", "hello"), arguments("text", 42, "42"),
				arguments("textarea", "two\nlines", "two\nlines"), arguments("secret", "s3cret-key", "s3cret-key"),
				arguments("integer", 20, 20L), arguments("integer", "42", 42L), arguments("integer", 2.0, 2L),
				arguments("number", 0.5, 0.5), arguments("number", "0.25", 0.25), arguments("number", 1, 1.0),
				arguments("boolean", true, true), arguments("boolean", "yes", true), arguments("boolean", "off", false),
				arguments("choice", "dark", "dark"), arguments("multichoice", List.of("a", "c"), List.of("a", "c")),
				arguments("multichoice", "a, b", List.of("a", "b")),
				arguments("email", "admin@example.org", "admin@example.org"),
				arguments("email", "first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk"),
				arguments("url", "https://example.org/x?y=1", "https://example.org/x?y=1"),
				arguments("url", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
				arguments("url", "http://[2001:db8::1]/", "http://[2001:db8::1]/"),
				arguments("hostname", "www.example.org", "www.example.org"),
				arguments("hostname", "localhost", "localhost"), arguments("ip", "192.0.2.10", "192.0.2.10"),
				arguments("ip", "2001:db8::1", "2001:db8::1"), arguments("ip", "::ffff:192.0.2.1", "::ffff:192.0.2.1"),
				arguments("ip", "::", "::"), arguments("port", 8080, 8080L), arguments("port", "443", 443L),
				arguments("path", "/srv/data", "/srv/data"), arguments("regex", "^[a-z]+$", "^[a-z]+$"),
				arguments("duration", "30s", "30s"), arguments("duration", "5m", "5m"),
				arguments("duration", "1h30m", "1h30m"), arguments("duration", "250ms", "250ms"),
				arguments("size", "10M", "10M"), arguments("size", "512K", "512K"), arguments("size", "1.5G", "1.5G"),
				arguments("size", "100", "100"), arguments("size", "10MiB", "10MiB"),
				arguments("cron", "*/30 * * * *", "*/30 * * * *"),
				arguments("cron", "0 3 * * mon-fri", "0 3 * * mon-fri"),
				arguments("cron", "0,15,30,45 8-18/2 1 jan,jul 0", "0,15,30,45 8-18/2 1 jan,jul 0"),
				arguments("cron", "@daily", "@daily"),
				arguments("list", List.of("a@example.org", "b@example.org"), List.of("a@example.org", "b@example.org")),
				// GH-15: Django's ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS, a redis URL
				arguments("host_pattern", "*", "*"), arguments("host_pattern", ".example.com", ".example.com"),
				arguments("host_pattern", "library.test", "library.test"),
				arguments("host_pattern", "127.0.0.1", "127.0.0.1"), arguments("host_pattern", "[::1]", "[::1]"),
				arguments("origin_pattern", "https://*.example.com", "https://*.example.com"),
				arguments("origin_pattern", "http://localhost:8000", "http://localhost:8000"),
				arguments("origin_pattern", "https://library.test", "https://library.test"),
				arguments("redis", "redis://localhost:6379/0", "redis://localhost:6379/0"), arguments("redis",
						"rediss://:secret@cache.example.org:6380/1", "rediss://:secret@cache.example.org:6380/1"));
	}

	@ParameterizedTest(name = "{0} accepts {1}")
	@MethodSource("goodValues")
	void acceptsAndCoercesGoodValues(String widget, Object value, Object coerced) {
		ValidationResult result = validate(widget, value);
		assertThat(result.errors()).isEmpty();
		assertThat(result.values().get("w").get(widget)).isEqualTo(coerced);
	}

	static Stream<Arguments> badValues() {
		String url = "not a valid URL: expected http:// or https:// followed by a host name";
		String duration = "not a valid duration: use a number and a unit (ms, s, m, h, d), such as 30s, 5m or 1h30m";
		String size = "not a valid size: use a number and an optional unit (B, K, M, G, T), such as 512K or 10M";
		return Stream.of(arguments("text", "hello world!", "w.text", "must be at most 10 characters long"),
				arguments("text", "a\nb", "w.text", "must be a single line"),
				arguments("text", List.of("x"), "w.text", "must be text"),
				arguments("textarea", "x".repeat(21), "w.textarea", "must be at most 20 characters long"),
				arguments("secret", "short", "w.secret", "must be at least 8 characters long"),
				arguments("integer", 501, "w.integer", "must be at most 500"),
				arguments("integer", 0, "w.integer", "must be at least 1"),
				arguments("integer", "abc", "w.integer", "must be a whole number"),
				arguments("integer", 1.5, "w.integer", "must be a whole number"),
				arguments("number", 1.5, "w.number", "must be at most 1"),
				arguments("number", "x", "w.number", "must be a number"),
				arguments("boolean", "maybe", "w.boolean", "must be true or false"),
				arguments("choice", "blue", "w.choice", "must be one of: light, dark"),
				arguments("multichoice", List.of("a", "d"), "w.multichoice[1]", "must be one of: a, b, c"),
				arguments("multichoice", List.of("a", "b", "c"), "w.multichoice", "must have at most 2 items"),
				arguments("email", "admin@", "w.email", "not a valid e-mail address"),
				arguments("email", "a b@example.org", "w.email", "not a valid e-mail address"),
				arguments("email", "admin@localhost", "w.email", "not a valid e-mail address"),
				arguments("url", "ftp://example.org", "w.url", url), arguments("url", "http://", "w.url", url),
				arguments("url", "example.org", "w.url", url),
				arguments("url", "redis://localhost:6379/0", "w.url", url),
				arguments("redis", "https://example.org", "w.redis",
						"not a valid URL: expected redis:// or rediss://..."),
				arguments("redis", "redis://bad_host:6379", "w.redis",
						"not a valid URL: expected redis:// or rediss://..."),
				arguments("host_pattern", "*.example.com", "w.host_pattern",
						"not a valid host name pattern: expected a host name (www.example.org), .example.org for a "
								+ "domain and its subdomains, * for any host, or an IP address (write .example.com "
								+ "rather than *.example.com)"),
				arguments("host_pattern", "https://example.com", "w.host_pattern",
						"not a valid host name pattern: expected a host name (www.example.org), .example.org for a "
								+ "domain and its subdomains, * for any host, or an IP address"),
				arguments("origin_pattern", "example.com", "w.origin_pattern",
						"not a valid origin: expected http or https:// and a host name with an optional port and no "
								+ "path, such as https://example.org or https://*.example.org"),
				arguments("origin_pattern", "https://example.com/path", "w.origin_pattern",
						"not a valid origin: expected http or https:// and a host name with an optional port and no "
								+ "path, such as https://example.org or https://*.example.org"),
				arguments("hostname", "-bad.example", "w.hostname", "not a valid host name"),
				arguments("hostname", "a_b.example", "w.hostname", "not a valid host name"),
				arguments("hostname", "x".repeat(64) + ".org", "w.hostname", "not a valid host name"),
				arguments("ip", "256.1.1.1", "w.ip", "not a valid IP address"),
				arguments("ip", "2001:db8:::1", "w.ip", "not a valid IP address"),
				arguments("ip", "1:2:3:4:5:6:7:8:9", "w.ip", "not a valid IP address"),
				arguments("port", 0, "w.port", "must be at least 1"),
				arguments("port", 70000, "w.port", "must be at most 65535"),
				arguments("port", "http", "w.port", "must be a whole number"),
				arguments("path", "/a\u0000b", "w.path", "not a valid path: it must not contain control characters"),
				arguments("regex", "^(ab$", "w.regex",
						"not a valid regular expression: Unclosed group near position 5"),
				arguments("duration", "30", "w.duration", duration),
				arguments("duration", "5 minutes", "w.duration", duration), arguments("size", "ten", "w.size", size),
				arguments("size", "10X", "w.size", size),
				arguments("cron", "* * * *", "w.cron",
						"not a valid cron expression: expected 5 fields (minute hour day-of-month month day-of-week), "
								+ "such as */30 * * * *"),
				arguments("cron", "61 * * * *", "w.cron",
						"not a valid cron expression: minute 61 is out of range 0-59"),
				arguments("cron", "0 0 * 13 *", "w.cron", "not a valid cron expression: month 13 is out of range 1-12"),
				arguments("cron", "0 0 * * fri-mon", "w.cron",
						"not a valid cron expression: day of week range 'fri-mon' goes backwards"),
				arguments("list", List.of("a@example.org", "nope"), "w.list[1]", "not a valid e-mail address"),
				arguments("list", List.of("a@x.org", "b@x.org", "c@x.org", "d@x.org"), "w.list",
						"must have at most 3 items"),
				arguments("list", Map.of("a", 1), "w.list", "must be a list"));
	}

	@ParameterizedTest(name = "{0} rejects {1}")
	@MethodSource("badValues")
	void rejectsBadValuesWithAnActionableMessage(String widget, Object value, String path, String message) {
		assertThat(validate(widget, value).errors()).containsExactly(new Problem(path, message));
	}

	@Test
	void everyStandardWidgetIsCovered() {
		Set<String> covered = new java.util.TreeSet<>();
		goodValues().forEach((arguments) -> covered.add((String) arguments.get()[0]));
		badValues().forEach((arguments) -> covered.add((String) arguments.get()[0]));
		// a url field with schemes
		covered.remove("redis");
		assertThat(covered).containsExactlyInAnyOrderElementsOf(
				reader.widgets().widgets().stream().filter((widget) -> !widget.site()).map(Widget::name).toList());
	}

	@Test
	void returnsEveryFailingFieldAtOnce() {
		Map<String, Object> submitted = new LinkedHashMap<>();
		submitted.put("integer", 501);
		submitted.put("email", "nope");
		submitted.put("list", List.of("a@x.org", "b@x.org", "bad"));
		submitted.put("colour", "red");
		ValidationResult result = this.values.merge(spec, Map.of("w", submitted, "other", Map.of()), Map.of());
		assertThat(result.errors()).containsExactlyInAnyOrder(new Problem("w.colour", "unknown field"),
				new Problem("other", "unknown section (expected one of: w)"),
				new Problem("w.integer", "must be at most 500"), new Problem("w.email", "not a valid e-mail address"),
				new Problem("w.list[2]", "not a valid e-mail address"));
	}

	@Test
	void extraPatternAppliesToAnyFieldWithItsOwnMessage() {
		ConfigSpec patterned = reader.read("configuration.yaml", """
				sections:
				  - name: s
				    fields:
				      - {name: code, widget: text, pattern: "^[A-Z]{3}$", pattern_message: "use three capital letters"}
				      - {name: even, widget: integer, pattern: "^\\\\d*[02468]$"}
				      - {name: title, widget: text, required: true}
				""");
		ValidationResult result = this.values.merge(patterned, Map.of("s", Map.of("code", "abc", "even", 3)), Map.of());
		assertThat(result.errors()).containsExactly(new Problem("s.code", "use three capital letters"),
				new Problem("s.even", "must match the pattern ^\\d*[02468]$"),
				new Problem("s.title", "a value is required"));
	}

	private ValidationResult validate(String widget, @Nullable Object value) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put(widget, value);
		return this.values.merge(spec, Map.of("w", fields), Map.of());
	}

}
