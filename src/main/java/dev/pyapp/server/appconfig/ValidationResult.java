package dev.pyapp.server.appconfig;

import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.Problem;

/**
 * The outcome of validating a configuration: every problem at once, and the values the
 * config file would hold.
 *
 * @param errors every failing field, with paths such as {@code site.title} or
 * {@code site.tags[2]}; empty when valid
 * @param values the resulting values, nested {@code {section: {field: value}}}, coerced
 * to their base types and with defaults filled. <strong>Includes secrets</strong>: never
 * return or log them.
 */
public record ValidationResult(List<Problem> errors, Map<String, Map<String, Object>> values) {

	public ValidationResult {
		errors = List.copyOf(errors);
	}

	public boolean valid() {
		return this.errors.isEmpty();
	}

	@Override
	public String toString() {
		// the values may hold secrets
		return "ValidationResult[errors=" + this.errors + "]";
	}

}
