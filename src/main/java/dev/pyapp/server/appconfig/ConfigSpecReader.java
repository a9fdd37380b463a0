package dev.pyapp.server.appconfig;

import org.springframework.stereotype.Component;

/**
 * Reads {@code configuration.yaml} and {@code configuration.ini} into a
 * {@link ConfigSpec}.
 */
@Component
public class ConfigSpecReader {

	/**
	 * Reads and validates a spec.
	 * @param fileName the file's name in the archive, {@code configuration.yaml} or
	 * {@code configuration.ini} (it selects the format, and problems name it)
	 * @param content the file's text
	 * @return the spec
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) listing every
	 * problem, each with its path
	 */
	public ConfigSpec read(String fileName, String content) {
		throw new UnsupportedOperationException("not implemented yet");
	}

}
