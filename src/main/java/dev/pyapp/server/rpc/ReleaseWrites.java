package dev.pyapp.server.rpc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What to tell the operator of an app that failed because it wrote into its own release,
 * which it may only read (SPEC §10). Frameworks do so by default: Flask's instance
 * folder, which Flask-SQLAlchemy makes for a relative SQLite URI; Flask-Session's
 * {@code flask_session/}; a Django project's {@code db.sqlite3} beside {@code manage.py}.
 * Python's error names only the path, which does not say that the release is read-only on
 * purpose, nor where to write instead.
 */
final class ReleaseWrites {

	// what Python prints for a write that the sandbox (a read-only bind) or the file
	// modes refused, with a path inside an app's release
	private static final Pattern REFUSED = Pattern
		.compile("\\[Errno (?:30|13)\\] (?:Read-only file system|Permission denied): "
				+ "'([^'\\n]{0,4096}/apps/[a-z][a-z0-9-]{0,39}/releases/[^'\\n]{1,4096})'");

	private ReleaseWrites() {
	}

	/**
	 * The hint for a failure whose output shows such a write.
	 * @param output what the failing step or the release printed
	 * @return the hint, or {@code null} when the output shows no write into a release
	 */
	static @Nullable String hint(@Nullable String output) {
		if (output == null) {
			return null;
		}
		Matcher refused = REFUSED.matcher(output);
		if (!refused.find()) {
			return null;
		}
		return "the app wrote to " + refused.group(1) + ", inside its release, which it may only read: "
				+ "write to its data directory (the environment variable PYAPP_DATA_PATH; kept across upgrades) "
				+ "or to PYAPP_TMP_PATH instead";
	}

}
