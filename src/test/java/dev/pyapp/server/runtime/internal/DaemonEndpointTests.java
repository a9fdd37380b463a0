package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.AppEndpoint;
import dev.pyapp.server.runtime.AppServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Where the web server reaches a daemon bound to a port: the port only while the daemon
 * runs. A port its daemon freed by crashing or stopping can be bound by any local
 * process, which would then be passed the app's requests.
 */
class DaemonEndpointTests {

	private static final AppId APP = AppId.of("ported");

	@TempDir
	Path home;

	private SupervisorFixture supervisor;

	@BeforeEach
	void start() throws Exception {
		// restarts wait a minute: the crashed daemon stays down during the test
		this.supervisor = new SupervisorFixture(this.home, List.of(APP),
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1)));
		this.supervisor.starts.start(APP);
	}

	@AfterEach
	void release() {
		this.supervisor.close();
	}

	private AppEndpoint endpoint() {
		return this.supervisor.apps.endpoint(APP, mock(AppServers.class));
	}

	@Test
	void isThePortWhileTheDaemonRuns() {
		assertThat(endpoint().port()).isEqualTo(20000);
		assertThat(endpoint().socket()).isNull();
	}

	@Test
	void isNoLongerThePortOnceTheDaemonCrashed() {
		this.supervisor.daemons.get(APP.value()).exit().complete(1);
		this.supervisor.watcher.watch(CrashWatcher.part(APP));
		assertThat(this.supervisor.events).hasAtLeastOneElementOfType(AppCrashed.class);

		assertThat(endpoint().port()).isNull();
		assertThat(endpoint().socket()).isEqualTo(new PyappHome(this.home).app(APP).webSocket());
	}

	@Test
	void isNoLongerThePortOnceTheDaemonStopped() {
		this.supervisor.stops.stop(APP);

		assertThat(endpoint().port()).isNull();
		assertThat(endpoint().socket()).isEqualTo(new PyappHome(this.home).app(APP).webSocket());
	}

}
