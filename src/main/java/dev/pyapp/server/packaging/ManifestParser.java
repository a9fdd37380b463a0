package dev.pyapp.server.packaging;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.packaging.AppManifest.Database;
import dev.pyapp.server.packaging.AppManifest.DatabaseKind;
import dev.pyapp.server.packaging.AppManifest.Dependency;
import dev.pyapp.server.packaging.AppManifest.Entry;
import dev.pyapp.server.packaging.AppManifest.EntryKind;
import dev.pyapp.server.packaging.AppManifest.Resources;
import dev.pyapp.server.packaging.AppManifest.Scope;
import dev.pyapp.server.packaging.AppManifest.StaticEntry;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns {@code metadata.yaml} into an {@link AppManifest}, collecting every problem (SPEC
 * §1). The identity, entry point, dependencies, resources and static files are read here;
 * the sections about running the app in {@link ManifestSections}.
 */
final class ManifestParser {

	static final String FILE = "metadata.yaml";

	static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");

	/** {@code module.path:attribute}, for entry points, hooks and tasks. */
	static final Pattern CALLABLE = Pattern.compile(
			"^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$");

	private static final Pattern WRITABLE = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$");

	private static final Pattern DATABASE = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

	private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$");

	private static final List<String> KEYS = List.of("format", "name", "version", "summary", "python", "entry",
			"dependencies", "resources", "static", "daemon", "health", "updates", "hooks", "tasks");

	private ManifestParser() {
	}

	/**
	 * Parses and validates a manifest.
	 * @param text the content of {@code metadata.yaml}
	 * @param properties the YAML limits
	 * @param problems where every problem found is added
	 * @return the manifest, or {@code null} if the document is no mapping; when problems
	 * were added it may hold placeholders and must not be used but to check more
	 */
	static @Nullable AppManifest parse(String text, PackagingProperties properties, List<Problem> problems) {
		YamlTree.Parsed parsed = YamlTree.parse(FILE, text, properties, problems);
		if (parsed.root() == null) {
			return null;
		}
		YamlTree yaml = parsed.tree();
		Map<String, Node> keys = yaml.mapping(parsed.root(), "", KEYS);
		if (keys == null) {
			return null;
		}
		Node formatNode = required(yaml, keys, "format", "1, the only known format");
		if (formatNode != null && !(formatNode instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)
				&& scalar.getValue().equals("1"))) {
			yaml.problem("format", "expected 1, the only known format; found " + YamlTree.kind(formatNode));
		}
		String name = requiredText(yaml, keys, "name", "an app name such as 'guestbook'");
		if (name != null && !NAME.matcher(name).matches()) {
			yaml.problem("name", "expected a lowercase letter followed by at most 39 lowercase letters, digits or "
					+ "'-' (^[a-z][a-z0-9-]{0,39}$); found '" + name + "'");
		}
		String version = requiredText(yaml, keys, "version", "a PEP 440 version such as '1.4.0'");
		if (version != null && !Pep440Version.isValid(version)) {
			yaml.problem("version", "expected a PEP 440 version such as '1.4.0'; found '" + version + "'");
		}
		String summary = optionalText(yaml, keys, "summary", "one line of text");
		if (summary != null && (summary.contains("\n") || summary.length() > 200)) {
			yaml.problem("summary", "expected one line of at most 200 characters");
		}
		String python = optionalText(yaml, keys, "python", "a PEP 440 specifier such as '>=3.9'");
		if (python != null) {
			try {
				Pep440Specifier.parse(python);
			}
			catch (IllegalArgumentException ex) {
				yaml.problem("python", "expected a PEP 440 specifier such as '>=3.9': " + ex.getMessage());
			}
		}
		Entry entry = (keys.containsKey("entry")) ? entry(yaml, keys.get("entry")) : missing(yaml, "entry");
		List<Dependency> dependencies = (keys.containsKey("dependencies"))
				? dependencies(yaml, keys.get("dependencies")) : List.of();
		Resources resources = (keys.containsKey("resources")) ? resources(yaml, keys.get("resources"))
				: new Resources(List.of(), List.of());
		List<StaticEntry> statics = (keys.containsKey("static")) ? statics(yaml, keys.get("static")) : List.of();
		ManifestSections sections = new ManifestSections(yaml);
		AppManifest manifest = new AppManifest(1, String.valueOf(name), String.valueOf(version), summary, python, entry,
				dependencies, resources, statics, sections.daemon(keys.get("daemon")),
				sections.health(keys.get("health")), sections.updates(keys.get("updates")),
				sections.hooks(keys.get("hooks")), sections.tasks(keys.get("tasks")));
		return manifest;
	}

	private static @Nullable Node required(YamlTree yaml, Map<String, Node> keys, String key, String expected) {
		Node node = keys.get(key);
		if (node == null) {
			yaml.problem(key, "required; expected " + expected);
		}
		return node;
	}

	private static @Nullable String requiredText(YamlTree yaml, Map<String, Node> keys, String key, String expected) {
		Node node = required(yaml, keys, key, expected);
		return (node != null) ? yaml.text(node, key, expected) : null;
	}

	private static @Nullable String optionalText(YamlTree yaml, Map<String, Node> keys, String key, String expected) {
		Node node = keys.get(key);
		return (node != null) ? yaml.text(node, key, expected) : null;
	}

	private static Entry missing(YamlTree yaml, String key) {
		yaml.problem(key, "required; expected a mapping with exactly one of wsgi or factory (module.path:attribute)");
		return new Entry(EntryKind.WSGI, "");
	}

	private static Entry entry(YamlTree yaml, Node node) {
		Map<String, Node> keys = yaml.mapping(node, "entry", List.of("wsgi", "factory"));
		if (keys == null) {
			return new Entry(EntryKind.WSGI, "");
		}
		if (keys.size() != 1) {
			yaml.problem("entry",
					"expected exactly one of wsgi or factory; found " + (keys.isEmpty() ? "neither" : "both"));
			return new Entry(EntryKind.WSGI, "");
		}
		String key = keys.keySet().iterator().next();
		String target = callable(yaml, keys.get(key), "entry." + key, "guestbook.web:application");
		return new Entry(key.equals("wsgi") ? EntryKind.WSGI : EntryKind.FACTORY, String.valueOf(target));
	}

	/** Reads a {@code module.path:attribute} reference. */
	static @Nullable String callable(YamlTree yaml, Node node, String path, String example) {
		String expected = "module.path:attribute, such as " + example;
		String value = yaml.text(node, path, expected);
		if (value != null && !CALLABLE.matcher(value).matches()) {
			yaml.problem(path, "expected " + expected + "; found '" + value + "'");
			return null;
		}
		return value;
	}

	private static List<Dependency> dependencies(YamlTree yaml, Node node) {
		List<Node> items = yaml.list(node, "dependencies", "{requirement, scope} mappings");
		List<Dependency> dependencies = new ArrayList<>();
		for (int i = 0; items != null && i < items.size(); i++) {
			String path = YamlTree.item("dependencies", i);
			Map<String, Node> keys = yaml.mapping(items.get(i), path, List.of("requirement", "scope"));
			if (keys == null) {
				continue;
			}
			String requirement = null;
			if (keys.get("requirement") == null) {
				yaml.problem(path + ".requirement",
						"required; expected a PEP 508 requirement such as 'bottle==0.12.25'");
			}
			else {
				requirement = yaml.text(keys.get("requirement"), path + ".requirement", "a PEP 508 requirement");
				String problem = (requirement != null) ? Pep508Requirement.problem(requirement) : null;
				if (problem != null) {
					yaml.problem(path + ".requirement", problem);
				}
			}
			Scope scope = Scope.LOCAL;
			if (keys.get("scope") != null) {
				String value = yaml.text(keys.get("scope"), path + ".scope", "local or shared");
				if ("shared".equals(value)) {
					scope = Scope.SHARED;
				}
				else if (value != null && !value.equals("local")) {
					yaml.problem(path + ".scope", "expected local or shared; found '" + value + "'");
				}
			}
			dependencies.add(new Dependency(String.valueOf(requirement).trim(), scope));
		}
		return List.copyOf(dependencies);
	}

	private static Resources resources(YamlTree yaml, Node node) {
		Map<String, Node> keys = yaml.mapping(node, "resources", List.of("writable", "databases"));
		if (keys == null) {
			return new Resources(List.of(), List.of());
		}
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
			if (!WRITABLE.matcher(name).matches() || name.equals("db")) {
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
		return new Resources(List.copyOf(writable), List.copyOf(databases));
	}

	private static List<StaticEntry> statics(YamlTree yaml, Node node) {
		List<Node> items = yaml.list(node, "static", "{url, path} mappings");
		List<StaticEntry> statics = new ArrayList<>();
		Set<String> urls = new HashSet<>();
		for (int i = 0; items != null && i < items.size(); i++) {
			String path = YamlTree.item("static", i);
			Map<String, Node> keys = yaml.mapping(items.get(i), path, List.of("url", "path"));
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
			}
			statics.add(new StaticEntry(String.valueOf(url), String.valueOf(dir).replaceAll("/+$", "")));
		}
		return List.copyOf(statics);
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
