package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyapp.server.core.Problem;

/**
 * Carries stored values over from one spec to the next (see
 * {@link AppConfigurator#migrate}).
 */
final class ConfigMigrator {

	private ConfigMigrator() {
	}

	static ConfigMigration migrate(ConfigSpec oldSpec, ConfigSpec newSpec, Map<String, ? extends Map<String, ?>> stored,
			FieldChecker checker) {
		Map<String, Map<String, Object>> values = new LinkedHashMap<>();
		List<String> kept = new ArrayList<>();
		List<String> filled = new ArrayList<>();
		List<String> missing = new ArrayList<>();
		List<Problem> invalid = new ArrayList<>();
		for (ConfigSpec.Section section : newSpec.sections()) {
			Map<String, Object> sectionValues = new LinkedHashMap<>();
			Map<String, ?> storedSection = stored.get(section.name());
			for (ConfigSpec.Field field : section.fields()) {
				String path = section.name() + "." + field.name();
				Object value = (storedSection != null) ? storedSection.get(field.name()) : null;
				Object migrated = null;
				if (!ConfigValues.isBlank(value)) {
					FieldChecker.Outcome outcome = checker.check(field, value, path);
					if (outcome.problems().isEmpty()) {
						migrated = outcome.value();
						kept.add(path);
					}
					else {
						invalid.addAll(outcome.problems());
					}
				}
				if (migrated == null && field.defaultValue() != null) {
					migrated = field.defaultValue();
					filled.add(path);
				}
				if (migrated != null) {
					sectionValues.put(field.name(), migrated);
				}
				else if (field.required()) {
					missing.add(path);
				}
			}
			values.put(section.name(), sectionValues);
		}
		return new ConfigMigration(values, kept, filled, removed(oldSpec, newSpec, stored), missing, invalid);
	}

	private static List<String> removed(ConfigSpec oldSpec, ConfigSpec newSpec,
			Map<String, ? extends Map<String, ?>> stored) {
		Set<String> removed = new LinkedHashSet<>();
		for (ConfigSpec.Section section : oldSpec.sections()) {
			for (ConfigSpec.Field field : section.fields()) {
				if (newSpec.field(section.name(), field.name()).isEmpty()) {
					removed.add(section.name() + "." + field.name());
				}
			}
		}
		stored.forEach((section, fields) -> fields.forEach((field, value) -> {
			if (value != null && newSpec.field(section, field).isEmpty()) {
				removed.add(section + "." + field);
			}
		}));
		return List.copyOf(removed);
	}

}
