package dev.pyapp.server.deploy;

import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The level of a line of a hook's output, and the step each report belongs to.
 */
class DeployReporterTests {

	@Test
	void takesTheLevelOfWhatAHookLogged() {
		assertThat(DeployReporter.level("ERROR flask_migrate: Error: Can't locate revision")).isEqualTo("ERROR");
		assertThat(DeployReporter.level("WARNING py.warnings: deprecated")).isEqualTo("WARNING");
		assertThat(DeployReporter.level("  Applying contenttypes.0001_initial... OK")).isEqualTo("INFO");
		assertThat(DeployReporter.level("ERRORS are not a level")).isEqualTo("INFO");
	}

	@Test // the CLI starts a step where the step of the records changes
	void reportsBeforeTheFirstStepBelongToTheOperationNotToAStep() {
		List<DeployProgressed> published = new ArrayList<>();
		DeployReporter report = new DeployReporter(null, (event) -> published.add((DeployProgressed) event),
				new AppId("wiki"), "upgrading", "2.0-b", "rollback");
		report.info("rolling back wiki from 2.0-c to 2.0-b");
		report.warn("a rollback returns to the earlier code");
		assertThat(published).extracting(DeployProgressed::step).containsExactly("rollback", "rollback");
		assertThat(published).extracting(DeployProgressed::level).containsExactly("INFO", "WARNING");
	}

}
