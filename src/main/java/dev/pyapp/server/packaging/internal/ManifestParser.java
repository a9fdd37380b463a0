package dev.pyapp.server.packaging.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.packaging.AppManifest.Dependency;
import dev.pyapp.server.packaging.AppManifest.Entry;
import dev.pyapp.server.packaging.AppManifest.EntryKind;
import dev.pyapp.server.packaging.AppManifest.Resources;
import dev.pyapp.server.packaging.AppManifest.Scope;
import dev.pyapp.server.packaging.AppManifest.StaticEntry;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.Pep440Version;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns {@code metadata.yaml} into an {@link AppManifest}, collecting every problem (SPEC
 * §1). The identity, entry point, dependencies, resources and static files are read here;
 * the sections about running the app in {@link ManifestSections}.
 */
public final class ManifestParser {

	public static final String FILE = "metadata.yaml";

	public static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");

	/** {@code module.path:attribute}, for entry points, hooks and tasks. */
	static final Pattern CALLABLE = Pattern.compile(
			"^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$");

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
	public static @Nullable AppManifest parse(String text, PackagingProperties properties, List<Problem> problems) {
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
		Resources resources = (keys.containsKey("resources")) ? ManifestResources.resources(yaml, keys.get("resources"))
				: new Resources(List.of(), List.of());
		List<StaticEntry> statics = (keys.containsKey("static")) ? ManifestResources.statics(yaml, keys.get("static"))
				: List.of();
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
			// an unknown key such as asgi was reported already
			boolean unknownKeys = ((MappingNode) node).getValue()
				.stream()
				.anyMatch((tuple) -> !(tuple.getKeyNode() instanceof ScalarNode key)
						|| !List.of("wsgi", "factory").contains(key.getValue()));
			if (keys.size() > 1 || !unknownKeys) {
				yaml.problem("entry",
						"expected exactly one of wsgi or factory; found " + (keys.isEmpty() ? "neither" : "both"));
			}
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

}
