package dev.pyapp.server.appconfig.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.YamlLoader;
import org.jspecify.annotations.Nullable;

/**
 * Parses {@code configuration.yaml} into a {@link RawSpec}: the structure (a mapping with
 * {@code sections}, each with {@code fields}) is checked here, the meaning in
 * {@code SpecBuilder}.
 */
public final class YamlSpecParser {

	private static final Set<String> TOP_KEYS = Set.of("format", "output", "sections");

	private YamlSpecParser() {
	}

	public static @Nullable RawSpec parse(String fileName, String content, List<Problem> problems) {
		Object document;
		try {
			document = SafeYaml.load(fileName, content);
		}
		catch (YamlLoader.InvalidYamlException ex) {
			problems.add(new Problem("", ex.reason()));
			return null;
		}
		if (!(document instanceof Map<?, ?> map)) {
			problems.add(new Problem("", "must be a YAML mapping with format, output and sections"));
			return null;
		}
		Props top = new Props(Props.stringKeys(map), "", problems);
		top.rejectUnknown(TOP_KEYS, "key");
		Map<String, @Nullable Object> topKeys = new LinkedHashMap<>(top.keys().size());
		topKeys.put("format", top.raw("format"));
		topKeys.put("output", top.raw("output"));
		List<RawSpec.Section> sections = new ArrayList<>();
		for (Indexed section : list(top.raw("sections"), "sections", problems)) {
			Map<String, @Nullable Object> props = new LinkedHashMap<>(section.map());
			Object fieldList = props.remove("fields");
			List<RawSpec.Field> fields = new ArrayList<>();
			for (Indexed field : list(fieldList, section.path() + ".fields", problems)) {
				fields.add(new RawSpec.Field(field.path(), field.path() + ".name", field.map()));
			}
			sections.add(new RawSpec.Section(section.path(), section.path() + ".name", props, fields));
		}
		return new RawSpec(topKeys, sections);
	}

	private static List<Indexed> list(@Nullable Object value, String path, List<Problem> problems) {
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			problems.add(new Problem(path, "must be a list"));
			return List.of();
		}
		List<Indexed> elements = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			String elementPath = path + "[" + i + "]";
			if (list.get(i) instanceof Map<?, ?> element) {
				elements.add(new Indexed(elementPath, Props.stringKeys(element)));
			}
			else {
				problems.add(new Problem(elementPath, "must be a mapping"));
			}
		}
		return elements;
	}

	private record Indexed(String path, Map<String, @Nullable Object> map) {
	}

}
