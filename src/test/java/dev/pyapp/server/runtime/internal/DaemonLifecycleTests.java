package dev.pyapp.server.runtime.internal;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.runtime.internal.DaemonLifecycle.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Every transition of the supervisor's state machine from every state: the allowed ones
 * reach the table's target (package documentation), the others are refused and leave the
 * state as it was.
 */
class DaemonLifecycleTests {

	private static final AppId APP = AppId.of("blog");

	@ParameterizedTest
	@EnumSource(State.class)
	void beginStartsFromStoppedBackoffAndFatalOnly(State from) {
		check(from, EnumSet.of(State.STOPPED, State.BACKOFF, State.FATAL), State.STARTING, DaemonLifecycle::begin);
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void retryStartsFromBackoffOnly(State from) {
		check(from, EnumSet.of(State.BACKOFF), State.STARTING, DaemonLifecycle::retry);
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void crashedBacksOffFromRunningAndStartingOnly(State from) {
		check(from, EnumSet.of(State.RUNNING, State.STARTING), State.BACKOFF, (lifecycle) -> lifecycle.crashed(false));
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void crashedTooOftenIsFatalFromRunningAndStartingOnly(State from) {
		check(from, EnumSet.of(State.RUNNING, State.STARTING), State.FATAL, (lifecycle) -> lifecycle.crashed(true));
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void stoppingFromEveryStateButStopping(State from) {
		check(from, EnumSet.complementOf(EnumSet.of(State.STOPPING)), State.STOPPING, DaemonLifecycle::stopping);
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void stoppedFromStoppingOnly(State from) {
		check(from, EnumSet.of(State.STOPPING), State.STOPPED, DaemonLifecycle::stopped);
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void adoptedFromStoppedOnly(State from) {
		check(from, EnumSet.of(State.STOPPED), State.RUNNING, DaemonLifecycle::adopted);
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void switchedFromEveryStateButStopping(State from) {
		check(from, EnumSet.complementOf(EnumSet.of(State.STOPPING)), State.RUNNING, DaemonLifecycle::switched);
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void startedCommitsTheCurrentAttemptOnly(State from) {
		DaemonLifecycle lifecycle = in(from);
		if (from == State.STARTING) {
			long attempt = currentAttempt(lifecycle);
			lifecycle.started(attempt);
			assertThat(lifecycle.state()).isEqualTo(State.RUNNING);
		}
		else {
			assertThatIllegalStateException().isThrownBy(() -> lifecycle.started(1))
				.withMessageContaining("[" + from + "]");
			assertThat(lifecycle.state()).isEqualTo(from);
		}
	}

	@ParameterizedTest
	@EnumSource(State.class)
	void startFailedIsFatalForTheCurrentAttemptOnly(State from) {
		DaemonLifecycle lifecycle = in(from);
		if (from == State.STARTING) {
			lifecycle.startFailed(currentAttempt(lifecycle));
			assertThat(lifecycle.state()).isEqualTo(State.FATAL);
		}
		else {
			assertThatIllegalStateException().isThrownBy(() -> lifecycle.startFailed(1))
				.withMessageContaining("[" + from + "]");
			assertThat(lifecycle.state()).isEqualTo(from);
		}
	}

	@Test
	void aStopMakesTheAttemptUnderWayStaleSoItCannotCommit() {
		DaemonLifecycle lifecycle = new DaemonLifecycle(APP, State.STOPPED);
		long attempt = lifecycle.begin();
		lifecycle.stopping();
		lifecycle.stopped();
		long next = lifecycle.begin();
		assertThat(lifecycle.isCurrent(attempt)).isFalse();
		assertThat(lifecycle.isCurrent(next)).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> lifecycle.started(attempt)).withMessageContaining("stale");
		assertThat(lifecycle.state()).isEqualTo(State.STARTING);
		lifecycle.started(next);
		assertThat(lifecycle.state()).isEqualTo(State.RUNNING);
	}

	@Test
	void aPromotionOvertakesAStartUnderWay() {
		DaemonLifecycle lifecycle = new DaemonLifecycle(APP, State.STOPPED);
		long attempt = lifecycle.begin();
		lifecycle.switched();
		assertThat(lifecycle.isCurrent(attempt)).isFalse();
		assertThat(lifecycle.state()).isEqualTo(State.RUNNING);
	}

	@Test
	void aFailedRestartAfterACrashBacksOffAgain() {
		DaemonLifecycle lifecycle = new DaemonLifecycle(APP, State.RUNNING);
		lifecycle.crashed(false);
		lifecycle.retry();
		lifecycle.crashed(false);
		assertThat(lifecycle.state()).isEqualTo(State.BACKOFF);
	}

	@Test
	void theApiShowsBackoffAsStartingAndFatalAsFailed() {
		assertThat(State.STOPPED.processState()).isEqualTo(ProcessState.STOPPED);
		assertThat(State.STOPPING.processState()).isEqualTo(ProcessState.STOPPED);
		assertThat(State.STARTING.processState()).isEqualTo(ProcessState.STARTING);
		assertThat(State.BACKOFF.processState()).isEqualTo(ProcessState.STARTING);
		assertThat(State.RUNNING.processState()).isEqualTo(ProcessState.RUNNING);
		assertThat(State.FATAL.processState()).isEqualTo(ProcessState.FAILED);
	}

	private static void check(State from, Set<State> allowed, State to, Consumer<DaemonLifecycle> transition) {
		DaemonLifecycle lifecycle = in(from);
		if (allowed.contains(from)) {
			transition.accept(lifecycle);
			assertThat(lifecycle.state()).isEqualTo(to);
		}
		else {
			assertThatIllegalStateException().isThrownBy(() -> transition.accept(lifecycle))
				.withMessageContaining("App [blog] with state [" + from + "] cannot");
			assertThat(lifecycle.state()).isEqualTo(from);
		}
	}

	/** A lifecycle in a state, reached through allowed transitions where it matters. */
	private static DaemonLifecycle in(State state) {
		if (state == State.STARTING) {
			DaemonLifecycle lifecycle = new DaemonLifecycle(APP, State.STOPPED);
			lifecycle.begin();
			return lifecycle;
		}
		return new DaemonLifecycle(APP, state);
	}

	private static long currentAttempt(DaemonLifecycle lifecycle) {
		// in(STARTING) began exactly one attempt
		assertThat(lifecycle.isCurrent(1)).isTrue();
		return 1;
	}

}
