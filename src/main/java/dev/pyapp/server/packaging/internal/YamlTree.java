package dev.pyapp.server.packaging.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.YamlLoader;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML document read as a node tree, with typed access that records a {@link Problem}
 * (path {@code <file>: <key path>}) for every value of the wrong shape instead of
 * failing. Working on nodes rather than constructed objects keeps each scalar's text as
 * written ({@code version: 1.10} stays {@code 1.10}), and a walk that only follows known
 * keys cannot be made to expand aliases exponentially.
 */
public final class YamlTree {

	private static final Pattern INTEGER = Pattern.compile("^\\+?[0-9]{1,9}$");

	private final String file;

	private final List<Problem> problems;

	private YamlTree(String file, List<Problem> problems) {
		this.file = file;
		this.problems = problems;
	}

	/**
	 * Parses a document; a syntax error or a limit reached becomes a problem.
	 * @param file the file's name, the first part of every problem's path
	 * @param text the document
	 * @param properties the limits
	 * @param problems where problems are added
	 * @return the tree, and its root node or {@code null} if it could not be parsed
	 */
	static Parsed parse(String file, String text, PackagingProperties properties, List<Problem> problems) {
		YamlTree tree = new YamlTree(file, problems);
		try {
			Node root = new YamlLoader(properties.yamlLimits(), YamlLoader.Schema.YAML_1_1).compose(file, text);
			if (root == null) {
				tree.problem("", "the document is empty; expected a mapping of keys");
			}
			return new Parsed(tree, root);
		}
		catch (YamlLoader.InvalidYamlException ex) {
			tree.problem("", ex.reason());
			return new Parsed(tree, null);
		}
	}

	record Parsed(YamlTree tree, @Nullable Node root) {
	}

	void problem(String path, String message) {
		this.problems.add(new Problem(path.isEmpty() ? this.file : this.file + ": " + path, message));
	}

	static String child(String path, String key) {
		return path.isEmpty() ? key : path + "." + key;
	}

	public static String item(String path, int index) {
		return path + "[" + index + "]";
	}

	/**
	 * Reads a mapping, reporting a non-mapping, non-text keys, duplicate keys and keys
	 * not in {@code allowed}.
	 * @return the values by key, YAML nulls left out; {@code null} if it is no mapping
	 */
	@Nullable Map<String, Node> mapping(Node node, String path, Collection<String> allowed) {
		if (!(node instanceof MappingNode mapping)) {
			problem(path, "expected a mapping with the keys " + String.join(", ", allowed) + "; found " + kind(node));
			return null;
		}
		Map<String, Node> values = new LinkedHashMap<>();
		List<String> seen = new ArrayList<>();
		for (NodeTuple tuple : mapping.getValue()) {
			if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
				problem(path, "expected text keys; found " + kind(tuple.getKeyNode()) + " as a key");
				continue;
			}
			String key = keyNode.getValue();
			String keyPath = child(path, key);
			if (seen.contains(key)) {
				problem(keyPath, "duplicate key; each key may appear once");
				continue;
			}
			seen.add(key);
			if (!allowed.contains(key)) {
				problem(keyPath, "unknown key; expected one of " + String.join(", ", allowed));
				continue;
			}
			if (!isNull(tuple.getValueNode())) {
				values.put(key, tuple.getValueNode());
			}
		}
		return values;
	}

	/**
	 * @return the scalar's text as written, or {@code null} (reported) for anything else
	 */
	@Nullable String text(Node node, String path, String expected) {
		if (node instanceof ScalarNode scalar && !isNull(node)) {
			return scalar.getValue();
		}
		problem(path, "expected " + expected + "; found " + kind(node));
		return null;
	}

	@Nullable Integer integer(Node node, String path, int min, int max) {
		if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.INT)
				&& INTEGER.matcher(scalar.getValue()).matches()) {
			int value = Integer.parseInt(scalar.getValue());
			if (value >= min && value <= max) {
				return value;
			}
		}
		problem(path, "expected an integer from " + min + " to " + max + "; found " + kind(node));
		return null;
	}

	@Nullable Boolean bool(Node node, String path) {
		if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.BOOL)) {
			String value = scalar.getValue().toLowerCase(Locale.ROOT);
			return value.equals("true") || value.equals("yes") || value.equals("on");
		}
		problem(path, "expected true or false; found " + kind(node));
		return null;
	}

	@Nullable List<Node> list(Node node, String path, String expected) {
		if (node instanceof SequenceNode sequence) {
			return sequence.getValue();
		}
		problem(path, "expected a list of " + expected + "; found " + kind(node));
		return null;
	}

	private static boolean isNull(Node node) {
		return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
	}

	/** Describes a node in a message: {@code 'abc'}, a list, a mapping. */
	static String kind(Node node) {
		if (node instanceof MappingNode) {
			return "a mapping";
		}
		if (node instanceof SequenceNode) {
			return "a list";
		}
		if (isNull(node)) {
			return "nothing";
		}
		String value = ((ScalarNode) node).getValue();
		return "'" + ((value.length() > 60) ? value.substring(0, 60) + "..." : value) + "'";
	}

}
