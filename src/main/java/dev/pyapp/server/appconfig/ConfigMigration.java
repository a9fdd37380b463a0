package dev.pyapp.server.appconfig;

import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.Problem;

/**
 * What becomes of an app's stored configuration when a release with a new spec arrives.
 * Paths are {@code section.field}.
 *
 * @param values the migrated values, nested, coerced, with the new defaults filled.
 * <strong>Includes secrets</strong>: never return or log them.
 * @param kept fields whose stored value was kept
 * @param filled fields that had no value and got the new spec's default
 * @param removed fields the new spec no longer has; their values are dropped
 * @param missing required fields of the new spec with neither a value nor a default: the
 * operator must fill them before the new release can run
 * @param invalid stored values the new spec rejects (dropped; the field falls back to its
 * default, or is listed in {@code missing} if it is required and has none)
 */
public record ConfigMigration(Map<String, Map<String, Object>> values, List<String> kept, List<String> filled,
		List<String> removed, List<String> missing, List<Problem> invalid) {

	public ConfigMigration {
		kept = List.copyOf(kept);
		filled = List.copyOf(filled);
		removed = List.copyOf(removed);
		missing = List.copyOf(missing);
		invalid = List.copyOf(invalid);
	}

	/**
	 * Whether the new release can run with the migrated values.
	 * @return {@code true} if no required field is missing
	 */
	public boolean complete() {
		return this.missing.isEmpty();
	}

	@Override
	public String toString() {
		// the values may hold secrets
		return "ConfigMigration[kept=" + this.kept + ", filled=" + this.filled + ", removed=" + this.removed
				+ ", missing=" + this.missing + ", invalid=" + this.invalid + "]";
	}

}
