package dev.pyapp.server.packaging.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.LimitValues;
import dev.pyapp.server.packaging.AppManifest.Database;
import dev.pyapp.server.packaging.AppManifest.DatabaseKind;
import dev.pyapp.server.packaging.AppManifest.Limits;
import dev.pyapp.server.packaging.AppManifest.Resources;
import dev.pyapp.server.packaging.AppManifest.StaticEntry;
import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The sections of {@code metadata.yaml} that name places on disk: {@code resources}
 * (writable directories, databases) and {@code static}. Every name becomes a path or an
 * environment variable, so only safe names pass.
 */
final class ManifestResources {

	private static final Pattern WRITABLE = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$");

	private static final Pattern DATABASE = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

	private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$");

	private ManifestResources() {
	}

	static Resources resources(YamlTree yaml, Node node) {
		Map<String, Node> keys = yaml.mapping(node, "resources", List.of("writable", "databases", "limits"));
		if (keys == null) {
			return new Resources(List.of(), List.of());
		}
		Limits limits = (keys.get("limits") != null) ? limits(yaml, keys.get("limits")) : Limits.NONE;
		List<String> writable = new ArrayList<>();
		List<Node> items = (keys.get("writable") != null)
				? yaml.list(keys.get("writable"), "resources.writable", "directory names") : null;
		Set<String> seen = new HashSet<>();
		for (int i = 0; items != null && i < items.size(); i++) {
			String path = YamlTree.item("resources.writable", i);
			String name = yaml.text(items.get(i), path, "a directory name such as 'sessions'");
			if (name == null) {
				continue;
			}
			if (!WRITABLE.matcher(name).matches() || name.equals(AppPaths.DATABASES)) {
				yaml.problem(path, "expected a single directory name of letters, digits, '_', '.' or '-' (not 'db', "
						+ "which holds the databases); found '" + name + "'");
			}
			else if (!seen.add(name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"))) {
				yaml.problem(path, "'" + name + "' is listed twice (names are compared as PYAPP_WRITABLE_<NAME>)");
			}
			writable.add(name);
		}
		List<Database> databases = new ArrayList<>();
		items = (keys.get("databases") != null)
				? yaml.list(keys.get("databases"), "resources.databases", "{name, kind} mappings") : null;
		seen.clear();
		for (int i = 0; items != null && i < items.size(); i++) {
			String path = YamlTree.item("resources.databases", i);
			Map<String, Node> db = yaml.mapping(items.get(i), path, List.of("name", "kind"));
			if (db == null) {
				continue;
			}
			String name = (db.get("name") != null) ? yaml.text(db.get("name"), path + ".name", "a database name")
					: null;
			if (db.get("name") == null) {
				yaml.problem(path + ".name", "required; expected a database name such as 'main'");
			}
			else if (name != null && !DATABASE.matcher(name).matches()) {
				yaml.problem(path + ".name", "expected a lowercase letter followed by lowercase letters, digits or '_' "
						+ "(^[a-z][a-z0-9_]*$); found '" + name + "'");
			}
			else if (name != null && !seen.add(name)) {
				yaml.problem(path + ".name", "'" + name + "' is listed twice; database names must be unique");
			}
			DatabaseKind kind = DatabaseKind.SQLITE;
			String kindText = (db.get("kind") != null) ? yaml.text(db.get("kind"), path + ".kind", "sqlite or mongodb")
					: null;
			if (db.get("kind") == null) {
				yaml.problem(path + ".kind", "required; expected sqlite or mongodb");
			}
			else if ("mongodb".equals(kindText)) {
				kind = DatabaseKind.MONGODB;
			}
			else if (kindText != null && !kindText.equals("sqlite")) {
				yaml.problem(path + ".kind", "expected sqlite or mongodb; found '" + kindText + "'");
			}
			databases.add(new Database(String.valueOf(name), kind));
		}
		return new Resources(List.copyOf(writable), List.copyOf(databases), limits);
	}

	/**
	 * {@code resources.limits}: {@code memory} (a size such as {@code 512MB}),
	 * {@code processes}, {@code open_files} (integers) and {@code cpu} (cores, such as
	 * {@code 1.5}).
	 */
	static Limits limits(YamlTree yaml, Node node) {
		Map<String, Node> keys = yaml.mapping(node, "resources.limits",
				List.of("memory", "processes", "open_files", "cpu"));
		if (keys == null) {
			return Limits.NONE;
		}
		Long memory = null;
		if (keys.get("memory") != null) {
			String text = yaml.text(keys.get("memory"), "resources.limits.memory", "a size such as 512MB");
			if (text != null) {
				try {
					memory = LimitValues.memory(text);
				}
				catch (IllegalArgumentException ex) {
					yaml.problem("resources.limits.memory", ex.getMessage());
				}
			}
		}
		Integer processes = (keys.get("processes") != null) ? yaml.integer(keys.get("processes"),
				"resources.limits.processes", LimitValues.MIN_PROCESSES, LimitValues.MAX_PROCESSES) : null;
		Integer openFiles = (keys.get("open_files") != null) ? yaml.integer(keys.get("open_files"),
				"resources.limits.open_files", LimitValues.MIN_OPEN_FILES, LimitValues.MAX_OPEN_FILES) : null;
		Double cpu = null;
		if (keys.get("cpu") != null) {
			String text = yaml.text(keys.get("cpu"), "resources.limits.cpu", "a number of cores such as 1.5");
			if (text != null) {
				try {
					cpu = LimitValues.cpus(Double.parseDouble(text));
				}
				catch (NumberFormatException ex) {
					yaml.problem("resources.limits.cpu",
							"expected a number of cores such as 1.5; found '" + text + "'");
				}
				catch (IllegalArgumentException ex) {
					yaml.problem("resources.limits.cpu", ex.getMessage());
				}
			}
		}
		return new Limits(memory, processes, openFiles, cpu);
	}

	static List<StaticEntry> statics(YamlTree yaml, Node node) {
		List<Node> items = yaml.list(node, "static", "{url, path} mappings");
		List<StaticEntry> statics = new ArrayList<>();
		Set<String> urls = new HashSet<>();
		for (int i = 0; items != null && i < items.size(); i++) {
			String path = YamlTree.item("static", i);
			Map<String, Node> keys = yaml.mapping(items.get(i), path, List.of("url", "path", "generated", "exclude"));
			if (keys == null) {
				continue;
			}
			String url = null;
			if (keys.get("url") == null) {
				yaml.problem(path + ".url", "required; expected a URL path such as /static");
			}
			else {
				url = yaml.text(keys.get("url"), path + ".url", "a URL path such as /static");
				if (url != null && (!url.startsWith("/") || !safeSegments(url.substring(1)))) {
					yaml.problem(path + ".url",
							"expected a URL path such as /static: '/' followed by names of letters, "
									+ "digits, '.', '_', '~' or '-' separated by '/'; found '" + url + "'");
				}
				else if (url != null && !urls.add(url.replaceAll("/+$", ""))) {
					yaml.problem(path + ".url", "'" + url + "' is listed twice");
				}
			}
			String dir = null;
			if (keys.get("path") == null) {
				yaml.problem(path + ".path", "required; expected a path in the archive such as static/" + "myapp");
			}
			else {
				dir = yaml.text(keys.get("path"), path + ".path", "a path in the archive");
				if (dir != null && !safeSegments(dir)) {
					yaml.problem(path + ".path", "expected a relative path inside the archive (names separated by '/', "
							+ "no '..', no leading '/'); found '" + dir + "'");
				}
				else if (dir != null && (dir.equals(AppPaths.VENV) || dir.startsWith(AppPaths.VENV + "/"))) {
					yaml.problem(path + ".path", "'" + dir + "' is where the server builds the release's Python "
							+ "environment; choose another directory");
				}
			}
			boolean generated = false;
			if (keys.get("generated") != null) {
				Boolean value = yaml.bool(keys.get("generated"), path + ".generated");
				generated = Boolean.TRUE.equals(value);
			}
			List<String> exclude = exclude(yaml, keys.get("exclude"), path + ".exclude");
			statics.add(new StaticEntry(String.valueOf(url), String.valueOf(dir).replaceAll("/+$", ""), generated,
					exclude));
		}
		return List.copyOf(statics);
	}

	/**
	 * Files of a static directory the web server must not serve (such as Django's
	 * {@code staticfiles.json}): glob patterns of safe names and {@code *}; a pattern
	 * without {@code /} matches a file name at any depth.
	 */
	private static List<String> exclude(YamlTree yaml, @Nullable Node node, String path) {
		if (node == null) {
			return List.of();
		}
		List<Node> items = yaml.list(node, path, "file patterns such as staticfiles.json or *.map");
		List<String> patterns = new ArrayList<>();
		if (items != null && items.size() > AppManifest.StaticEntry.MAX_EXCLUDES) {
			yaml.problem(path, "at most " + AppManifest.StaticEntry.MAX_EXCLUDES + " patterns; found " + items.size());
			return List.of();
		}
		for (int i = 0; items != null && i < items.size(); i++) {
			String item = YamlTree.item(path, i);
			String pattern = yaml.text(items.get(i), item, "a file pattern such as staticfiles.json or *.map");
			if (pattern != null && !AppManifest.StaticEntry.EXCLUDE.matcher(pattern).matches()) {
				yaml.problem(item, "expected a file pattern of letters, digits, '.', '_', '-' and '*', with '/' "
						+ "between directories (no '..', no leading '/'), such as staticfiles.json or *.map; found '"
						+ pattern + "'");
			}
			else if (pattern != null) {
				patterns.add(pattern);
			}
		}
		return List.copyOf(patterns);
	}

	/** Whether a relative path consists of safe names: no {@code ..}, no empty part. */
	static boolean safeSegments(String path) {
		String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
		if (trimmed.isEmpty()) {
			return false;
		}
		for (String segment : trimmed.split("/", -1)) {
			if (!SEGMENT.matcher(segment).matches()) {
				return false;
			}
		}
		return true;
	}

}
