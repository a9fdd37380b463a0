package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.NodeShell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A server whose pip cannot get gunicorn still builds apps (uWSGI runs them; only an app
 * run on gunicorn is refused, when it starts), and tries again once the failure is old
 * enough: an operator who fixed pip's configuration need not restart the server.
 */
class ServerPackagesRetryTests {

	@TempDir
	Path home;

	private final InterpreterFinder interpreters = mock(InterpreterFinder.class);

	private ServerPackages packages;

	@BeforeEach
	void packages() {
		PythonProperties properties = new PythonProperties(List.of(), "none", Duration.ofMinutes(1), true, 0,
				Duration.ofSeconds(10), true);
		NodeShell shell = mock(NodeShell.class);
		this.packages = new ServerPackages(new PyappHome(this.home), shell,
				new PipRunner(shell, properties, java.util.Map.of()), this.interpreters, properties,
				Duration.ofMillis(300));
		given(this.interpreters.select(any())).willThrow(PyappException.failed("no Python for pip", null));
	}

	@Test
	void aFailedProvisioningLeavesTheShimAndIsTriedAgainOnceItIsOldEnough() throws IOException {
		Provisioning failed = this.packages.awaitReady(Duration.ofSeconds(10));

		assertThat(failed.state()).isEqualTo("failed");
		assertThat(failed.message()).startsWith("no Python for pip (put a gunicorn wheel into ");
		assertThat(this.packages.directory().resolve("pyapp_runtime/wsgi.py")).isRegularFile();
		// at once: the same failure, not another pip run per build
		assertThat(this.packages.awaitReady(Duration.ofSeconds(10))).isSameAs(failed);
		verify(this.interpreters, times(1)).select(any());

		// the operator put gunicorn where pip would have
		Path distInfo = Files.createDirectories(this.packages.directory().resolve("gunicorn-23.0.0.dist-info"));
		Files.writeString(distInfo.resolve("METADATA"), "Metadata-Version: 2.1\nName: gunicorn\nVersion: 23.0.0\n");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(this.packages.awaitReady(Duration.ofSeconds(10)).gunicorn()).isEqualTo("23.0.0"));
		assertThat(this.packages.status().ready()).isTrue();
	}

}
