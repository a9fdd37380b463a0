package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The params of a call as the audit log keeps them: what only this adapter knows is a
 * secret is masked here (the values of {@code secret} fields in {@code config.set} and
 * {@code config.validate}; every value of {@code apps.env.set}, which often holds
 * credentials, and whatever follows a {@code =} in its names and in its {@code unset});
 * the audit log then masks whatever is named like a secret.
 */
@Component
class AuditParams {

	static final String MASK = "***";

	private final JsonMapper mapper;

	private final AppConfigurator configurator;

	AuditParams(JsonMapper mapper, AppConfigurator configurator) {
		this.mapper = mapper;
		this.configurator = configurator;
	}

	@Nullable Object of(String method, @Nullable JsonNode params) {
		if (params == null || params.isNull()) {
			return null;
		}
		Object plain = this.mapper.convertValue(params, Object.class);
		if (!(plain instanceof Map<?, ?> map)) {
			return plain;
		}
		Map<String, Object> copy = new LinkedHashMap<>();
		map.forEach((key, value) -> copy.put(String.valueOf(key), value));
		if ("apps.env.set".equals(method) && copy.containsKey("env")) {
			if (copy.get("env") instanceof Map<?, ?> env) {
				// the names say what changed; no value is kept
				Map<String, Object> masked = new LinkedHashMap<>();
				env.forEach((key, value) -> masked.put(EnvValues.shown(String.valueOf(key)), MASK));
				copy.put("env", masked);
			}
			else if (copy.get("env") != null) {
				// refused as invalid params, but recorded: "K=V" text holds a value too
				copy.put("env", MASK);
			}
		}
		if ("apps.env.set".equals(method) && copy.containsKey("unset")) {
			copy.put("unset", names(copy.get("unset")));
		}
		if (("config.set".equals(method) || "config.validate".equals(method))
				&& copy.get("values") instanceof Map<?, ?> values && copy.get("name") instanceof String name) {
			copy.put("values", maskSecrets(name, values));
		}
		return copy;
	}

	/**
	 * The names of {@code apps.env.set}'s {@code unset}: a {@code NAME=value} given by
	 * mistake keeps its name only, anything but a list of text nothing.
	 */
	private static @Nullable Object names(@Nullable Object unset) {
		if (unset == null) {
			return null;
		}
		if (!(unset instanceof List<?> names)) {
			return MASK;
		}
		return names.stream().map((name) -> (name instanceof String text) ? EnvValues.shown(text) : MASK).toList();
	}

	private Map<String, Object> maskSecrets(String name, Map<?, ?> values) {
		ConfigSpec spec;
		try {
			spec = this.configurator.spec(AppId.of(name));
		}
		catch (RuntimeException ex) {
			// no spec to tell secrets by (an unknown app): keep no value at all
			spec = null;
		}
		Map<String, Object> masked = new LinkedHashMap<>();
		for (Map.Entry<?, ?> section : values.entrySet()) {
			String sectionName = String.valueOf(section.getKey());
			if (!(section.getValue() instanceof Map<?, ?> fields)) {
				masked.put(sectionName, MASK);
				continue;
			}
			Map<String, Object> maskedFields = new LinkedHashMap<>();
			for (Map.Entry<?, ?> field : fields.entrySet()) {
				String fieldName = String.valueOf(field.getKey());
				boolean secret = spec == null
						|| spec.field(sectionName, fieldName).map(ConfigSpec.Field::secret).orElse(true);
				maskedFields.put(fieldName, secret ? MASK : field.getValue());
			}
			masked.put(sectionName, maskedFields);
		}
		return masked;
	}

}
