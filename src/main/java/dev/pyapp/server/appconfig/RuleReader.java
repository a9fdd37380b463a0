package dev.pyapp.server.appconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.appconfig.internal.BuiltInValidators;
import dev.pyapp.server.appconfig.internal.Coercion;
import dev.pyapp.server.appconfig.internal.Props;

/**
 * Reads validation rules, from a widget file's {@code validation} block or from a field's
 * options, with the same names in both: {@code pattern}, {@code pattern_message},
 * {@code min}, {@code max}, {@code min_length}, {@code max_length}, {@code min_items},
 * {@code max_items}, {@code choices}, {@code validator}, {@code schemes}.
 */
final class RuleReader {

	/** Every rule a widget file may give. */
	static final Set<String> RULES = Set.of("pattern", "pattern_message", "min", "max", "min_length", "max_length",
			"min_items", "max_items", "choices", "validator", "schemes");

	/**
	 * A URL scheme (RFC 3986): a letter, then letters, digits, {@code +}, {@code -},
	 * {@code .}.
	 */
	private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("[a-z][a-z0-9+.-]{0,31}");

	private RuleReader() {
	}

	/**
	 * Reads the rules present in {@code props}; other keys are ignored.
	 * @param props the mapping; problems are recorded in it
	 * @param valueType the type of a value (of an entry, for a list)
	 * @return the rules
	 */
	static Validation read(Props props, BaseType valueType) {
		List<Validation.PatternRule> patterns = new ArrayList<>();
		String pattern = props.text("pattern");
		String patternMessage = props.text("pattern_message");
		if (pattern != null) {
			try {
				FieldChecker.compile(pattern);
				patterns.add(new Validation.PatternRule(pattern, patternMessage));
			}
			catch (PatternSyntaxException ex) {
				props.problem("pattern", BuiltInValidators.regex(pattern));
			}
		}
		else if (patternMessage != null) {
			props.problem("pattern_message", "is only used with a pattern");
		}
		Number min = bound(props, "min", valueType);
		Number max = bound(props, "max", valueType);
		if (min != null && max != null && Validation.compare(min, max) > 0) {
			props.problem("max", "must not be less than min (" + FieldChecker.plain(min) + ")");
		}
		Integer minLength = props.count("min_length");
		Integer maxLength = props.count("max_length");
		checkOrder(props, "min_length", minLength, "max_length", maxLength);
		Integer minItems = props.count("min_items");
		Integer maxItems = props.count("max_items");
		checkOrder(props, "min_items", minItems, "max_items", maxItems);
		return new Validation(patterns, min, max, minLength, maxLength, minItems, maxItems, choices(props, valueType),
				validator(props), schemes(props));
	}

	private static @Nullable Number bound(Props props, String key, BaseType valueType) {
		Object raw = props.raw(key);
		if (raw == null) {
			return null;
		}
		if (!valueType.isNumeric()) {
			props.problem(key, "only applies to numbers");
			return null;
		}
		try {
			return (Number) Coercion.coerce(raw, valueType);
		}
		catch (Coercion.Failure ex) {
			props.problem(key, ex.getMessage());
			return null;
		}
	}

	private static void checkOrder(Props props, String minKey, @Nullable Integer min, String maxKey,
			@Nullable Integer max) {
		if (min != null && max != null && min > max) {
			props.problem(maxKey, "must not be less than " + minKey + " (" + min + ")");
		}
	}

	private static @Nullable List<Object> choices(Props props, BaseType valueType) {
		Object raw = props.raw("choices");
		if (raw == null) {
			return null;
		}
		if (!(raw instanceof List<?> list) || list.isEmpty()) {
			props.problem("choices", "must be a list of at least one value");
			return null;
		}
		List<Object> choices = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			try {
				Object choice = Coercion.coerce((list.get(i) != null) ? list.get(i) : "", valueType);
				if (choices.contains(choice)) {
					props.problem("choices[" + i + "]", "repeats '" + FieldChecker.plain(choice) + "'");
				}
				choices.add(choice);
			}
			catch (Coercion.Failure ex) {
				props.problem("choices[" + i + "]", ex.getMessage());
			}
		}
		return choices;
	}

	private static @Nullable List<String> schemes(Props props) {
		Object raw = props.raw("schemes");
		if (raw == null) {
			return null;
		}
		if (!(raw instanceof List<?> list) || list.isEmpty() || list.size() > 20) {
			props.problem("schemes", "must be a list of 1 to 20 URL schemes, such as [redis, rediss]");
			return null;
		}
		List<String> schemes = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			String scheme = String.valueOf(list.get(i)).toLowerCase(Locale.ROOT);
			if (!SCHEME.matcher(scheme).matches()) {
				props.problem("schemes[" + i + "]",
						"'" + list.get(i) + "' is not a URL scheme: a letter, then letters, digits, '+', '-' or '.'");
			}
			else if (!schemes.contains(scheme)) {
				schemes.add(scheme);
			}
		}
		return schemes;
	}

	private static @Nullable String validator(Props props) {
		String name = props.text("validator");
		if (name != null && !BuiltInValidators.names().contains(name)) {
			props.problem("validator", "unknown validator '" + name + "' (expected one of: "
					+ String.join(", ", new TreeSet<>(BuiltInValidators.names())) + ")");
			return null;
		}
		return name;
	}

}
