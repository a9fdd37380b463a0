package dev.pyapp.server.mount;

import org.jspecify.annotations.Nullable;

/**
 * An app, or a static folder (the built-in static app), at a path prefix of a virtual
 * server (SPEC §5). Exactly one of {@code app} and {@code folder} is set.
 *
 * @param server the virtual server's name
 * @param path the path prefix: {@code /} or {@code /segment/...} without a trailing
 * slash; the app sees it as {@code SCRIPT_NAME}
 * @param app the app's name, or {@code null} for a static folder
 * @param folder the absolute directory served as it is, or {@code null} for an app
 */
public record Mount(String server, String path, @Nullable String app, @Nullable String folder) {

	public static Mount app(String server, String path, String app) {
		return new Mount(server, path, app, null);
	}

	public static Mount folder(String server, String path, String folder) {
		return new Mount(server, path, null, folder);
	}

	/**
	 * Whether a request path falls under this mount's prefix.
	 * @param other another path prefix
	 * @return whether one of the two prefixes contains the other
	 */
	public boolean overlaps(String other) {
		return contains(this.path, other) || contains(other, this.path);
	}

	private static boolean contains(String prefix, String path) {
		return prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/");
	}

}
