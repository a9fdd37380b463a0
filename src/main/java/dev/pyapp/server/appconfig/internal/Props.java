package dev.pyapp.server.appconfig.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.pyapp.server.appconfig.BaseType;
import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Typed access to one mapping of a spec or widget file that records every problem (with
 * its path) instead of stopping at the first.
 */
public final class Props {

	private final Map<String, @Nullable Object> map;

	private final String path;

	private final List<Problem> problems;

	public Props(Map<String, @Nullable Object> map, String path, List<Problem> problems) {
		this.map = map;
		this.path = path;
		this.problems = problems;
	}

	public String path() {
		return this.path;
	}

	public String path(String key) {
		return this.path.isEmpty() ? key : this.path + "." + key;
	}

	List<Problem> problems() {
		return this.problems;
	}

	public boolean has(String key) {
		return this.map.get(key) != null;
	}

	public @Nullable Object raw(String key) {
		return this.map.get(key);
	}

	public Set<String> keys() {
		return this.map.keySet();
	}

	public void problem(String key, String message) {
		this.problems.add(new Problem(path(key), message));
	}

	/** Reports every key that is not in {@code allowed}. */
	public void rejectUnknown(Set<String> allowed, String what) {
		for (String key : this.map.keySet()) {
			if (!allowed.contains(key)) {
				problem(key, "unknown " + what + " '" + key + "' (expected one of: "
						+ String.join(", ", new TreeSet<>(allowed)) + ")");
			}
		}
	}

	public @Nullable String text(String key) {
		Object value = this.map.get(key);
		if (value == null) {
			return null;
		}
		if (value instanceof String || value instanceof Number || value instanceof Boolean) {
			return value.toString();
		}
		problem(key, "must be text");
		return null;
	}

	public String requiredText(String key) {
		String value = text(key);
		if (value == null || value.isBlank()) {
			if (!this.map.containsKey(key) || this.map.get(key) == null) {
				problem(key, "is required");
			}
			else if (value != null) {
				problem(key, "must not be empty");
			}
			return "";
		}
		return value;
	}

	public boolean bool(String key, boolean fallback) {
		Object value = this.map.get(key);
		if (value == null) {
			return fallback;
		}
		if (value instanceof Boolean flag) {
			return flag;
		}
		if ("true".equals(value) || "false".equals(value)) {
			return Boolean.parseBoolean((String) value);
		}
		problem(key, "must be true or false");
		return fallback;
	}

	public @Nullable Integer count(String key) {
		Object value = this.map.get(key);
		if (value == null) {
			return null;
		}
		try {
			Object coerced = Coercion.coerce(value, BaseType.INTEGER);
			long number = (Long) coerced;
			if (number < 0 || number > Integer.MAX_VALUE) {
				problem(key, "must be a whole number of at least 0");
				return null;
			}
			return (int) number;
		}
		catch (Coercion.Failure ex) {
			problem(key, "must be a whole number of at least 0");
			return null;
		}
	}

	public List<String> names(String key) {
		Object value = this.map.get(key);
		if (value == null) {
			return List.of();
		}
		if (!(value instanceof List<?> list)) {
			problem(key, "must be a list of names");
			return List.of();
		}
		List<String> names = new ArrayList<>();
		for (Object element : list) {
			if (element instanceof String name && !name.isBlank()) {
				names.add(name);
			}
			else {
				problem(key, "must be a list of names");
			}
		}
		return names;
	}

	public @Nullable Props child(String key) {
		Object value = this.map.get(key);
		if (value == null) {
			return null;
		}
		if (value instanceof Map<?, ?> child) {
			return new Props(stringKeys(child), path(key), this.problems);
		}
		problem(key, "must be a mapping");
		return null;
	}

	@SuppressWarnings("unchecked")
	public static Map<String, @Nullable Object> stringKeys(Map<?, ?> map) {
		for (Object key : map.keySet()) {
			if (!(key instanceof String)) {
				LinkedHashMap<String, @Nullable Object> copy = new LinkedHashMap<>();
				map.forEach((k, v) -> copy.put(String.valueOf(k), v));
				return copy;
			}
		}
		return (Map<String, @Nullable Object>) map;
	}

}
