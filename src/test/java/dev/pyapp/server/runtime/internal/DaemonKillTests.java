package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.runtime.AppKilled;
import dev.pyapp.server.runtime.AppServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * A daemon that outlives its stop signal is killed, and the kill is told: the requests it
 * was still serving were cut off, which the app's log must say.
 */
class DaemonKillTests {

	private static final AppId APP = AppId.of("guestbook");

	private static final String RELEASE = "1.0.0-20260101T000000Z";

	@TempDir
	Path dir;

	private final NodeShell shell = mock(NodeShell.class);

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	private final AppServer server = mock(AppServer.class);

	private DaemonLauncher launcher;

	@BeforeEach
	void launcher() {
		this.launcher = LauncherFixtures.launcher(this.dir, this.shell, mock(HostIsolation.class), this.events,
				Duration.ofMillis(200));
		given(this.server.stopSignal()).willReturn(Signal.QUIT);
	}

	@Test
	void aDaemonThatIgnoresItsStopSignalIsKilledAndTheKillIsTold() {
		CompletableFuture<Integer> exit = new CompletableFuture<>();
		willAnswer((call) -> exit.complete(137)).given(this.shell).signal(4242, Signal.KILL);

		this.launcher.stop(daemon(exit));

		verify(this.shell).signal(4242, Signal.QUIT);
		verify(this.shell).signal(4242, Signal.KILL);
		verify(this.events).publishEvent(new AppKilled(APP, RELEASE, 4242, "QUIT", Duration.ofMillis(200)));
	}

	@Test
	void aDaemonThatStopsOnItsSignalIsNotKilled() {
		CompletableFuture<Integer> exit = new CompletableFuture<>();
		willAnswer((call) -> exit.complete(0)).given(this.shell).signal(4242, Signal.QUIT);

		this.launcher.stop(daemon(exit));

		verify(this.shell, never()).signal(eq(4242L), eq(Signal.KILL));
		verify(this.events, never()).publishEvent(any(Object.class));
	}

	@Test // trial: a failed upgrade's cause read "the daemon did not stop within 20 s of
			// SIGTERM and was killed: requests still in progress were cut off", the
			// candidate's stop while uWSGI's master still loaded the app
	void aDaemonThatNeverWentLiveIsKilledSoonAndSilently() {
		DaemonLauncher launcher = LauncherFixtures.launcher(this.dir, this.shell, mock(HostIsolation.class),
				this.events, Duration.ofSeconds(20));
		CompletableFuture<Integer> exit = new CompletableFuture<>();
		willAnswer((call) -> exit.complete(137)).given(this.shell).signal(4242, Signal.KILL);
		long before = System.nanoTime();

		launcher.discard(daemon(exit));

		assertThat(Duration.ofNanos(System.nanoTime() - before)).isBetween(DaemonLauncher.DISCARD_GRACE,
				DaemonLauncher.DISCARD_GRACE.plusSeconds(3));
		verify(this.shell).signal(4242, Signal.QUIT);
		verify(this.shell).signal(4242, Signal.KILL);
		verify(this.events, never()).publishEvent(any(Object.class));
	}

	private Daemon daemon(CompletableFuture<Integer> exit) {
		Path pidFile = new PyappHome(this.dir).app(APP).run().resolve("r-5e6f7a8b.pid");
		return new Daemon(RELEASE, 4242, null, 20000, pidFile, Instant.now(), exit, 0, this.server, null, 0);
	}

}
