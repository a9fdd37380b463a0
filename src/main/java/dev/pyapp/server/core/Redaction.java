package dev.pyapp.server.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes credentials out of text before it is logged, recorded or returned: the user info
 * of every URL ({@code https://user:token@host/} becomes {@code https://***@host/}), and
 * the values of secret options in a command line ({@code --password hunter2}).
 */
public final class Redaction {

	private static final Pattern USER_INFO = Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s'\"]+@");

	/** What names a secret: password, secret, token, API or private key, credentials. */
	private static final String SECRET = "[\\w.-]*(?:passw|secret|token|api[-_]?key|private[-_]?key|credential)"
			+ "[\\w.-]*";

	/**
	 * {@code --password}, {@code -secret-key}: an option whose next argument is its
	 * value.
	 */
	private static final Pattern SECRET_OPTION = Pattern.compile("(?i)--?" + SECRET);

	/** {@code --password=x}, {@code SECRET_KEY=x}, {@code db.password=x}. */
	private static final Pattern SECRET_ASSIGNMENT = Pattern.compile("(?i)(-{0,2}" + SECRET + ")=.*", Pattern.DOTALL);

	/** Options that name a file holding the secret, not the secret itself. */
	private static final Pattern NAMES_A_FILE = Pattern.compile("(?i).*[-_.](?:file|path|dir)");

	private Redaction() {
	}

	/**
	 * The text with the user info of every URL in it replaced by {@code ***}.
	 * @param text the text
	 * @return the redacted text
	 */
	public static String urls(String text) {
		return (text.indexOf('@') < 0) ? text : USER_INFO.matcher(text).replaceAll("$1***@");
	}

	/**
	 * A command line with the value of every secret option replaced by {@code ***}: the
	 * argument after {@code --password} (or {@code --api-key}, {@code --secret-key},
	 * {@code --token}, ...), the value of {@code --password=x} or {@code SECRET_KEY=x},
	 * and the user info of every URL. Options naming a file ({@code --token-file}) are
	 * kept.
	 * @param command the program and its arguments
	 * @return the command line to log or record
	 */
	public static List<String> arguments(List<String> command) {
		List<String> redacted = new ArrayList<>(command.size());
		boolean valueNext = false;
		for (String argument : command) {
			if (valueNext && !argument.startsWith("-")) {
				redacted.add("***");
				valueNext = false;
				continue;
			}
			Matcher assignment = SECRET_ASSIGNMENT.matcher(argument);
			boolean named = !NAMES_A_FILE.matcher(argument.split("=", 2)[0]).matches();
			if (named && assignment.matches()) {
				redacted.add(assignment.group(1) + "=***");
				valueNext = false;
			}
			else {
				valueNext = named && SECRET_OPTION.matcher(argument).matches();
				redacted.add(urls(argument));
			}
		}
		return redacted;
	}

}
