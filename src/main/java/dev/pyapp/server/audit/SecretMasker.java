package dev.pyapp.server.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Redaction;
import org.jspecify.annotations.Nullable;

/**
 * Replaces secrets in a call's params before they are stored: the value of every member
 * whose name says it holds one (password, secret, token, private key, credentials, ...),
 * and the password of a URL ({@code https://user:***@host}). Also bounds what is kept:
 * long texts are cut, deep or long structures shortened.
 */
final class SecretMasker {

	static final String MASK = "***";

	private static final Pattern SECRET_NAME = Pattern
		.compile("(?i).*(secret|passw|token|private_?key|api_?key|credential|authorization|cookie|signature).*");

	private static final Pattern URL_PASSWORD = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/@\\s:]+):[^/@\\s]+@");

	private static final Pattern URL_USER = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s:]+@");

	private static final int MAX_TEXT = 2000;

	private static final int MAX_ITEMS = 200;

	private static final int MAX_DEPTH = 8;

	private SecretMasker() {
	}

	static @Nullable Object mask(@Nullable Object value) {
		return mask(value, 0);
	}

	private static @Nullable Object mask(@Nullable Object value, int depth) {
		if (value == null) {
			return null;
		}
		if (depth > MAX_DEPTH) {
			return "…";
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> masked = new LinkedHashMap<>();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (masked.size() >= MAX_ITEMS) {
					masked.put("…", (map.size() - MAX_ITEMS) + " more");
					break;
				}
				String key = String.valueOf(entry.getKey()).replace('.', '_').replace('$', '_');
				boolean secret = SECRET_NAME.matcher(key).matches() && entry.getValue() != null;
				masked.put(key, secret ? MASK : mask(entry.getValue(), depth + 1));
			}
			return masked;
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> masked = new ArrayList<>();
			for (Object item : commandLine(list)) {
				if (masked.size() >= MAX_ITEMS) {
					masked.add((list.size() - MAX_ITEMS) + " more");
					break;
				}
				masked.add(mask(item, depth + 1));
			}
			return masked;
		}
		if (value instanceof CharSequence text) {
			return maskText(text.toString());
		}
		if (value instanceof Number || value instanceof Boolean) {
			return value;
		}
		return maskText(String.valueOf(value));
	}

	/**
	 * A list of texts may be a command line ({@code apps.run}'s {@code command}): the
	 * value after {@code --password} and the like is masked.
	 */
	private static List<?> commandLine(List<?> list) {
		for (Object item : list) {
			if (!(item instanceof String)) {
				return list;
			}
		}
		@SuppressWarnings("unchecked")
		List<String> texts = (List<String>) list;
		return Redaction.arguments(texts);
	}

	static String maskText(String text) {
		String masked = URL_PASSWORD.matcher(text).replaceAll("$1:" + MASK + "@");
		// a lone user part of a URL is often a token (https://ghp_…@github.com)
		masked = URL_USER.matcher(masked).replaceAll("$1" + MASK + "@");
		return (masked.length() > MAX_TEXT) ? masked.substring(0, MAX_TEXT) + "… [truncated]" : masked;
	}

}
