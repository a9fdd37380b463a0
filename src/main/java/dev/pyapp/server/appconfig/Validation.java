package dev.pyapp.server.appconfig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The validation of a field or a widget, already merged along the chain from the standard
 * widget through site widgets that refine it to the field's own options: bounds are
 * intersected, every pattern applies. For a list, everything but {@code minItems} and
 * {@code maxItems} applies to each entry.
 *
 * @param patterns regular expressions the whole value must match, in order
 * @param min the smallest allowed number ({@link Long} or {@link Double})
 * @param max the largest allowed number
 * @param minLength the fewest characters
 * @param maxLength the most characters
 * @param minItems the fewest entries of a list
 * @param maxItems the most entries of a list
 * @param choices the allowed values, coerced to the (item) type
 * @param validator the name of a built-in validator ({@code email}, {@code url},
 * {@code hostname}, {@code ip}, {@code path}, {@code regex}, {@code duration},
 * {@code size}, {@code cron}, {@code line}, {@code host_pattern}, {@code origin_pattern})
 * @param schemes the URL schemes the {@code url} and {@code origin_pattern} validators
 * accept, in lower case, or {@code null} for {@code http} and {@code https}
 */
public record Validation(List<PatternRule> patterns, @Nullable Number min, @Nullable Number max,
		@Nullable Integer minLength, @Nullable Integer maxLength, @Nullable Integer minItems,
		@Nullable Integer maxItems, @Nullable List<Object> choices, @Nullable String validator,
		@Nullable List<String> schemes) {

	/** No validation at all. */
	public static final Validation NONE = new Validation(List.of(), null, null, null, null, null, null, null, null,
			null);

	public Validation {
		patterns = List.copyOf(patterns);
		choices = (choices != null) ? List.copyOf(choices) : null;
		schemes = (schemes != null) ? List.copyOf(schemes) : null;
	}

	/**
	 * Refines this validation with a narrower one: bounds are intersected, patterns
	 * added, and the other's choices and validator replace these when it has them.
	 * @param other the refinement
	 * @return the merged validation
	 */
	public Validation refine(Validation other) {
		List<PatternRule> merged = new ArrayList<>(this.patterns);
		merged.addAll(other.patterns);
		return new Validation(merged, larger(this.min, other.min), smaller(this.max, other.max),
				larger(this.minLength, other.minLength), smaller(this.maxLength, other.maxLength),
				larger(this.minItems, other.minItems), smaller(this.maxItems, other.maxItems),
				(other.choices != null) ? other.choices : this.choices,
				(other.validator != null) ? other.validator : this.validator,
				(other.schemes != null) ? other.schemes : this.schemes);
	}

	/**
	 * The JSON view used by {@code config.spec}: only the rules that are set, with
	 * snake_case keys. {@code pattern} (and {@code pattern_message}) is the innermost
	 * pattern, the field's own when it sets one, under the key a spec writes it with
	 * (SPEC §2); {@code patterns} lists every pattern that applies.
	 * @return the view
	 */
	public Map<String, Object> describe() {
		Map<String, Object> view = new LinkedHashMap<>();
		if (!this.patterns.isEmpty()) {
			PatternRule innermost = this.patterns.get(this.patterns.size() - 1);
			view.put("pattern", innermost.regex());
			putIfSet(view, "pattern_message", innermost.message());
			view.put("patterns", this.patterns.stream().map(PatternRule::describe).toList());
		}
		putIfSet(view, "min", this.min);
		putIfSet(view, "max", this.max);
		putIfSet(view, "min_length", this.minLength);
		putIfSet(view, "max_length", this.maxLength);
		putIfSet(view, "min_items", this.minItems);
		putIfSet(view, "max_items", this.maxItems);
		putIfSet(view, "choices", this.choices);
		putIfSet(view, "validator", this.validator);
		putIfSet(view, "schemes", this.schemes);
		return view;
	}

	private static void putIfSet(Map<String, Object> view, String key, @Nullable Object value) {
		if (value != null) {
			view.put(key, value);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T extends Number> @Nullable T larger(@Nullable T a, @Nullable T b) {
		if (a == null || b == null) {
			return (a != null) ? a : b;
		}
		return (compare(a, b) >= 0) ? a : b;
	}

	private static <T extends Number> @Nullable T smaller(@Nullable T a, @Nullable T b) {
		if (a == null || b == null) {
			return (a != null) ? a : b;
		}
		return (compare(a, b) <= 0) ? a : b;
	}

	static int compare(Number a, Number b) {
		return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
	}

	/**
	 * A regular expression the value must match as a whole.
	 *
	 * @param regex the expression (Java syntax)
	 * @param message what to tell the person when the value does not match, or
	 * {@code null} for "must match the pattern …"
	 */
	public record PatternRule(String regex, @Nullable String message) {

		Map<String, Object> describe() {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("pattern", this.regex);
			if (this.message != null) {
				view.put("message", this.message);
			}
			return view;
		}

	}

}
