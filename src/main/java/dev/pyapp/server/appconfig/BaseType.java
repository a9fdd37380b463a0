package dev.pyapp.server.appconfig;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The base type of a widget (SPEC §2): what a value is once it has been coerced.
 */
public enum BaseType {

	/** Text; arrives as a {@link String}. */
	STRING,

	/** A whole number; arrives as a {@link Long}. */
	INTEGER,

	/** A decimal number; arrives as a {@link Double}. */
	NUMBER,

	/** {@code true} or {@code false}; arrives as a {@link Boolean}. */
	BOOLEAN,

	/** A list of values of the field's item type; arrives as a {@link java.util.List}. */
	LIST;

	/**
	 * The name used in widget files and in {@code config.spec}.
	 * @return {@code string}, {@code integer}, {@code number}, {@code boolean} or
	 * {@code list}
	 */
	public String jsonName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The type named in a widget file.
	 * @param name the name, such as {@code integer}
	 * @return the type, or {@code null} if there is none of that name
	 */
	public static @Nullable BaseType of(String name) {
		for (BaseType type : values()) {
			if (type.jsonName().equals(name)) {
				return type;
			}
		}
		return null;
	}

	boolean isNumeric() {
		return this == INTEGER || this == NUMBER;
	}

}
