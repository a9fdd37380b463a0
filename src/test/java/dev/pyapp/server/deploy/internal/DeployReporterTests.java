package dev.pyapp.server.deploy.internal;

import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.deploy.DeployProgressed;
import dev.pyapp.server.install.InMemoryLifecycles;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;

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
		ApplicationEventPublisher events = (event) -> published.add((DeployProgressed) event);
		DeployReporter report = new DeployReporter(
				new InMemoryLifecycles(events).restarted().open(new AppId("wiki"), "upgrading"), events, "2.0-b",
				"rollback");
		report.info("rolling back wiki from 2.0-c to 2.0-b");
		report.warn("a rollback returns to the earlier code");
		assertThat(published).extracting(DeployProgressed::step).containsExactly("rollback", "rollback");
		assertThat(published).extracting(DeployProgressed::level).containsExactly("INFO", "WARNING");
	}

}
