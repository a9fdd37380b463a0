package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.AppCrashed;
import dev.pyapp.server.runtime.ProcessState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link CrashWatcher}'s slices, without an app server: launches are fakes, and a daemon
 * "crashes" when a test completes its exit. A tick looks at the apps of its part only, a
 * round of {@link CrashWatcher#SLICES} ticks looks at every app once, and the schedule
 * notices a crash within a poll interval plus the round's ticks.
 */
class CrashWatcherTests {

	private static final int APPS = 40;

	@TempDir
	Path home;

	private final List<AppId> names = new ArrayList<>();

	private SupervisorFixture supervisor;

	/**
	 * Starts {@link #APPS} apps and a watcher polling every {@code poll}.
	 */
	private void supervise(Duration poll) throws Exception {
		for (int i = 0; i < APPS; i++) {
			this.names.add(AppId.of("app" + i));
		}
		// restarts wait a minute: each crash is counted once
		this.supervisor = new SupervisorFixture(this.home, this.names,
				SupervisorFixture.properties(Duration.ofMinutes(1), Duration.ofMinutes(5), poll));
		for (AppId app : this.names) {
			assertThat(this.supervisor.starts.start(app).state()).isEqualTo(ProcessState.RUNNING);
		}
	}

	@AfterEach
	void release() {
		if (this.supervisor != null) {
			this.supervisor.close();
		}
	}

	@Test
	void aTickLooksAtTheAppsOfItsPartOnlyAndARoundAtEveryAppOnce() throws Exception {
		// a schedule that does not tick during the test: the test ticks
		supervise(Duration.ofHours(1));
		this.supervisor.daemons.values().forEach((daemon) -> daemon.exit().complete(1));
		Set<String> noticed = new java.util.HashSet<>();
		int partsWithApps = 0;
		for (int part = 0; part < CrashWatcher.SLICES; part++) {
			this.supervisor.watcher.watch(part);
			int p = part;
			Set<String> ofPart = this.names.stream()
				.filter((app) -> CrashWatcher.part(app) == p)
				.map(AppId::value)
				.collect(Collectors.toSet());
			Set<String> crashedNow = crashed();
			crashedNow.removeAll(noticed);
			assertThat(crashedNow).as("part %d", part).isEqualTo(ofPart);
			noticed.addAll(crashedNow);
			partsWithApps += ofPart.isEmpty() ? 0 : 1;
		}
		assertThat(partsWithApps).isGreaterThan(CrashWatcher.SLICES / 2);
		assertThat(noticed).hasSize(APPS);
		// a second round notices nothing again
		this.supervisor.watcher.watchAll();
		assertThat(this.supervisor.events).filteredOn(AppCrashed.class::isInstance).hasSize(APPS);
	}

	@Test
	void eachAppIsInOnePartForGood() {
		for (int i = 0; i < 1000; i++) {
			AppId app = AppId.of("app" + i);
			assertThat(CrashWatcher.part(app)).isBetween(0, CrashWatcher.SLICES - 1)
				.isEqualTo(CrashWatcher.part(AppId.of("app" + i)));
		}
	}

	@Test
	void theScheduleNoticesEveryCrashWithinARound() throws Exception {
		Duration poll = Duration.ofMillis(200);
		supervise(poll);
		long start = System.nanoTime();
		this.supervisor.daemons.values().forEach((daemon) -> daemon.exit().complete(1));
		// a round: SLICES ticks of poll / SLICES; the rest is slack for a busy machine
		await().atMost(poll.plusSeconds(5)).until(() -> crashed().size() == APPS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).isLessThan(poll.plusSeconds(5));
		assertThat(this.supervisor.apps.all()).allSatisfy((s) -> assertThat(s.status().restarts()).isEqualTo(1));
	}

	private Set<String> crashed() {
		return this.supervisor.events.stream()
			.filter(AppCrashed.class::isInstance)
			.map((event) -> ((AppCrashed) event).app().value())
			.collect(Collectors.toCollection(java.util.HashSet::new));
	}

}
