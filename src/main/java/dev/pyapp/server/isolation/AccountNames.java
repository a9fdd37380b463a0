package dev.pyapp.server.isolation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.pyapp.server.core.AppId;

/**
 * The names of apps' system users. Linux allows 32 characters; app names have up to 40
 * ({@code ^[a-z][a-z0-9-]{0,39}$}):
 * <ul>
 * <li>{@code pyapp-<name>} when the name has up to 26 characters (the readable
 * form);</li>
 * <li>otherwise, or when that name is taken by an account that is not this app's,
 * {@code pyapp_<first 15 characters>_<10 hex digits>}: the digits are the start of the
 * SHA-256 of the server's home and the app's name, so two servers on one host (or two
 * long names with the same start) get different users.</li>
 * </ul>
 * The two forms cannot meet: app names hold no {@code _}. An account counts as the app's
 * when its home directory is the app's {@code home/}; any other holder of a name makes
 * the next form be tried, and is never adopted.
 */
final class AccountNames {

	static final String PREFIX = "pyapp-";

	static final int MAX = 32;

	private static final int SHORT = MAX - PREFIX.length();

	private static final int KEPT = 15;

	private AccountNames() {
	}

	/**
	 * The names to try for an app, in order.
	 * @param app the app
	 * @param home the server's home ({@code PYAPP_HOME})
	 * @return one or two names, each at most 32 characters
	 */
	static List<String> candidates(AppId app, Path home) {
		List<String> names = new ArrayList<>();
		String name = app.value();
		if (name.length() <= SHORT) {
			names.add(PREFIX + name);
		}
		names.add(hashed(name, home));
		return names;
	}

	static String hashed(String name, Path home) {
		String start = name.substring(0, Math.min(KEPT, name.length()));
		return "pyapp_" + start + "_" + hex(home.toString() + "\0" + name).substring(0, 10);
	}

	static String hex(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
