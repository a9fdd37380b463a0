package dev.pyapp.server.runtime.internal;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.runtime.internal.DaemonLauncher.Naming;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master of a daemon found by the command lines that name its pid file
 * ({@link DaemonLauncher#masterOf}): never the sandbox around it, whose stop would stop
 * the live daemon (crash-sweep: the stray search of a restart stopped every adopted
 * daemon so).
 */
class DaemonMasterTests {

	private static final String PID_FILE = "/home/apps/blog/run/r-0badc0de.pid";

	private static final List<String> BWRAP = List.of("/usr/bin/bwrap", "--die-with-parent", "--", "uwsgi", "--pidfile",
			PID_FILE);

	private static final List<String> UWSGI = List.of("uwsgi", "--pidfile", PID_FILE);

	@Test
	void inASandboxTheMasterIsTheAppServerBelowBothBubblewrapProcesses() {
		List<Naming> naming = List.of(new Naming(10, 1, BWRAP), new Naming(11, 10, BWRAP), new Naming(12, 11, UWSGI),
				new Naming(13, 12, UWSGI), new Naming(14, 12, UWSGI));

		assertThat(DaemonLauncher.masterOf(naming)).isEqualTo(12L);
	}

	@Test
	void withoutASandboxTheMasterIsTheOneWhoseWorkersShareItsCommandLine() {
		List<Naming> naming = List.of(new Naming(21, 20, UWSGI), new Naming(20, 1, UWSGI), new Naming(22, 20, UWSGI));

		assertThat(DaemonLauncher.masterOf(naming)).isEqualTo(20L);
	}

	@Test
	void aWorkerLeftWithoutItsMasterIsOneToStop() {
		assertThat(DaemonLauncher.masterOf(List.of(new Naming(13, 1, UWSGI)))).isEqualTo(13L);
		assertThat(DaemonLauncher.masterOf(List.of())).isNull();
	}

}
