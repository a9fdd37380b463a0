package dev.pyapp.server.appconfig.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.pyapp.server.appconfig.BaseType;

/**
 * Turns a submitted value (from JSON, YAML, an INI file or a command line, where
 * everything may arrive as text) into its base type: {@link String}, {@link Long},
 * {@link Double}, {@link Boolean} or a {@link List}.
 */
public final class Coercion {

	private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,19}");

	private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");

	private Coercion() {
	}

	/**
	 * Coerces a scalar.
	 * @param value the value, not {@code null}
	 * @param type a scalar type (not {@link BaseType#LIST})
	 * @return the coerced value
	 * @throws Failure with a message for a person if the value does not fit the type
	 */
	public static Object coerce(Object value, BaseType type) throws Failure {
		switch (type) {
			case STRING:
				if (value instanceof String || value instanceof Boolean || value instanceof Long
						|| value instanceof Integer || value instanceof Double || value instanceof BigDecimal
						|| value instanceof BigInteger) {
					return value.toString();
				}
				throw new Failure("must be text");
			case INTEGER:
				return toLong(value);
			case NUMBER:
				return toDouble(value);
			case BOOLEAN:
				return toBoolean(value);
			default:
				throw new IllegalArgumentException("not a scalar type: " + type);
		}
	}

	/**
	 * The entries of a list value; text is split at commas (as typed on a command line).
	 * @param value the value, not {@code null}
	 * @return its entries, not yet coerced
	 * @throws Failure if it is not a list
	 */
	public static List<Object> entries(Object value) throws Failure {
		if (value instanceof List<?> list) {
			return new ArrayList<>(list);
		}
		if (value instanceof String text) {
			List<Object> entries = new ArrayList<>();
			for (String part : text.split(",")) {
				if (!part.isBlank()) {
					entries.add(part.trim());
				}
			}
			return entries;
		}
		throw new Failure("must be a list");
	}

	private static Long toLong(Object value) throws Failure {
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		try {
			if (value instanceof BigInteger big) {
				return big.longValueExact();
			}
			if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
				return new BigDecimal(value.toString()).longValueExact();
			}
			if (value instanceof String text && INTEGER.matcher(text.trim()).matches()) {
				return Long.parseLong(text.trim());
			}
		}
		catch (ArithmeticException | NumberFormatException ex) {
			// not a whole number in the range of a long: reported below
		}
		throw new Failure("must be a whole number");
	}

	private static Double toDouble(Object value) throws Failure {
		double number;
		if (value instanceof Number numeric && !(value instanceof BigDecimal)) {
			number = numeric.doubleValue();
		}
		else if (value instanceof BigDecimal decimal) {
			number = decimal.doubleValue();
		}
		else if (value instanceof String text && DECIMAL.matcher(text.trim()).matches()) {
			number = Double.parseDouble(text.trim());
		}
		else {
			throw new Failure("must be a number");
		}
		if (!Double.isFinite(number)) {
			throw new Failure("must be a number");
		}
		return number;
	}

	private static Boolean toBoolean(Object value) throws Failure {
		if (value instanceof Boolean flag) {
			return flag;
		}
		if (value instanceof String text) {
			switch (text.trim().toLowerCase(Locale.ROOT)) {
				case "true", "yes", "on", "1":
					return true;
				case "false", "no", "off", "0":
					return false;
				default:
					break;
			}
		}
		if (value instanceof Integer || value instanceof Long) {
			long number = ((Number) value).longValue();
			if (number == 0 || number == 1) {
				return number == 1;
			}
		}
		throw new Failure("must be true or false");
	}

	/**
	 * A value that does not fit its type; the message is for the person who entered it.
	 */
	public static final class Failure extends Exception {

		Failure(String message) {
			super(message, null, false, false);
		}

	}

}
