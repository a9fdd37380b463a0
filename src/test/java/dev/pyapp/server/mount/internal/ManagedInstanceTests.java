package dev.pyapp.server.mount.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.pyapp.server.mount.WebServerFailed;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.runtime.RestartPolicy;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.runtime.Restarter;
import dev.pyapp.server.nodes.ListeningSockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The managed web server's restarts after crashes, with a shell that starts nothing: it
 * gives up after the policy's limit (state failed, a message that says so) and an apply
 * starts it again with a fresh count.
 */
class ManagedInstanceTests {

	@TempDir
	Path dir;

	private final NodeShell shell = mock(NodeShell.class);

	/** The exits of every process the instance started, in order. */
	private final List<CompletableFuture<Integer>> processes = new CopyOnWriteArrayList<>();

	// pids that no process has, so that stop() finds nothing to wait for
	private final AtomicLong pids = new AtomicLong(Integer.MAX_VALUE + 1L);

	private ManagedInstance instance;

	private RenderSettings settings;

	private final RestartScheduler restarts = new RestartScheduler();

	/** Whether the next process the shell starts ends at once (a failed start). */
	private volatile boolean failStarts;

	private final List<WebServerFailed> failures = new CopyOnWriteArrayList<>();

	@BeforeEach
	void instance() throws Exception {
		this.settings = new RenderSettings(this.dir.resolve("webserver"), false, null, 1, true, Duration.ofHours(1), 32,
				Path.of("/usr/lib/apache2/modules"), Duration.ofSeconds(60));
		WebServerProperties properties = new WebServerProperties(WebServerKind.NGINX, true, Path.of("/usr/sbin/nginx"),
				Path.of("/usr/sbin/apache2"), Path.of("/usr/sbin/lighttpd"), Path.of("/usr/lib/apache2/modules"),
				List.of(), List.of(), "", 1, true, Duration.ofHours(1), 32, Duration.ofSeconds(60),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
		// without listen addresses a process whose pid file exists has started
		Files.createDirectories(this.settings.pidFile(WebServerKind.NGINX).getParent());
		Files.writeString(this.settings.pidFile(WebServerKind.NGINX), "1\n");
		willAnswer((invocation) -> {
			CompletableFuture<Integer> exit = new CompletableFuture<>();
			if (this.failStarts) {
				exit.complete(1);
			}
			this.processes.add(exit);
			return new RunningProcess(this.pids.incrementAndGet(), exit);
		}).given(this.shell).start(any());
		this.instance = new ManagedInstance(WebServerKind.NGINX, this.settings, this.shell, properties, null,
				new ListeningSockets(this.dir.resolve("no-proc")),
				new Restarter(new RestartPolicy(Duration.ofMillis(10), Duration.ofMillis(40), 3, Duration.ofMinutes(5)),
						this.restarts));
		this.instance.onGaveUp(this.failures::add);
	}

	@AfterEach
	void close() {
		this.instance.close();
		this.restarts.destroy();
	}

	@Test // found in a trial: with pyapp.webserver.kind changed, the old lighttpd held
			// the port
	void stopsTheManagedInstanceOfAnotherKindThatThisHomeRanBefore() throws Exception {
		long lighttpd = Integer.MAX_VALUE + 100_000L;
		long stranger = Integer.MAX_VALUE + 100_001L;
		Files.writeString(this.settings.pidFile(WebServerKind.LIGHTTPD), lighttpd + "\n");
		Files.writeString(this.settings.pidFile(WebServerKind.APACHE), stranger + "\n");
		given(this.shell.process(lighttpd)).willReturn(Optional.of(new ProcessInfo(lighttpd,
				List.of("/usr/sbin/lighttpd", "-D", "-f", this.settings.config(WebServerKind.LIGHTTPD).toString()),
				null, 0)));
		// a pid file left behind whose pid now belongs to another program
		given(this.shell.process(stranger))
			.willReturn(Optional.of(new ProcessInfo(stranger, List.of("/usr/bin/vim"), null, 0)));

		this.instance.startOrReload(List.of());

		verify(this.shell).signal(lighttpd, Signal.TERM);
		verify(this.shell, never()).signal(eq(stranger), any());
		assertThat(this.instance.state()).isEqualTo(WebServerState.RUNNING);
	}

	@Test
	void restartsAfterACrashUntilItFailedTooOftenThenWaitsForAnApply() {
		this.instance.startOrReload(List.of());
		assertThat(this.instance.state()).isEqualTo(WebServerState.RUNNING);

		crashLatest();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.processes.size() == 2);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.instance.state() == WebServerState.RUNNING);
		crashLatest();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.processes.size() == 3);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.instance.state() == WebServerState.RUNNING);
		crashLatest();

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.instance.message()).contains("not restarted any more"));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.failures).singleElement()
				.satisfies((event) -> assertThat(event.message()).isEqualTo(this.instance.message())));
		assertThat(this.instance.state()).isEqualTo(WebServerState.FAILED);
		assertThat(this.instance.pid()).isNull();
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> this.processes.size() == 3);

		this.instance.startOrReload(List.of());
		assertThat(this.instance.state()).isEqualTo(WebServerState.RUNNING);
		assertThat(this.processes).hasSize(4);
		crashLatest();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.processes.size() == 5);
	}

	@Test
	void failedRestartsCountTooAndGiveUp() {
		this.instance.startOrReload(List.of());
		this.failStarts = true;

		crashLatest();

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.instance.message()).contains("not restarted any more"));
		assertThat(this.instance.message()).startsWith("restarting nginx failed: nginx did not start");
		assertThat(this.instance.state()).isEqualTo(WebServerState.FAILED);
		// the start, then two restarts that failed: the third crash within the window
		assertThat(this.processes).hasSize(3);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.failures).hasSize(1));
	}

	private void crashLatest() {
		this.processes.get(this.processes.size() - 1).complete(1);
	}

}
