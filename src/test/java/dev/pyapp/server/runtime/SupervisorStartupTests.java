package dev.pyapp.server.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.runtime.internal.RuntimeProperties;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
 * app shown as stopped; the rest of each adoption (a start, after a reboot) runs once the
 * server is up, a few apps at once, each in its order, one slow or failing app holding up
 * none of the others.
 */
@ExtendWith(OutputCaptureExtension.class)
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
		assertThat(Set.copyOf(this.rests.values()))
			.allSatisfy((thread) -> assertThat(thread).matches("pyapp-adopt-\\d"));
	}

	@Test
	void theRestsRunAFewAtOnceNeverMoreThanTheBound() throws Exception {
		installed("a", "b", "c", "d", "e");
		lookingIsQuick();
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger most = new AtomicInteger();
		CountDownLatch gate = new CountDownLatch(1);
		willAnswer((invocation) -> {
			String app = invocation.<AppId>getArgument(0).value();
			this.looked.add(app);
			return (Runnable) () -> {
				most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
				try {
					gate.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				inFlight.decrementAndGet();
				this.rests.put(app, Thread.currentThread().getName());
			};
		}).given(this.supervisor).adopt(any());
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				new RuntimeProperties.Adoption(Duration.ofSeconds(10), 4, 2));

		startup.start();
		startup.onReady();
		// two start at once (one at a time before), and a third waits for a free slot
		await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == 2);
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> inFlight.get() == 2);
		gate.countDown();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("a", "b", "c", "d", "e"));
		assertThat(most).hasValue(2);
		assertThat(Set.copyOf(this.rests.values())).hasSize(2);
	}

	@Test
	void anAppSlowToStartHoldsUpNoneOfTheOthers() {
		installed("slow", "blog");
		CountDownLatch slowStarting = new CountDownLatch(1);
		willAnswer((invocation) -> {
			this.looked.add("slow");
			return (Runnable) () -> {
				slowStarting.countDown();
				try {
					this.slow.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				this.rests.put("slow", Thread.currentThread().getName());
			};
		}).given(this.supervisor).adopt(AppId.of("slow"));
		// blog is looked at only once slow's start is under way, so that its rest comes
		// after slow's whatever the order the pool takes them in
		willAnswer((invocation) -> {
			slowStarting.await(30, TimeUnit.SECONDS);
			this.looked.add("blog");
			return rest("blog");
		}).given(this.supervisor).adopt(AppId.of("blog"));
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				new RuntimeProperties.Adoption(Duration.ofMillis(200), 4, 4));

		startup.start();
		startup.onReady();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("blog"));
		this.slow.countDown();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.rests).containsOnlyKeys("slow", "blog"));
	}

	@Test
	void eachAppsStepsRunInTheirOrderWhileTheAppsInterleave() {
		List<String> apps = List.of("a", "b", "c");
		installed(apps.toArray(String[]::new));
		List<String> steps = new CopyOnWriteArrayList<>();
		// every app's rest reaches its second step only once all three have taken their
		// first: they run at once
		CyclicBarrier together = new CyclicBarrier(apps.size());
		willAnswer((invocation) -> {
			String app = invocation.<AppId>getArgument(0).value();
			steps.add(app + " looked at");
			return (Runnable) () -> {
				steps.add(app + " strays stopped");
				try {
					together.await(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				steps.add(app + " started");
				this.rests.put(app, Thread.currentThread().getName());
			};
		}).given(this.supervisor).adopt(any());
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				new RuntimeProperties.Adoption(Duration.ofSeconds(10), 4, 3));

		startup.start();
		startup.onReady();

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.rests).containsOnlyKeys(apps));
		for (String app : apps) {
			assertThat(steps.stream().filter((step) -> step.startsWith(app + " "))).containsExactly(app + " looked at",
					app + " strays stopped", app + " started");
		}
		// the first steps of all came before the second step of any
		assertThat(steps.subList(steps.size() - apps.size(), steps.size()))
			.allMatch((step) -> step.endsWith(" started"));
	}

	@Test
	void aFailedStartIsLoggedAndTheStartUpSaysHowLongItTookAndWhatFailed(CapturedOutput output) {
		installed("broken", "blog", "shop");
		lookingIsQuick();
		willAnswer((invocation) -> {
			this.looked.add("broken");
			return (Runnable) () -> {
				throw new IllegalStateException("gunicorn exited while starting");
			};
		}).given(this.supervisor).adopt(AppId.of("broken"));
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				adoption(Duration.ofSeconds(10)));

		startup.start();
		startup.onReady();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).contains("The daemons of 2 of 3 apps are adopted or started"));
		assertThat(this.rests).containsOnlyKeys("blog", "shop");
		assertThat(output).contains("Cannot start broken after the server's restart: gunicorn exited while starting")
			.containsPattern("2 of 3 apps are adopted or started as they should run, \\d+ ms after the start;"
					+ " failed: \\[broken\\]");
	}

	@Test
	void theStartUpSaysHowLongItTookOnceEveryAppIsUp(CapturedOutput output) {
		installed("blog", "shop");
		lookingIsQuick();
		SupervisorStartup startup = new SupervisorStartup(this.registry, this.supervisor,
				adoption(Duration.ofSeconds(10)));

		startup.start();
		startup.onReady();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output)
				.containsPattern("The daemons of 2 apps are adopted or started as they should run, \\d+ ms after"));
		assertThat(this.rests).containsOnlyKeys("blog", "shop");
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
	void anAppThatCannotBeAdoptedSparesTheOthers(CapturedOutput output) {
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
		assertThat(output).contains("Cannot adopt broken: no record");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output).contains("failed: [broken]"));
	}

	private static RuntimeProperties.Adoption adoption(Duration wait) {
		return new RuntimeProperties.Adoption(wait, 4, 4);
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
