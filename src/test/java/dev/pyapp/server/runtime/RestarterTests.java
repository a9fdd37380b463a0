package dev.pyapp.server.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pyapp.server.core.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one supervision mechanism (app daemons and the managed web server), without
 * processes: a crash schedules the relaunch after the backoff delay on a thread of its
 * own, too many crashes give up and tell the owner, a stop or an explicit start cancels a
 * scheduled relaunch, and no lock is held while a relaunch runs.
 */
class RestarterTests {

	private final RestartScheduler scheduler = new RestartScheduler();

	private final MutableClock clock = new MutableClock();

	@AfterEach
	void stop() {
		this.scheduler.destroy();
	}

	/** The web server's policy: 1 s doubling to 30 s, 5 crashes in 5 minutes give up. */
	private Restarter restarter(int limit) {
		return new Restarter(
				new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), limit, Duration.ofMinutes(5)),
				this.scheduler, this.clock);
	}

	private Restarter quick() {
		return new Restarter(new RestartPolicy(Duration.ofMillis(10), Duration.ofMillis(40), 5, Duration.ofMinutes(5)),
				this.scheduler, this.clock);
	}

	@Test
	void backsOffDoublingUpToTheLongestDelay() {
		Restarter restarter = restarter(100);
		List<Duration> delays = new ArrayList<>();
		for (int crash = 0; crash < 7; crash++) {
			delays.add(restarter.crashed(() -> {
			}, null));
			this.clock.advance(Duration.ofSeconds(1));
		}
		restarter.cancel();
		assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
	}

	@Test
	void givesUpAtTheLimitWithinTheWindowAndTellsOnce() {
		Restarter restarter = restarter(5);
		List<Thread> told = new CopyOnWriteArrayList<>();
		for (int crash = 1; crash < 5; crash++) {
			assertThat(restarter.crashed(() -> {
			}, () -> told.add(Thread.currentThread()))).isNotNull();
		}
		assertThat(restarter.crashed(() -> {
		}, () -> told.add(Thread.currentThread()))).isNull();

		assertThat(restarter.isScheduled()).isFalse();
		await().atMost(Duration.ofSeconds(30)).until(() -> told.size() == 1);
		assertThat(told.get(0)).isNotEqualTo(Thread.currentThread());
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> told.size() == 1);
	}

	@Test
	void crashesOlderThanTheWindowNoLongerCount() {
		Restarter restarter = restarter(5);
		for (int crash = 1; crash < 5; crash++) {
			restarter.crashed(() -> {
			}, null);
		}
		this.clock.advance(Duration.ofMinutes(6));
		assertThat(restarter.crashed(() -> {
		}, null)).isEqualTo(Duration.ofSeconds(1));
		restarter.cancel();
	}

	@Test
	void relaunchesAfterTheDelayOnAThreadOfItsOwnWithNoLockHeld() throws Exception {
		Restarter restarter = quick();
		Object ownersLock = new Object();
		CountDownLatch relaunched = new CountDownLatch(1);
		List<Boolean> locksHeld = new CopyOnWriteArrayList<>();
		synchronized (ownersLock) {
			restarter.crashed(() -> {
				locksHeld.add(Thread.holdsLock(restarter));
				locksHeld.add(Thread.holdsLock(ownersLock));
				// the relaunch takes the owner's lock for its own steps
				synchronized (ownersLock) {
					relaunched.countDown();
				}
			}, null);
			assertThat(restarter.isScheduled()).isTrue();
		}
		assertThat(relaunched.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(locksHeld).containsExactly(false, false);
		assertThat(restarter.isScheduled()).isFalse();
	}

	@Test
	void aSlowRelaunchDelaysNoOtherRestartAndBlocksNoCaller() throws Exception {
		Restarter slow = quick();
		Restarter fast = quick();
		CountDownLatch gate = new CountDownLatch(1);
		CountDownLatch slowRunning = new CountDownLatch(1);
		try {
			slow.crashed(() -> {
				slowRunning.countDown();
				await().atMost(Duration.ofSeconds(30)).until(() -> gate.getCount() == 0);
			}, null);
			assertThat(slowRunning.await(30, TimeUnit.SECONDS)).isTrue();

			CountDownLatch fastRelaunched = new CountDownLatch(1);
			fast.crashed(fastRelaunched::countDown, null);
			assertThat(fastRelaunched.await(30, TimeUnit.SECONDS)).isTrue();
			// the slow one's relaunch holds nothing: its owner may report the next crash
			assertThat(slow.crashed(() -> {
			}, null)).isEqualTo(Duration.ofMillis(20));
			slow.cancel();
		}
		finally {
			gate.countDown();
		}
	}

	@Test
	void aStopCancelsTheScheduledRelaunch() {
		Restarter restarter = new Restarter(
				new RestartPolicy(Duration.ofMillis(200), Duration.ofSeconds(1), 5, Duration.ofMinutes(5)),
				this.scheduler, this.clock);
		AtomicInteger relaunches = new AtomicInteger();
		restarter.crashed(relaunches::incrementAndGet, null);
		restarter.cancel();
		assertThat(restarter.isScheduled()).isFalse();
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> relaunches.get() == 0);
	}

	@Test
	void aCrashReplacesTheScheduledRelaunch() {
		Restarter restarter = quick();
		AtomicInteger first = new AtomicInteger();
		AtomicInteger second = new AtomicInteger();
		synchronized (restarter) {
			// both scheduled before either may run
			restarter.crashed(first::incrementAndGet, null);
			restarter.crashed(second::incrementAndGet, null);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> second.get() == 1);
		await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> first.get() == 0);
	}

	@Test
	void anExplicitStartForgetsTheCrashes() {
		Restarter restarter = restarter(5);
		for (int crash = 1; crash < 5; crash++) {
			restarter.crashed(() -> {
			}, null);
		}
		restarter.reset();
		assertThat(restarter.isScheduled()).isFalse();
		assertThat(restarter.crashed(() -> {
		}, null)).isEqualTo(Duration.ofSeconds(1));
		restarter.cancel();
	}

}
