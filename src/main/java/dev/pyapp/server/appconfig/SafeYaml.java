package dev.pyapp.server.appconfig;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * SnakeYAML set up for files from outside: only plain types (SafeConstructor), no
 * duplicate keys, few aliases, bounded size and depth. Plain scalars resolve as YAML 1.2
 * does ({@code true}/{@code false} only; {@code no} and dates stay text), while output is
 * quoted for YAML 1.1 readers such as PyYAML.
 */
final class SafeYaml {

	private static final int MAX_CODE_POINTS = 1024 * 1024;

	private SafeYaml() {
	}

	/**
	 * Parses one document.
	 * @param content the text
	 * @return the document ({@code null} if empty)
	 * @throws YAMLException if it is not valid YAML or breaks a limit
	 */
	static @Nullable Object load(String content) {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setMaxAliasesForCollections(20);
		options.setAllowRecursiveKeys(false);
		options.setNestingDepthLimit(30);
		options.setCodePointLimit(MAX_CODE_POINTS);
		options.setProcessComments(false);
		return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
				options, new Yaml12Resolver())
			.load(content);
	}

	/**
	 * Writes plain data (maps, lists, text, numbers, booleans) in block style.
	 * @param data the data
	 * @return the YAML text
	 */
	static String dump(Object data) {
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		options.setIndent(2);
		options.setWidth(120);
		options.setSplitLines(false);
		options.setAllowUnicode(true);
		return new Yaml(new Representer(options), options).dump(data);
	}

	/**
	 * A short, single-line description of a YAML error with its line and column.
	 * @param ex the error
	 * @return the description
	 */
	static String describe(YAMLException ex) {
		if (ex instanceof MarkedYAMLException marked) {
			String problem = String.valueOf(marked.getProblem());
			if (marked.getProblemMark() != null) {
				return "not valid YAML at line " + (marked.getProblemMark().getLine() + 1) + ", column "
						+ (marked.getProblemMark().getColumn() + 1) + ": " + problem;
			}
			return "not valid YAML: " + problem;
		}
		return "not valid YAML: " + ex.getMessage();
	}

	/**
	 * Resolves plain scalars as YAML 1.2's core schema does.
	 */
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
