package dev.pyapp.server.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.internal.RuntimeProperties;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * The adoptions at the server's start: every app's daemon is looked for (and, running, is
 * live again) before the web server starts, so that no call is answered with a running
 * app shown as stopped; the rest of each adoption runs once the server is up.
 */
class SupervisorStartupTests {

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppSupervisor supervisor = mock(AppSupervisor.class);

	/** The apps whose daemon was looked for, in order. */
	private final List<String> looked = new CopyOnWriteArrayList<>();

	/** The apps whose rest of the adoption ran, with the thread it ran on. */
	private final Map<String, String> rests = new ConcurrentHashMap<>();

	private final CountDownLatch slow = new CountDownLatch(1);

	@AfterEach
	void release() {
		this.slow.countDown();
	}

	@Test
	void everyDaemonIsLookedForBeforeTheWebServerStarts() {
		installed("blog", "shop");
		lookingIsQuick();
		List<String> seenByTheWebServer = new CopyOnWriteArrayList<>();
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean(SupervisorStartup.class,
					() -> new SupervisorStartup(this.registry, this.supervisor, adoption(Duration.ofSeconds(10))));
			context.registerBean("webServer", SmartLifecycle.class,
					() -> new WebServer(() -> seenByTheWebServer.addAll(this.looked)));
			context.refresh();

			assertThat(seenByTheWebServer).containsExactlyInAnyOrder("blog", "shop");
		}
	}

	@Test
	void theRestOfEachAdoptionRunsOnceTheServerIsUpInTheBackground() {
		installed("blog", "shop");
		lookingIsQuick();
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				adoption(Duration.ofSeconds(10)));

		startup.start();
		assertThat(this.looked).containsExactlyInAnyOrder("blog", "shop");
		assertThat(this.rests).isEmpty();

		startup.onReady();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("blog", "shop"));
		assertThat(Set.copyOf(this.rests.values())).containsExactly("pyapp-adopt");
	}

	@Test
	void crashesAreWatchedOnlyOnceTheServerIsUp() {
		installed("blog");
		lookingIsQuick();
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				adoption(Duration.ofSeconds(10)));

		startup.start();
		then(this.supervisor).should(never()).watchCrashes();

		startup.onReady();
		then(this.supervisor).should().watchCrashes();
	}

	@Test
	void anAppSlowToLookAtHoldsUpNeitherTheStartBeyondItsBoundNorTheOthers() {
		installed("stuck", "blog", "shop");
		lookingIsQuick();
		willAnswer((invocation) -> {
			this.slow.await(30, TimeUnit.SECONDS);
			this.looked.add("stuck");
			return rest("stuck");
		}).given(this.supervisor).adopt(AppId.of("stuck"));
		// long enough for the quick looks on a busy machine (with 300 ms, a loaded CI
		// box could end the wait before blog's or shop's look had run); far shorter
		// than the stuck look's 30 s
		Duration bound = Duration.ofSeconds(2);
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor, adoption(bound));

		long began = System.nanoTime();
		startup.start();
		assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(bound.plusSeconds(8));
		assertThat(this.looked).containsExactlyInAnyOrder("blog", "shop");

		startup.onReady();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("blog", "shop"));
		// once looked at, the app's adoption goes on
		this.slow.countDown();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("stuck", "blog", "shop"));
	}

	@Test
	void anAppThatCannotBeAdoptedSparesTheOthers() {
		installed("broken", "blog");
		lookingIsQuick();
		willAnswer((invocation) -> {
			throw new IllegalStateException("no record");
		}).given(this.supervisor).adopt(AppId.of("broken"));
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				adoption(Duration.ofSeconds(10)));

		startup.start();
		startup.onReady();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("blog"));
	}

	private static RuntimeProperties.Adoption adoption(Duration wait) {
		return new RuntimeProperties.Adoption(wait, 4);
	}

	private void installed(String... names) {
		given(this.registry.list()).willReturn(List.of(names)
			.stream()
			.map((name) -> new InstalledApp(name, AppSource.archive(), "r1", Map.of(), Instant.now(), Instant.now()))
			.toList());
	}

	private void lookingIsQuick() {
		willAnswer((invocation) -> {
			String app = invocation.<AppId>getArgument(0).value();
			this.looked.add(app);
			return rest(app);
		}).given(this.supervisor).adopt(any());
	}

	private Runnable rest(String app) {
		return () -> this.rests.put(app, Thread.currentThread().getName());
	}

	/** Stands for the web server: it starts in its phase, and then answers calls. */
	private record WebServer(Runnable onStart) implements SmartLifecycle {

		@Override
		public void start() {
			this.onStart.run();
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return false;
		}

		@Override
		public int getPhase() {
			return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE;
		}

	}

}
