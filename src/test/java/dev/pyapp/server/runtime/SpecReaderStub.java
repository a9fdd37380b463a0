package dev.pyapp.server.runtime;

import java.util.List;

import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.appconfig.ConfigSpecReader;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Stands in for the configuration spec reader while the appconfig module has none: the
 * runtime tests only need a spec's output format. Registered only when the real reader is
 * not implemented.
 */
final class SpecReaderStub extends ConfigSpecReader
		implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public ConfigSpec read(String fileName, String content) {
		boolean ini = fileName.endsWith(".ini") || content.lines().anyMatch((line) -> line.startsWith("output: ini"));
		return new ConfigSpec(ini ? "ini" : "yaml", List.of());
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (realReaderWorks()) {
			return;
		}
		((GenericApplicationContext) context).registerBean("specReaderStub", ConfigSpecReader.class,
				SpecReaderStub::new, (definition) -> definition.setPrimary(true));
	}

	private static boolean realReaderWorks() {
		try {
			ConfigSpecReader reader = ConfigSpecReader.class.getDeclaredConstructor().newInstance();
			reader.read("configuration.yaml", "format: 1\nsections: []\n");
			return true;
		}
		catch (UnsupportedOperationException ex) {
			return false;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			// the real reader needs collaborators: it exists, so it is used
			return true;
		}
	}

}
