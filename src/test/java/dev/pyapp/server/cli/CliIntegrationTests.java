package dev.pyapp.server.cli;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against the real server: JSON-RPC over HTTP, the token from the server's token
 * file, real error answers.
 */
// the context closes before the class's temporary home is deleted: the server writes
// there until it stops
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pyapp.storage.persistent=false")
class CliIntegrationTests {

	@TempDir
	static Path home;

	@TempDir
	Path workingDirectory;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void home(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", () -> home.toString());
	}

	/** No --token, no PYAPP_TOKEN: the token comes from $PYAPP_HOME/api-token. */
	private CliRun pyapp(String... args) {
		return CliRun.run(Map.of("PYAPP_URL", "http://127.0.0.1:" + this.port + "/rpc", "PYAPP_HOME", home.toString()),
				this.workingDirectory, args);
	}

	@Test
	void infoShowsTheServersHome() {
		CliRun run = pyapp("info");
		assertThat(run.err()).isEmpty();
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("version:").contains("home:").contains(home.toString());
	}

	@Test
	void appsListIsEmptyAtFirst() {
		CliRun run = pyapp("apps", "list");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("no apps installed\n");
		CliRun json = pyapp("apps", "list", "--json");
		assertThat(json.exitCode()).isZero();
		assertThat(json.out().trim()).isEqualTo("[ ]");
	}

	@Test
	void showingAMissingAppIsOneReadableLine() {
		CliRun run = pyapp("apps", "show", "nope");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).startsWith("error: ").contains("nope").hasLineCount(1);
	}

	@Test
	void rpcCallsAnyMethod() {
		CliRun run = pyapp("rpc", "server.info");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).startsWith("{").contains("\"home\"");
		CliRun invalid = pyapp("rpc", "apps.get", "{}");
		assertThat(invalid.exitCode()).isEqualTo(1);
		assertThat(invalid.err()).startsWith("error: Invalid params: missing required param(s): name");
	}

	@Test
	void virtualServersAndMountsAreListedEmpty() {
		CliRun servers = pyapp("servers", "list");
		assertThat(servers.err()).isEmpty();
		assertThat(servers.exitCode()).isZero();
		CliRun mounts = pyapp("mounts", "list");
		assertThat(mounts.err()).isEmpty();
		assertThat(mounts.exitCode()).isZero();
		assertThat(mounts.out()).isEqualTo("no mounts\n");
		CliRun removed = pyapp("mounts", "remove", "nope", "/x", "someapp");
		assertThat(removed.exitCode()).isEqualTo(1);
		assertThat(removed.err()).startsWith("error: ").doesNotContain("Invalid params");
	}

	@Test
	void aWrongTokenIsRefused() {
		CliRun run = pyapp("--token", "wrong", "info");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: invalid API token (HTTP 401");
	}

}
