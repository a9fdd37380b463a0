package dev.pyapp.server.core;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import org.springframework.util.Assert;

/**
 * The one way the server reads YAML it did not write itself: {@code metadata.yaml},
 * {@code configuration.yaml}, widget files and an app's config file. Every bound is
 * explicit ({@link Limits}): aliases to collections (billion laughs), nesting depth and
 * size in code points; only the standard YAML tags are accepted (no custom or language
 * tags, and values are built by SnakeYAML's {@link SafeConstructor}); one document per
 * file. Every failure is an {@link InvalidYamlException} naming the file.
 */
public final class YamlLoader {

	/** The tags a document may carry, explicitly or resolved. */
	private static final Set<Tag> STANDARD_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP,
			Tag.SEQ, Tag.MERGE, Tag.TIMESTAMP, Tag.BINARY, Tag.SET, Tag.OMAP, Tag.PAIRS, Tag.YAML);

	private final Limits limits;

	private final Schema schema;

	/**
	 * A loader.
	 * @param limits the bounds of one document
	 * @param schema how plain scalars resolve
	 */
	public YamlLoader(Limits limits, Schema schema) {
		Assert.notNull(limits, "'limits' must not be null");
		Assert.notNull(schema, "'schema' must not be null");
		this.limits = limits;
		this.schema = schema;
	}

	/**
	 * The bounds this loader enforces.
	 * @return the limits
	 */
	public Limits limits() {
		return this.limits;
	}

	/**
	 * Parses one document into its node tree, each scalar's text kept as written. A walk
	 * over the tree must not follow aliases blindly: an alias is the same node object as
	 * its anchor.
	 * @param file the file's name, used in errors
	 * @param text the document
	 * @return the root node, {@code null} if the document is empty
	 * @throws InvalidYamlException if it is not one valid YAML document or breaks a bound
	 */
	public @Nullable Node compose(String file, String text) {
		Assert.hasText(file, "'file' must have text");
		Assert.notNull(text, "'text' must not be null");
		try {
			Node root = yaml().compose(new StringReader(withoutBom(text)));
			if (root != null) {
				checkTags(file, root);
			}
			return root;
		}
		catch (YAMLException ex) {
			throw new InvalidYamlException(file, describe(ex));
		}
	}

	/**
	 * Parses one document into plain Java values (maps, lists, text, numbers, booleans,
	 * {@code null}); duplicate keys are refused.
	 * @param file the file's name, used in errors
	 * @param text the document
	 * @return the document's value, {@code null} if it is empty
	 * @throws InvalidYamlException if it is not one valid YAML document or breaks a bound
	 */
	public @Nullable Object load(String file, String text) {
		Node root = compose(file, text);
		if (root == null) {
			return null;
		}
		try {
			return new PlainConstructor(options()).construct(root);
		}
		catch (YAMLException ex) {
			throw new InvalidYamlException(file, describe(ex));
		}
	}

	private Yaml yaml() {
		LoaderOptions options = options();
		DumperOptions dumper = new DumperOptions();
		Resolver resolver = (this.schema == Schema.YAML_1_2) ? new Yaml12Resolver() : new Resolver();
		return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, resolver);
	}

	private LoaderOptions options() {
		LoaderOptions options = new LoaderOptions();
		options.setMaxAliasesForCollections(this.limits.maxAliases());
		options.setNestingDepthLimit(this.limits.maxDepth());
		options.setCodePointLimit(this.limits.maxCodePoints());
		options.setAllowDuplicateKeys(false);
		options.setAllowRecursiveKeys(false);
		options.setProcessComments(false);
		return options;
	}

	private static String withoutBom(String text) {
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

	/**
	 * Refuses any tag outside {@link #STANDARD_TAGS}, visiting each node once (an alias
	 * is the node it refers to, so a document of aliases is not walked exponentially).
	 */
	private static void checkTags(String file, Node root) {
		Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Deque<Node> pending = new ArrayDeque<>();
		pending.push(root);
		while (!pending.isEmpty()) {
			Node node = pending.pop();
			if (!seen.add(node)) {
				continue;
			}
			if (!STANDARD_TAGS.contains(node.getTag())) {
				String line = (node.getStartMark() != null) ? " (line " + (node.getStartMark().getLine() + 1) + ")"
						: "";
				throw new InvalidYamlException(file,
						"the tag " + node.getTag() + " is not allowed" + line + "; expected plain YAML without tags");
			}
			if (node instanceof MappingNode mapping) {
				for (NodeTuple tuple : mapping.getValue()) {
					pending.push(tuple.getKeyNode());
					pending.push(tuple.getValueNode());
				}
			}
			else if (node instanceof SequenceNode sequence) {
				sequence.getValue().forEach(pending::push);
			}
		}
	}

	private String describe(YAMLException ex) {
		String message = String.valueOf(ex.getMessage());
		if (message.contains("aliases for non-scalar nodes")) {
			return "anchors and aliases are expanded past the limit of " + this.limits.maxAliases()
					+ " (a 'billion laughs' document); expected plain YAML";
		}
		if (message.contains("Nesting Depth exceeded")) {
			return "nested deeper than " + this.limits.maxDepth() + " levels; expected plain YAML";
		}
		if (message.contains("exceeds the limit") && message.contains("code points")) {
			return "larger than " + this.limits.maxCodePoints() + " characters; expected a small text file";
		}
		if (message.contains("Global tag is not allowed") || message.contains("could not determine a constructor")) {
			return "a tag is not allowed; expected plain YAML without tags";
		}
		if (ex instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
			return "not valid YAML: " + oneLine(String.valueOf(marked.getProblem())) + " (line "
					+ (marked.getProblemMark().getLine() + 1) + ", column " + (marked.getProblemMark().getColumn() + 1)
					+ ")";
		}
		return "not valid YAML: " + oneLine(message);
	}

	private static String oneLine(String text) {
		return text.replace('\n', ' ').replaceAll("\\s+", " ").trim();
	}

	/**
	 * The bounds of one document.
	 *
	 * @param maxAliases the most aliases to collections (anchors referred to again), the
	 * bound on a "billion laughs" expansion
	 * @param maxDepth the deepest nesting of mappings and lists
	 * @param maxCodePoints the most characters (Unicode code points)
	 */
	public record Limits(int maxAliases, int maxDepth, int maxCodePoints) {

		/** 50 aliases, 20 levels, 1 Mi characters. */
		public static final Limits DEFAULTS = new Limits(50, 20, 1024 * 1024);

		public Limits {
			Assert.isTrue(maxAliases >= 0, "'maxAliases' must not be negative");
			Assert.isTrue(maxDepth > 0, "'maxDepth' must be positive");
			Assert.isTrue(maxCodePoints > 0, "'maxCodePoints' must be positive");
		}

		/**
		 * These limits with another size bound.
		 * @param maxCodePoints the most characters
		 * @return the limits
		 */
		public Limits withMaxCodePoints(int maxCodePoints) {
			return new Limits(this.maxAliases, this.maxDepth, maxCodePoints);
		}

		/**
		 * These limits with another alias bound.
		 * @param maxAliases the most aliases to collections
		 * @return the limits
		 */
		public Limits withMaxAliases(int maxAliases) {
			return new Limits(maxAliases, this.maxDepth, this.maxCodePoints);
		}

	}

	/** How plain (unquoted) scalars resolve to types. */
	public enum Schema {

		/**
		 * YAML 1.1, as PyYAML reads it: {@code yes}/{@code no}/{@code on}/{@code off} are
		 * booleans.
		 */
		YAML_1_1,

		/**
		 * YAML 1.2's core schema: only {@code true}/{@code false} are booleans, no octal
		 * ({@code 010}) or sexagesimal ({@code 1:30}) numbers, dates stay text.
		 */
		YAML_1_2

	}

	/**
	 * A document that is not valid YAML or breaks a bound.
	 */
	public static final class InvalidYamlException extends PyappException {

		private final String file;

		private final String reason;

		InvalidYamlException(String file, String reason) {
			super(ErrorKind.INVALID, file + ": " + reason, List.of(new Problem(file, reason)), null, null);
			this.file = file;
			this.reason = reason;
		}

		/**
		 * The file's name as given to the loader.
		 * @return the name
		 */
		public String file() {
			return this.file;
		}

		/**
		 * What is wrong, without the file's name.
		 * @return the reason
		 */
		public String reason() {
			return this.reason;
		}

	}

	/** SafeConstructor, building the values of an already composed and checked tree. */
	private static final class PlainConstructor extends SafeConstructor {

		PlainConstructor(LoaderOptions options) {
			super(options);
			// Yaml copies these from the options into its constructor; this one is
			// used alone
			setAllowDuplicateKeys(options.isAllowDuplicateKeys());
			setWarnOnDuplicateKeys(false);
		}

		@Nullable Object construct(Node root) {
			return constructDocument(root);
		}

	}

	/** Resolves plain scalars as YAML 1.2's core schema does. */
	private static final class Yaml12Resolver extends Resolver {

		private static final Pattern BOOL_12 = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");

		// no YAML 1.1 octal (010) or sexagesimal (1:30) numbers
		private static final Pattern INT_12 = Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)$");

		private static final Pattern FLOAT_12 = Pattern
			.compile("^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$");

		@Override
		protected void addImplicitResolvers() {
			addImplicitResolver(Tag.BOOL, BOOL_12, "tTfF");
			addImplicitResolver(Tag.INT, INT_12, "-+0123456789");
			addImplicitResolver(Tag.FLOAT, FLOAT_12, "-+0123456789.");
			addImplicitResolver(Tag.NULL, NULL, "~nN\0");
			addImplicitResolver(Tag.NULL, EMPTY, null);
		}

	}

}
