package dev.pyapp.server.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The level of a line of a hook's output.
 */
class DeployReporterTests {

	@Test
	void takesTheLevelOfWhatAHookLogged() {
		assertThat(DeployReporter.level("ERROR flask_migrate: Error: Can't locate revision")).isEqualTo("ERROR");
		assertThat(DeployReporter.level("WARNING py.warnings: deprecated")).isEqualTo("WARNING");
		assertThat(DeployReporter.level("  Applying contenttypes.0001_initial... OK")).isEqualTo("INFO");
		assertThat(DeployReporter.level("ERRORS are not a level")).isEqualTo("INFO");
	}

}
