package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * A daemon's cgroup ({@code <app cgroup>/<key>}) goes with the daemon however it ended: a
 * daemon that exited while starting, and one that had ended by itself before it was
 * stopped (a crashed candidate or retiring daemon), left it behind, empty, for good.
 */
class DaemonCgroupRemovalTests {

	private static final AppId APP = AppId.of("guestbook");

	private static final String CGROUP = "guestbook.1a2b3c4d/r-5e6f7a8b";

	@TempDir
	Path dir;

	private final HostIsolation host = mock(HostIsolation.class);

	private final NodeShell shell = mock(NodeShell.class);

	private final AppServer server = mock(AppServer.class);

	private DaemonLauncher launcher;

	@BeforeEach
	void launcher() {
		this.launcher = LauncherFixtures.launcher(this.dir, this.shell, this.host,
				mock(ApplicationEventPublisher.class), Duration.ofSeconds(1));
		given(this.server.displayName()).willReturn("gunicorn");
		given(this.server.command(any())).willReturn(List.of("gunicorn"));
	}

	@Test
	void aDaemonThatExitedWhileStartingLeavesNoCgroup() {
		given(this.shell.start(any())).willReturn(new RunningProcess(4242, CompletableFuture.completedFuture(3)));
		Isolation isolation = new Isolation(null, null, Isolation.Limits.NONE, "guestbook.1a2b3c4d");
		ProcessContext context = new ProcessContext(APP, "1.0.0-20260101T000000Z", this.dir.resolve("venv/bin/python"),
				this.dir.resolve("src"), Map.of(), isolation);
		AppManifest manifest = mock(AppManifest.class, RETURNS_DEEP_STUBS);
		given(manifest.entry().target()).willReturn("app:app");

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.launcher.launch(context, manifest, this.server, Set.of(), "r-5e6f7a8b"))
			.withMessageContaining("exited while starting with code 3");
		// once before the start (what a crash under the key left), once after its end
		verify(this.host, times(2)).kill(CGROUP);
	}

	@Test
	void aDaemonThatEndedBeforeItsStopLeavesNoEmptyCgroupAndNothingIsKilled() {
		Daemon ended = new Daemon("1.0.0-20260101T000000Z", 4242, null, 20000, this.dir.resolve("x.pid"), Instant.now(),
				CompletableFuture.completedFuture(0), 0, this.server, CGROUP, 0);

		this.launcher.stop(ended);

		verify(this.host).remove(CGROUP);
		// a daemon started again under the same key is in the same cgroup
		verify(this.host, never()).kill(anyString());
		verify(this.shell, never()).signal(anyLong(), any());
	}

}
