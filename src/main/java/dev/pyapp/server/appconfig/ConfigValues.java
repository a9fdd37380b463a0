package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The rules that combine submitted values with the stored ones: a field that is not
 * submitted keeps its stored value; {@code null} or {@code ""} clears it (back to the
 * default). A secret is kept when it is not submitted, or submitted as {@code null},
 * {@code ""} or {@code {"set": true}} (what {@code config.get} shows), and cleared by
 * {@code {"set": false}}.
 */
final class ConfigValues {

	private final FieldChecker checker;

	ConfigValues(FieldChecker checker) {
		this.checker = checker;
	}

	/**
	 * Validates the values that result from submitting {@code submitted} over
	 * {@code stored}.
	 * @param spec the spec
	 * @param submitted the submitted values, nested; {@code null} to validate the stored
	 * values alone
	 * @param stored the stored values, nested (as read from the config file)
	 * @return every problem and the resulting values
	 */
	ValidationResult merge(ConfigSpec spec, @Nullable Map<String, ?> submitted,
			Map<String, ? extends Map<String, ?>> stored) {
		List<Problem> problems = new ArrayList<>();
		Map<String, Map<String, @Nullable Object>> given = structure(spec, submitted, problems);
		Map<String, Map<String, Object>> values = new LinkedHashMap<>();
		for (ConfigSpec.Section section : spec.sections()) {
			Map<String, Object> sectionValues = new LinkedHashMap<>();
			Map<String, @Nullable Object> sectionGiven = given.getOrDefault(section.name(), Map.of());
			Map<String, ?> sectionStored = stored.get(section.name());
			for (ConfigSpec.Field field : section.fields()) {
				String path = section.name() + "." + field.name();
				Object candidate = (sectionStored != null) ? sectionStored.get(field.name()) : null;
				if (sectionGiven.containsKey(field.name())) {
					Object value = sectionGiven.get(field.name());
					if (field.secret()) {
						candidate = keepsSecret(value) ? candidate : clearsSecret(value) ? null : value;
					}
					else {
						candidate = value;
					}
				}
				if (isBlank(candidate)) {
					candidate = field.defaultValue();
				}
				if (candidate == null) {
					if (field.required()) {
						problems.add(new Problem(path, "a value is required"));
					}
					continue;
				}
				FieldChecker.Outcome outcome = this.checker.check(field, candidate, path);
				problems.addAll(outcome.problems());
				if (outcome.value() != null) {
					sectionValues.put(field.name(), outcome.value());
				}
			}
			values.put(section.name(), sectionValues);
		}
		return new ValidationResult(problems, values);
	}

	/**
	 * The values as {@code config.get} shows them: every field of the spec, stored value
	 * or default (or {@code null}), each secret as {@code {"set": true|false}}.
	 */
	Map<String, Map<String, @Nullable Object>> masked(ConfigSpec spec, Map<String, ? extends Map<String, ?>> stored) {
		Map<String, Map<String, @Nullable Object>> view = new LinkedHashMap<>();
		for (ConfigSpec.Section section : spec.sections()) {
			Map<String, @Nullable Object> sectionView = new LinkedHashMap<>();
			Map<String, ?> sectionStored = stored.get(section.name());
			for (ConfigSpec.Field field : section.fields()) {
				Object value = (sectionStored != null) ? sectionStored.get(field.name()) : null;
				if (isBlank(value)) {
					value = field.defaultValue();
				}
				if (field.secret()) {
					sectionView.put(field.name(), Map.of("set", value != null));
				}
				else {
					FieldChecker.Outcome outcome = (value != null)
							? this.checker.check(field, value, section.name() + "." + field.name()) : null;
					// a stored value the spec rejects is still shown as it is, to
					// be fixed
					sectionView.put(field.name(),
							(outcome != null && outcome.value() != null) ? outcome.value() : value);
				}
			}
			view.put(section.name(), sectionView);
		}
		return view;
	}

	private static Map<String, Map<String, @Nullable Object>> structure(ConfigSpec spec,
			@Nullable Map<String, ?> submitted, List<Problem> problems) {
		Map<String, Map<String, @Nullable Object>> given = new LinkedHashMap<>();
		if (submitted == null) {
			return given;
		}
		submitted.forEach((sectionName, sectionValue) -> {
			ConfigSpec.Section section = spec.section(sectionName).orElse(null);
			if (section == null) {
				problems.add(new Problem(sectionName, "unknown section (expected one of: "
						+ String.join(", ", spec.sections().stream().map(ConfigSpec.Section::name).toList()) + ")"));
				return;
			}
			if (sectionValue == null) {
				return;
			}
			if (!(sectionValue instanceof Map<?, ?> fields)) {
				problems.add(new Problem(sectionName, "must be a mapping of fields to values"));
				return;
			}
			Map<String, @Nullable Object> sectionGiven = given.computeIfAbsent(sectionName,
					(key) -> new LinkedHashMap<>());
			fields.forEach((fieldName, value) -> {
				String name = String.valueOf(fieldName);
				if (section.field(name).isEmpty()) {
					problems.add(new Problem(sectionName + "." + name, "unknown field"));
				}
				else {
					sectionGiven.put(name, value);
				}
			});
		});
		return given;
	}

	private static boolean keepsSecret(@Nullable Object value) {
		return value == null || "".equals(value)
				|| (value instanceof Map<?, ?> map && map.size() == 1 && Boolean.TRUE.equals(map.get("set")));
	}

	private static boolean clearsSecret(@Nullable Object value) {
		return value instanceof Map<?, ?> map && map.size() == 1 && Boolean.FALSE.equals(map.get("set"));
	}

	static boolean isBlank(@Nullable Object value) {
		return value == null || "".equals(value);
	}

}
