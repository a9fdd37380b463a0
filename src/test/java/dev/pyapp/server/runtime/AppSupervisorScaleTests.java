package dev.pyapp.server.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.internal.CandidateSwitch;
import dev.pyapp.server.runtime.internal.CrashWatcher;
import dev.pyapp.server.runtime.internal.DaemonAdoption;
import dev.pyapp.server.runtime.internal.DaemonLauncher;
import dev.pyapp.server.runtime.internal.DaemonScales;
import dev.pyapp.server.runtime.internal.DaemonStarts;
import dev.pyapp.server.runtime.internal.DaemonStops;
import dev.pyapp.server.runtime.internal.GracefulRestart;
import dev.pyapp.server.runtime.internal.Supervised;
import dev.pyapp.server.runtime.internal.SupervisedApps;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * {@link AppSupervisor#scale}: a running daemon takes new counts by a graceful restart;
 * one that fails leaves the earlier counts in place, so that what is stored is what runs;
 * a daemon that does not run takes them at its next start.
 */
class AppSupervisorScaleTests {

	private static final AppId APP = AppId.of("blog");

	private final SupervisedApps apps = mock(SupervisedApps.class);

	private final GracefulRestart restarts = mock(GracefulRestart.class);

	private final DaemonScales scales = mock(DaemonScales.class);

	private final AppSupervisor supervisor = new AppSupervisor(this.apps, mock(DaemonStarts.class),
			mock(DaemonStops.class), this.restarts, mock(CandidateSwitch.class), mock(DaemonAdoption.class),
			mock(DaemonLauncher.class), mock(AppServers.class), mock(CrashWatcher.class), this.scales);

	private final Optional<InstalledApp.Scale> earlier = Optional.of(new InstalledApp.Scale(2, null));

	@Test
	void aRunningDaemonIsRestartedGracefullyToTakeTheNewCounts() {
		running();
		AppStatus restarted = AppStatus.stopped(APP).running("r1", 43, null, null, Instant.now(), "uwsgi");
		given(this.restarts.restart(APP)).willReturn(restarted);

		assertThat(this.supervisor.scale(APP, 4, null, false)).isSameAs(restarted);

		verify(this.scales).change(APP, "r1", 4, null, false);
		verify(this.scales, never()).restore(any(), any());
	}

	@Test
	void aRestartThatFailsPutsTheEarlierCountsBack() {
		running();
		PyappException failed = PyappException.failed("the new daemon is unhealthy", "Traceback ...");
		given(this.restarts.restart(APP)).willThrow(failed);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.supervisor.scale(APP, 4, null, false))
			.isSameAs(failed);

		verify(this.scales).restore(APP, this.earlier);
	}

	@Test
	void aStoppedDaemonTakesTheCountsAtItsNextStart() {
		given(this.apps.liveRelease(APP)).willReturn("r1");
		given(this.apps.find(APP)).willReturn(Optional.empty());
		given(this.scales.change(APP, "r1", null, 2, true)).willReturn(this.earlier);

		assertThat(this.supervisor.scale(APP, null, 2, true).state()).isEqualTo(ProcessState.STOPPED);

		verify(this.restarts, never()).restart(any());
	}

	@Test
	void invalidCountsRestartNothing() {
		running();
		given(this.scales.change(APP, "r1", 0, null, false))
			.willThrow(PyappException.invalid("invalid scale", List.of()));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.supervisor.scale(APP, 0, null, false));

		verify(this.restarts, never()).restart(any());
	}

	private void running() {
		given(this.apps.liveRelease(APP)).willReturn("r1");
		Supervised s = mock(Supervised.class);
		given(s.status()).willReturn(AppStatus.stopped(APP).running("r1", 42, null, null, Instant.now(), "uwsgi"));
		given(this.apps.find(APP)).willReturn(Optional.of(s));
		given(this.scales.change(any(), any(), any(), any(), anyBoolean())).willReturn(this.earlier);
	}

}
