package dev.pyapp.server.rpc;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Checks the JSON type of every param against the record it binds to, before binding:
 * Jackson would coerce {@code {"name": 5}} to the string {@code "5"} (then answered as an
 * unknown app) and {@code "true"} to a boolean. A string param takes a JSON string only,
 * a number param a number (an integer one an integral number), a boolean param
 * {@code true} or {@code false}, a list an array and a map or record an object; the
 * elements of lists and maps and the members of nested records are checked the same way.
 * {@code null} is left to the missing-param check.
 */
final class ParamTypes {

	private ParamTypes() {
	}

	/**
	 * @param type the params record
	 * @param params the params by name
	 * @return one {@code 'path' must be …, got …} per param of the wrong type, in the
	 * record's order; empty when all fit
	 */
	static List<String> problems(Class<?> type, JsonNode params) {
		return errors(type, params).stream().map((problem) -> "'" + problem.path() + "' " + problem.message()).toList();
	}

	/**
	 * @param type the params record
	 * @param params the params by name
	 * @return one {@code {path, message: "must be …, got …"}} per param of the wrong
	 * type, in the record's order; empty when all fit
	 */
	static List<ProblemView> errors(Class<?> type, JsonNode params) {
		List<ProblemView> problems = new ArrayList<>();
		check(type, params, "", problems);
		return problems;
	}

	private static void check(Class<?> record, JsonNode params, String prefix, List<ProblemView> problems) {
		for (RecordComponent component : record.getRecordComponents()) {
			String name = jsonName(component);
			check(component.getGenericType(), params.get(name), prefix + name, problems);
		}
	}

	private static void check(Type type, @Nullable JsonNode value, String path, List<ProblemView> problems) {
		if (value == null || value.isNull()) {
			return;
		}
		Class<?> raw = raw(type);
		String expected = expected(raw);
		if (expected != null && !fits(raw, value)) {
			problems.add(new ProblemView(path, "must be " + expected + ", got " + kind(value)));
			return;
		}
		if (raw.isRecord()) {
			check(raw, value, path + ".", problems);
		}
		else if (Collection.class.isAssignableFrom(raw)) {
			Type element = argument(type, 0);
			for (int i = 0; i < value.size(); i++) {
				check(element, value.get(i), path + "[" + i + "]", problems);
			}
		}
		else if (Map.class.isAssignableFrom(raw)) {
			Type member = argument(type, 1);
			for (var entry : value.properties()) {
				check(member, entry.getValue(), path + "." + entry.getKey(), problems);
			}
		}
	}

	/**
	 * What a type takes, or {@code null} for anything (Object, JsonNode, other types).
	 */
	private static @Nullable String expected(Class<?> type) {
		if (type == String.class || type.isEnum()) {
			return "a string";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "a boolean";
		}
		if (integral(type)) {
			return "an integer";
		}
		if (type == Double.class || type == double.class || type == Float.class || type == float.class
				|| type == BigDecimal.class) {
			return "a number";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "an array";
		}
		if (Map.class.isAssignableFrom(type) || type.isRecord()) {
			return "an object";
		}
		return null;
	}

	private static boolean fits(Class<?> type, JsonNode value) {
		if (type == String.class || type.isEnum()) {
			return value.isString();
		}
		if (type == Boolean.class || type == boolean.class) {
			return value.isBoolean();
		}
		if (integral(type)) {
			return value.isIntegralNumber();
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return value.isArray();
		}
		if (Map.class.isAssignableFrom(type) || type.isRecord()) {
			return value.isObject();
		}
		return value.isNumber();
	}

	private static boolean integral(Class<?> type) {
		return type == Integer.class || type == int.class || type == Long.class || type == long.class
				|| type == Short.class || type == short.class || type == BigInteger.class;
	}

	private static String kind(JsonNode value) {
		if (value.isString()) {
			return "a string";
		}
		if (value.isBoolean()) {
			return "a boolean";
		}
		if (value.isNumber()) {
			return "a number";
		}
		if (value.isArray()) {
			return "an array";
		}
		return "an object";
	}

	private static Class<?> raw(Type type) {
		if (type instanceof Class<?> raw) {
			return raw;
		}
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
			return raw;
		}
		return Object.class;
	}

	private static Type argument(Type type, int index) {
		if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
			return parameterized.getActualTypeArguments()[index];
		}
		return Object.class;
	}

	/**
	 * The name a component has in JSON. {@code @JsonProperty} cannot target a record
	 * component: Java puts it on the accessor (and the field and the constructor's
	 * parameter), not on the component.
	 * @param component the record component
	 * @return its {@code @JsonProperty} name, else its own
	 */
	static String jsonName(RecordComponent component) {
		JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
		return (property != null && !property.value().isEmpty()) ? property.value() : component.getName();
	}

}
