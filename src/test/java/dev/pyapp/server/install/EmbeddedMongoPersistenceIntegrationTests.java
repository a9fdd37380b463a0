package dev.pyapp.server.install;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded MongoDB keeps its data under PYAPP_HOME, so the registry survives a
 * restart of the server.
 */
class EmbeddedMongoPersistenceIntegrationTests {

	@Test
	void registrySurvivesARestart(@TempDir Path home) {
		Instant now = Instant.parse("2026-11-22T00:00:00Z");
		try (ConfigurableApplicationContext first = start(home)) {
			first.getBean(AppRegistry.class)
				.save(new InstalledApp("kept", AppSource.archive(), null, Map.of(), now, now));
		}
		assertThat(Files.exists(home.resolve("db/pyapp.mv.db"))).isTrue();
		try (ConfigurableApplicationContext second = start(home)) {
			assertThat(second.getBean(AppRegistry.class).find(AppId.of("kept"))).isPresent();
		}
	}

	private static ConfigurableApplicationContext start(Path home) {
		return new SpringApplicationBuilder(PyappServerApplication.class).web(WebApplicationType.NONE)
			.run("--pyapp.home=" + home);
	}

}
