package dev.pyapp.server.appconfig.internal;

import dev.pyapp.server.core.YamlLoader;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.representer.Representer;

/**
 * YAML for configuration: specs, widget files and config files are read with the server's
 * one {@link YamlLoader} (its default bounds), plain scalars resolving as YAML 1.2 does
 * ({@code true}/{@code false} only; {@code no} and dates stay text), while output is
 * quoted for YAML 1.1 readers such as PyYAML.
 */
public final class SafeYaml {

	private static final YamlLoader LOADER = new YamlLoader(YamlLoader.Limits.DEFAULTS, YamlLoader.Schema.YAML_1_2);

	private SafeYaml() {
	}

	/**
	 * Parses one document.
	 * @param file the file's name, for errors
	 * @param content the text
	 * @return the document ({@code null} if empty)
	 * @throws YamlLoader.InvalidYamlException if it is not valid YAML or breaks a bound
	 */
	public static @Nullable Object load(String file, String content) {
		return LOADER.load(file, content);
	}

	/**
	 * Writes plain data (maps, lists, text, numbers, booleans) in block style.
	 * @param data the data
	 * @return the YAML text
	 */
	public static String dump(Object data) {
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		options.setIndent(2);
		options.setWidth(120);
		options.setSplitLines(false);
		options.setAllowUnicode(true);
		return new Yaml(new Representer(options), options).dump(data);
	}

}
