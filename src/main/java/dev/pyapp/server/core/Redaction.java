package dev.pyapp.server.core;

import java.util.regex.Pattern;

/**
 * Takes credentials out of text before it is logged, recorded or returned: the user info
 * of every URL ({@code https://user:token@host/} becomes {@code https://***@host/}).
 */
public final class Redaction {

	private static final Pattern USER_INFO = Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s'\"]+@");

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

}
