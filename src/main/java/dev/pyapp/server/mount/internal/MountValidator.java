package dev.pyapp.server.mount.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;

/**
 * The allow-lists every value passes before it may reach a web server configuration. Only
 * characters that are inert in nginx, Apache and lighttpd syntax (and in a lighttpd
 * regular expression, once dots are escaped) pass, so no value can end a directive, open
 * a block, start a comment, quote or expand a variable.
 */
final class MountValidator {

	static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

	private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern IPV4 = Pattern
		.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

	private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}\\]");

	private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

	private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]{1,100}");

	/** Absolute file system paths: segments of letters, digits and {@code . _ + @ -}. */
	private static final Pattern FILE_PATH = Pattern.compile("(/[A-Za-z0-9._+@-]+)+");

	private MountValidator() {
	}

	static void check(VirtualServer server) {
		List<Problem> problems = new ArrayList<>();
		name(problems, "name", server.name());
		if (server.hostnames().isEmpty()) {
			problems.add(new Problem("hostnames", "give at least one host name"));
		}
		for (int i = 0; i < server.hostnames().size(); i++) {
			hostname(problems, "hostnames[" + i + "]", server.hostnames().get(i));
		}
		listen(problems, "listen", server.listen());
		if (server.tls() != null) {
			tlsFile(problems, "tls.cert", server.tls().cert(), "certificate");
			tlsFile(problems, "tls.key", server.tls().key(), "private key");
		}
		throwIfAny("invalid virtual server", problems);
	}

	static void check(Mount mount) {
		List<Problem> problems = new ArrayList<>();
		name(problems, "server", mount.server());
		path(problems, "path", mount.path());
		if (mount.app() == null && mount.folder() == null) {
			problems.add(new Problem("app", "choose the app to mount, or give a static folder"));
		}
		else if (mount.app() != null && mount.folder() != null) {
			problems.add(new Problem("app", "give either an app or a static folder, not both"));
		}
		if (mount.app() != null && mount.app().isEmpty()) {
			problems.add(new Problem("app", "choose the app to mount"));
		}
		else if (mount.app() != null && !AppId.PATTERN.matcher(mount.app()).matches()) {
			problems.add(new Problem("app", AppId.problem(printable(mount.app()))));
		}
		// "/" is refused by ForbiddenFolders, which says why (the root directory)
		if (mount.folder() != null && !mount.folder().equals("/")) {
			file(problems, "folder", mount.folder(), true);
		}
		throwIfAny("invalid mount", problems);
	}

	/**
	 * A path prefix with a trailing slash removed, as it is kept.
	 * @param path the prefix as given
	 * @return the prefix kept
	 */
	static String normalizePath(String path) {
		return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
	}

	/**
	 * Checks a path the server itself computed (a socket, a release's static directory)
	 * before it is written into a configuration: {@code PYAPP_HOME} could have been
	 * chosen with characters no configuration syntax survives.
	 * @param what what the path is, for the message
	 * @param path the path
	 * @return the path as a string
	 */
	static String safeFile(String what, Path path) {
		String text = path.toString();
		if (!FILE_PATH.matcher(text).matches()) {
			throw PyappException.invalid("unsafe path", List.of(new Problem(what, "'" + printable(text)
					+ "' has characters a web server configuration cannot hold; use letters, digits and . _ + @ -")));
		}
		return text;
	}

	/**
	 * The request paths of a static directory's excluded files, as anchored regular
	 * expressions: {@code staticfiles.json} below {@code /app/static} becomes
	 * {@code ^/app/static/(?:.*&#47;)?staticfiles\.json$}. Patterns that are not plain
	 * globs of safe names are left out (the manifest refuses them already).
	 * @param prefix the location's prefix (a safe URL path)
	 * @param patterns the glob patterns
	 * @return one regular expression per pattern
	 */
	static List<String> excludeRegexes(String prefix, List<String> patterns) {
		List<String> regexes = new ArrayList<>();
		for (String pattern : patterns) {
			if (!AppManifest.StaticEntry.EXCLUDE.matcher(pattern).matches() || !isSafeUrlPath(prefix)) {
				continue;
			}
			StringBuilder regex = new StringBuilder("^").append(prefix.replace(".", "\\.")).append('/');
			if (!pattern.contains("/")) {
				regex.append("(?:.*/)?");
			}
			for (char c : pattern.toCharArray()) {
				switch (c) {
					case '.' -> regex.append("\\.");
					case '*' -> regex.append("[^/]*");
					default -> regex.append(c);
				}
			}
			regexes.add(regex.append('$').toString());
		}
		return List.copyOf(regexes);
	}

	/**
	 * Whether a URL path below a mount (an app's {@code static} url) is safe.
	 * @param url the path
	 * @return whether it passes the allow-list
	 */
	static boolean isSafeUrlPath(String url) {
		List<Problem> problems = new ArrayList<>();
		path(problems, "url", url);
		return problems.isEmpty() && !url.equals("/");
	}

	private static void name(List<Problem> problems, String field, @Nullable String value) {
		if (value == null || value.isEmpty()) {
			problems.add(new Problem(field,
					"server".equals(field) ? "choose a virtual server" : "give a name: " + AppId.RULE));
		}
		else if (!NAME.matcher(value).matches()) {
			problems.add(new Problem(field, AppId.problem(printable(value))));
		}
	}

	private static void hostname(List<Problem> problems, String field, @Nullable String value) {
		boolean valid = value != null && !value.isEmpty() && value.length() <= 253;
		if (valid) {
			for (String label : value.split("\\.", -1)) {
				valid &= LABEL.matcher(label).matches();
			}
		}
		if (!valid) {
			problems.add(new Problem(field, "'" + printable(value)
					+ "' is not a host name (RFC 1123): lower-case labels of letters, digits and '-', separated by dots"));
		}
	}

	private static void listen(List<Problem> problems, String field, @Nullable String value) {
		int colon = (value != null) ? value.lastIndexOf(':') : -1;
		boolean valid = colon > 0;
		if (valid) {
			String host = value.substring(0, colon);
			String port = value.substring(colon + 1);
			valid = (host.equals("*") || IPV4.matcher(host).matches() || IPV6.matcher(host).matches())
					&& PORT.matcher(port).matches() && Integer.parseInt(port) <= 65535;
		}
		if (!valid) {
			problems.add(new Problem(field, "'" + printable(value)
					+ "' is not a listen address: expected HOST:PORT with an IPv4 address, [IPv6] or *, and a port 1-65535"));
		}
	}

	private static void path(List<Problem> problems, String field, @Nullable String value) {
		boolean valid = value != null && value.startsWith("/") && value.length() <= 512;
		if (valid && !value.equals("/")) {
			String[] segments = normalizePath(value).substring(1).split("/", -1);
			for (String segment : segments) {
				valid &= SEGMENT.matcher(segment).matches() && !segment.equals(".") && !segment.equals("..");
			}
		}
		if (!valid) {
			problems.add(new Problem(field, "'" + printable(value)
					+ "' is not a path prefix: expected / or /segment/... with letters, digits and . _ ~ - in each segment"));
		}
	}

	// TLS needs both files: one left empty is asked for, not called "'' is not an
	// absolute path"
	private static void tlsFile(List<Problem> problems, String field, @Nullable String value, String what) {
		if (value == null || value.isBlank()) {
			problems.add(new Problem(field, "give the " + what + " file too (an absolute path): TLS needs both"));
			return;
		}
		file(problems, field, value, false);
	}

	private static void file(List<Problem> problems, String field, @Nullable String value, boolean directory) {
		if (value == null || !FILE_PATH.matcher(value).matches()) {
			problems.add(new Problem(field,
					"'" + printable(value) + "' is not an absolute path of letters, digits and . _ + @ - segments"));
			return;
		}
		Path path = Path.of(value);
		if (!path.normalize().toString().equals(value)) {
			problems.add(new Problem(field, "'" + value + "' is not a normalised path"));
		}
		else if (directory ? !Files.isDirectory(path) : !Files.isRegularFile(path)) {
			problems
				.add(new Problem(field, "'" + value + "' is not an existing " + (directory ? "directory" : "file")));
		}
		else if (!Files.isReadable(path)) {
			problems.add(new Problem(field, "'" + value + "' is not readable"));
		}
	}

	private static String printable(@Nullable String value) {
		if (value == null) {
			return "null";
		}
		StringBuilder text = new StringBuilder();
		for (char c : value.toCharArray()) {
			text.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
		}
		return (text.length() > 120) ? text.substring(0, 120) + "..." : text.toString();
	}

	private static void throwIfAny(String message, List<Problem> problems) {
		if (!problems.isEmpty()) {
			throw PyappException.invalid(message, problems);
		}
	}

}
