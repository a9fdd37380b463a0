package dev.pyapp.server.appconfig;

import java.util.List;

/**
 * A validated configuration spec (SPEC §2).
 *
 * @param output the format of the file the app reads: {@code yaml} or {@code ini}
 * @param sections the sections, in order
 */
public record ConfigSpec(String output, List<Section> sections) {

	/**
	 * @param name the section's name
	 * @param label the label shown in a form
	 * @param fields the fields, in order
	 */
	public record Section(String name, String label, List<Field> fields) {
	}

	/**
	 * @param name the field's name
	 * @param widget the widget's name
	 */
	public record Field(String name, String widget) {
	}

}
