package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServers;

import org.springframework.context.ApplicationEventPublisher;

import static org.mockito.Mockito.mock;

/**
 * A {@link DaemonLauncher} over a fake shell, with short timeouts, for the tests of how
 * it starts and stops daemons.
 */
final class LauncherFixtures {

	private LauncherFixtures() {
	}

	/**
	 * Runtime settings with a 10 s start timeout and short pauses.
	 * @param stopTimeout how long a stopped daemon is given before it is killed
	 * @return the settings
	 */
	static RuntimeProperties properties(Duration stopTimeout) {
		return new RuntimeProperties("20000-20999", Duration.ofSeconds(10), stopTimeout, Duration.ofMillis(10),
				Duration.ofMillis(50), Duration.ofSeconds(1), 5, Duration.ofMinutes(5), Duration.ofMillis(20), "auto",
				new RuntimeProperties.Uwsgi("uwsgi", "python3"),
				new RuntimeProperties.Adoption(Duration.ofSeconds(10), 4, 4));
	}

	static DaemonLauncher launcher(Path home, NodeShell shell, HostIsolation host, ApplicationEventPublisher events,
			Duration stopTimeout) {
		return new DaemonLauncher(new PyappHome(home), shell, properties(stopTimeout), mock(AppServers.class),
				new DaemonCgroups(host), mock(AppIsolation.class),
				new DaemonScales(mock(AppRegistry.class), mock(AppContexts.class)), events);
	}

}
