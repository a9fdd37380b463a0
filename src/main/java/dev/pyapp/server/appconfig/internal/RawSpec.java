package dev.pyapp.server.appconfig.internal;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A spec file parsed into plain mappings but not yet checked: the common ground of
 * {@code configuration.yaml} and {@code configuration.ini}, so that both are checked by
 * the same {@code SpecBuilder}. Paths are relative to the file.
 *
 * @param top the top-level keys ({@code format}, {@code output})
 * @param sections the sections in file order
 */
public record RawSpec(Map<String, @Nullable Object> top, List<Section> sections) {

	/**
	 * @param path where its keys are, such as {@code sections[0]} or {@code site}
	 * @param namePath where its name is, for duplicate names
	 * @param props its keys ({@code name}, {@code label}, {@code help})
	 * @param fields its fields in file order
	 */
	public record Section(String path, String namePath, Map<String, @Nullable Object> props, List<Field> fields) {
	}

	/**
	 * @param path where its keys are, such as {@code sections[0].fields[2]} or
	 * {@code site.title}
	 * @param namePath where its name is, for duplicate names
	 * @param props its keys ({@code name}, {@code widget}, {@code default}, options...)
	 */
	public record Field(String path, String namePath, Map<String, @Nullable Object> props) {
	}

}
