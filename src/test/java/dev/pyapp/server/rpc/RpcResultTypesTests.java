package dev.pyapp.server.rpc;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RPC results are records with the contract's field names, so the compiler checks the
 * contract: no method returns a hand-built map, and no record of a result hides one
 * inside (a map's values must have a type, as {@code env}'s strings do).
 */
class RpcResultTypesTests {

	/**
	 * Members whose value is free-form JSON by contract: a field's default and options
	 * and an app's configuration values are whatever the app's spec declares; an audit
	 * record keeps the params as the caller sent them (secrets masked) and the error as
	 * it was answered.
	 */
	private static final Set<String> FREE_FORM = Set.of("ConfigRpc$FieldView.options",
			"ConfigRpc$FieldView.defaultValue", "ConfigRpc$ValidationView.choices", "ConfigRpc$Values.values",
			"ConfigRpc$Saved.values", "AuditRecord.params", "AuditRecord.error");

	@Test
	void noMethodReturnsAMap() {
		RpcMethodRegistry registry = RpcRoleTableTests.registry();
		Set<String> maps = new TreeSet<>();
		for (String name : registry.names()) {
			String type = registry.find(name).method().getGenericReturnType().getTypeName();
			if (type.contains("java.util.Map")) {
				maps.add(name);
			}
		}
		assertThat(maps).as("methods returning a map (return a record instead)").isEmpty();
	}

	@Test
	void noResultHidesAnUntypedMapOrObject() {
		RpcMethodRegistry registry = RpcRoleTableTests.registry();
		Set<String> untyped = new TreeSet<>();
		for (String name : registry.names()) {
			Type type = registry.find(name).method().getGenericReturnType();
			untyped(type, name, new HashSet<>(), untyped);
		}
		assertThat(untyped).as("results with a member of type Object or Map<?, Object> (give it a record)").isEmpty();
	}

	@Test // trial: logs.stats answered droppedBySenders, storeAvailable, cutBatches...
	void everyMemberOfEveryResultIsNamedInSnakeCase() {
		RpcMethodRegistry registry = RpcRoleTableTests.registry();
		Set<String> camel = new TreeSet<>();
		for (String name : registry.names()) {
			names(registry.find(name).method().getGenericReturnType(), name, new HashSet<>(), camel);
		}
		assertThat(camel).as("JSON members not in snake_case (name them with @JsonProperty)").isEmpty();
	}

	private static void names(Type type, String where, Set<Type> seen, Set<String> found) {
		if (!seen.add(type)) {
			return;
		}
		if (type instanceof ParameterizedType parameterized) {
			names(parameterized.getRawType(), where, seen, found);
			for (Type argument : parameterized.getActualTypeArguments()) {
				names(argument, where, seen, found);
			}
		}
		else if (type instanceof GenericArrayType array) {
			names(array.getGenericComponentType(), where, seen, found);
		}
		else if (type instanceof WildcardType wildcard) {
			for (Type bound : wildcard.getUpperBounds()) {
				names(bound, where, seen, found);
			}
		}
		else if (type instanceof Class<?> type1 && type1.isRecord()) {
			for (RecordComponent component : type1.getRecordComponents()) {
				if (component.getAccessor().isAnnotationPresent(JsonIgnore.class)) {
					continue;
				}
				JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
				String json = (property != null && !property.value().isEmpty()) ? property.value()
						: component.getName();
				if (!json.matches("[a-z][a-z0-9_]*")) {
					found.add(where + ": " + type1.getSimpleName() + "." + json);
				}
				names(component.getGenericType(), where, seen, found);
			}
		}
		else if (type instanceof Class<?> type1 && type1.isSealed()) {
			for (Class<?> permitted : type1.getPermittedSubclasses()) {
				names(permitted, where, seen, found);
			}
		}
	}

	private static void untyped(Type type, String where, Set<Type> seen, Set<String> found) {
		if (!seen.add(type)) {
			return;
		}
		if (type instanceof ParameterizedType parameterized) {
			Class<?> raw = (Class<?>) parameterized.getRawType();
			Type[] arguments = parameterized.getActualTypeArguments();
			if (Map.class.isAssignableFrom(raw) && isObject(arguments[arguments.length - 1])) {
				found.add(where + ": " + type.getTypeName());
				return;
			}
			if (raw.isRecord() || raw.isSealed()) {
				untyped(raw, where, seen, found);
			}
			for (Type argument : arguments) {
				untyped(argument, where, seen, found);
			}
		}
		else if (type instanceof GenericArrayType array) {
			untyped(array.getGenericComponentType(), where, seen, found);
		}
		else if (type instanceof WildcardType wildcard) {
			for (Type bound : wildcard.getUpperBounds()) {
				untyped(bound, where, seen, found);
			}
		}
		else if (type instanceof Class<?> type1) {
			if (type1 == Object.class || Map.class.isAssignableFrom(type1)) {
				found.add(where + ": " + type1.getName());
			}
			else if (type1.isRecord()) {
				for (RecordComponent component : type1.getRecordComponents()) {
					String member = type1.getName().substring(type1.getPackageName().length() + 1) + "."
							+ component.getName();
					if (!FREE_FORM.contains(member)) {
						untyped(component.getGenericType(), where + " " + member, seen, found);
					}
				}
			}
			else if (type1.isSealed()) {
				for (Class<?> permitted : type1.getPermittedSubclasses()) {
					untyped(permitted, where, seen, found);
				}
			}
		}
	}

	private static boolean isObject(Type type) {
		return type == Object.class || (type instanceof WildcardType wildcard && wildcard.getUpperBounds().length == 1
				&& wildcard.getUpperBounds()[0] == Object.class);
	}

}
