package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command tests share: a fake API server per test, and {@link #pyapp} to run the
 * CLI against it with its token.
 */
abstract class CliCommandTests {

	@TempDir
	Path directory;

	FakeApiServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new FakeApiServer();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	CliRun pyapp(String... args) {
		return CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_TOKEN", FakeApiServer.TOKEN), this.directory,
				args);
	}

}
