package dev.pyapp.server.storage;

import java.nio.file.Path;

import dev.pyapp.server.PyappServerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start on the embedded store logs no errors: nothing probes it for what it lacks.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupLogIntegrationTests {

	@Test // GH-15: the capped-collection probe logged two ERROR stack traces at every
			// start
	void startsWithoutErrorsOnTheEmbeddedStore(@TempDir Path home, CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PyappServerApplication.class)
			.web(WebApplicationType.NONE)
			.run("--pyapp.home=" + home)) {
			assertThat(context.isRunning()).isTrue();
		}
		// (other tests' contexts may still log in this JVM: only this start's own
		// errors count)
		assertThat(output.getAll()).doesNotContain("MongoWireProtocolHandler")
			.doesNotContain("capped-probe")
			.doesNotContain("Creating capped collections is not yet implemented");
	}

}
