package dev.pyapp.server.appconfig.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Reads the values of a {@code configuration.ini} line: the arguments of
 * {@code widget(…)} or a single value. Fails with an {@link IllegalArgumentException}
 * whose message says what was expected where.
 */
public final class IniValueReader {

	private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");

	private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?");

	private final String text;

	private int position;

	public IniValueReader(String text) {
		this.text = text;
	}

	/**
	 * Reads {@code a, b, key=value)} up to the closing parenthesis; only a comment may
	 * follow it.
	 */
	public List<Argument> arguments() {
		List<Argument> arguments = new ArrayList<>();
		skipSpace();
		if (peek() == ')') {
			this.position++;
			end();
			return arguments;
		}
		while (true) {
			skipSpace();
			String name = null;
			int start = this.position;
			String word = word();
			skipSpace();
			if (!word.isEmpty() && peek() == '=') {
				this.position++;
				name = word;
			}
			else {
				this.position = start;
			}
			arguments.add(new Argument(name, value()));
			skipSpace();
			char next = peek();
			this.position++;
			if (next == ')') {
				end();
				return arguments;
			}
			if (next != ',') {
				throw fail("expected ',' or ')'");
			}
		}
	}

	/** Reads one value that makes up the whole text (a comment may follow). */
	public @Nullable Object single() {
		Object value = value();
		end();
		return value;
	}

	/**
	 * The value of an unquoted word: a boolean, {@code none}, a number or the text
	 * itself.
	 * @param word the word
	 * @return its value
	 */
	public static @Nullable Object bare(String word) {
		String lower = word.toLowerCase(Locale.ROOT);
		switch (lower) {
			case "true":
				return Boolean.TRUE;
			case "false":
				return Boolean.FALSE;
			case "none", "null":
				return null;
			default:
				break;
		}
		if (INTEGER.matcher(word).matches()) {
			return Long.parseLong(word);
		}
		if (DECIMAL.matcher(word).matches()) {
			return Double.parseDouble(word);
		}
		return word;
	}

	private @Nullable Object value() {
		skipSpace();
		char c = peek();
		if (c == '"' || c == '\'') {
			return quoted(c);
		}
		if (c == '(' || c == '[') {
			this.position++;
			return list((c == '(') ? ')' : ']');
		}
		int start = this.position;
		String word = word();
		if ((word.equals("list") || word.equals("tuple")) && peek() == '(') {
			this.position++;
			return list(')');
		}
		this.position = start;
		while (this.position < this.text.length() && ",)] \t".indexOf(this.text.charAt(this.position)) < 0) {
			this.position++;
		}
		if (this.position == start) {
			throw fail("expected a value");
		}
		return bare(this.text.substring(start, this.position));
	}

	private List<@Nullable Object> list(char close) {
		List<@Nullable Object> values = new ArrayList<>();
		skipSpace();
		if (peek() == close) {
			this.position++;
			return values;
		}
		while (true) {
			values.add(value());
			skipSpace();
			char next = peek();
			this.position++;
			if (next == close) {
				return values;
			}
			if (next != ',') {
				throw fail("expected ',' or '" + close + "' in a list");
			}
		}
	}

	private String quoted(char quote) {
		this.position++;
		StringBuilder value = new StringBuilder();
		while (this.position < this.text.length()) {
			char c = this.text.charAt(this.position++);
			if (c == quote) {
				return value.toString();
			}
			// in "…" only \" and \\ are escapes, so regular expressions keep their \d
			if (c == '\\' && quote == '"' && this.position < this.text.length()
					&& (this.text.charAt(this.position) == '"' || this.text.charAt(this.position) == '\\')) {
				c = this.text.charAt(this.position++);
			}
			value.append(c);
		}
		throw fail("a quoted value is not closed");
	}

	private String word() {
		int start = this.position;
		while (this.position < this.text.length() && (Character.isLetterOrDigit(this.text.charAt(this.position))
				|| this.text.charAt(this.position) == '_')) {
			this.position++;
		}
		return this.text.substring(start, this.position);
	}

	private void end() {
		skipSpace();
		if (this.position < this.text.length() && "#;".indexOf(this.text.charAt(this.position)) < 0) {
			throw fail("unexpected text after the value");
		}
	}

	private void skipSpace() {
		while (this.position < this.text.length() && Character.isWhitespace(this.text.charAt(this.position))) {
			this.position++;
		}
	}

	private char peek() {
		if (this.position >= this.text.length()) {
			throw fail("the line ends too early");
		}
		return this.text.charAt(this.position);
	}

	private IllegalArgumentException fail(String message) {
		return new IllegalArgumentException(message + " at character " + (this.position + 1) + " of '"
				+ this.text.substring(0, Math.min(this.text.length(), 80)) + "'");
	}

	/**
	 * @param name the argument's name, or {@code null} for a positional one
	 * @param value its value
	 */
	public record Argument(@Nullable String name, @Nullable Object value) {
	}

}
