package dev.pyapp.server.appconfig;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.pyapp.server.appconfig.internal.BuiltInValidators;
import dev.pyapp.server.appconfig.internal.Coercion;
import dev.pyapp.server.core.DeadlineText;
import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Coerces and checks the value of one field against its resolved validation. Every
 * pattern runs on a {@link DeadlineText} with one deadline per field, so no value and no
 * pattern can hold validation for longer than the configured time.
 */
final class FieldChecker {

	private static final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

	private final Duration patternTimeout;

	FieldChecker(Duration patternTimeout) {
		this.patternTimeout = patternTimeout;
	}

	/**
	 * Coerces and checks a value.
	 * @param field the field
	 * @param raw the value as submitted, not {@code null}
	 * @param path the path problems are reported at, such as {@code site.title}
	 * @return the coerced value (or {@code null} if it could not be coerced) and every
	 * problem
	 */
	Outcome check(ConfigSpec.Field field, Object raw, String path) {
		long deadline = System.nanoTime() + this.patternTimeout.toNanos();
		if (field.type() != BaseType.LIST) {
			try {
				Object value = Coercion.coerce(raw, field.type());
				String message = checkScalar(value, field.type(), field.validation(), deadline);
				return new Outcome(value, (message != null) ? List.of(new Problem(path, message)) : List.of());
			}
			catch (Coercion.Failure ex) {
				return new Outcome(null, List.of(new Problem(path, ex.getMessage())));
			}
		}
		BaseType itemType = (field.itemType() != null) ? field.itemType() : BaseType.STRING;
		List<Object> entries;
		try {
			entries = Coercion.entries(raw);
		}
		catch (Coercion.Failure ex) {
			return new Outcome(null, List.of(new Problem(path, ex.getMessage())));
		}
		List<Problem> problems = new ArrayList<>();
		List<Object> values = new ArrayList<>();
		for (int i = 0; i < entries.size(); i++) {
			String entryPath = path + "[" + i + "]";
			Object entry = entries.get(i);
			if (entry == null) {
				problems.add(new Problem(entryPath, "must not be empty"));
				continue;
			}
			try {
				Object value = Coercion.coerce(entry, itemType);
				String message = checkScalar(value, itemType, field.validation(), deadline);
				if (message != null) {
					problems.add(new Problem(entryPath, message));
				}
				values.add(value);
			}
			catch (Coercion.Failure ex) {
				problems.add(new Problem(entryPath, ex.getMessage()));
			}
		}
		Validation validation = field.validation();
		if (validation.minItems() != null && entries.size() < validation.minItems()) {
			problems.add(new Problem(path, "must have at least " + items(validation.minItems())));
		}
		if (validation.maxItems() != null && entries.size() > validation.maxItems()) {
			problems.add(new Problem(path, "must have at most " + items(validation.maxItems())));
		}
		return new Outcome(problems.isEmpty() ? List.copyOf(values) : null, problems);
	}

	private @Nullable String checkScalar(Object value, BaseType type, Validation validation, long deadline) {
		if (value instanceof String text) {
			int length = text.codePointCount(0, text.length());
			if (validation.maxLength() != null && length > validation.maxLength()) {
				return "must be at most " + characters(validation.maxLength());
			}
			if (validation.minLength() != null && length < validation.minLength()) {
				return "must be at least " + characters(validation.minLength());
			}
			if (validation.validator() != null) {
				String message = BuiltInValidators.check(validation.validator(), text, validation.schemes());
				if (message != null) {
					return message;
				}
			}
		}
		if (type.isNumeric() && value instanceof Number number) {
			if (validation.min() != null && Validation.compare(number, validation.min()) < 0) {
				return "must be at least " + plain(validation.min());
			}
			if (validation.max() != null && Validation.compare(number, validation.max()) > 0) {
				return "must be at most " + plain(validation.max());
			}
		}
		if (validation.choices() != null && !validation.choices().contains(value)) {
			return "must be one of: "
					+ validation.choices().stream().map(FieldChecker::plain).collect(Collectors.joining(", "));
		}
		String text = plain(value);
		for (Validation.PatternRule rule : validation.patterns()) {
			try {
				if (!compile(rule.regex()).matcher(new DeadlineText(text, deadline)).matches()) {
					return (rule.message() != null) ? rule.message() : "must match the pattern " + rule.regex();
				}
			}
			catch (DeadlineText.TimeoutException ex) {
				return "could not be checked against the pattern " + rule.regex() + " within "
						+ this.patternTimeout.toMillis() + " ms: the pattern backtracks too much, simplify it";
			}
		}
		return null;
	}

	static Pattern compile(String regex) {
		if (patterns.size() > 10_000) {
			// specs and site widgets are few; only a flood of edits gets here
			patterns.clear();
		}
		return patterns.computeIfAbsent(regex, Pattern::compile);
	}

	static String plain(Object value) {
		if (value instanceof Double || value instanceof Float) {
			return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
		}
		return String.valueOf(value);
	}

	private static String characters(int count) {
		return count + ((count == 1) ? " character long" : " characters long");
	}

	private static String items(int count) {
		return count + ((count == 1) ? " item" : " items");
	}

	/**
	 * @param value the coerced value, or {@code null} if it could not be coerced
	 * @param problems every problem found
	 */
	record Outcome(@Nullable Object value, List<Problem> problems) {
	}

}
