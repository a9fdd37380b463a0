package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The lifecycles' repository: stores transitions and publishes their events, derives SPEC
 * §9's state, and owns the progress of each deploy, closed by try-with-resources.
 */
class AppLifecyclesTests {

	private static final AppId APP = AppId.of("blog");

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	private final InMemoryLifecycles stored = new InMemoryLifecycles(this.events);

	private final AppLifecycles lifecycles = this.stored.restarted();

	@Test
	void storesATransitionAndPublishesItsEvent() {
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-x"));

		verify(this.events)
			.publishEvent(new LifecycleChanged(APP, LifecycleState.ABSENT, LifecycleState.INSTALLING, "1.0-x"));
		assertThat(this.stored.restarted().get(APP).state()).isEqualTo(LifecycleState.INSTALLING);
	}

	@Test
	void aRefusedTransitionChangesNothing() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.lifecycles.apply(APP, AppLifecycle::deployed));

		assertThat(this.lifecycles.get(APP).state()).isEqualTo(LifecycleState.ABSENT);
		verify(this.events, never()).publishEvent(any(Object.class));
	}

	@Test
	void aRemovedAppHasNoLifecycleLeft() {
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-x"));
		this.lifecycles.apply(APP, AppLifecycle::deployed);
		this.lifecycles.apply(APP, AppLifecycle::removed);

		assertThat(this.stored.restarted().list()).isEmpty();
	}

	@Test
	void derivesTheStateOfSpecSection9() {
		assertThat(state(false)).isEqualTo("running");
		assertThat(state(true)).isEqualTo("needs-configuration");
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-x"));
		assertThat(state(false)).isEqualTo("installing");
		this.lifecycles.apply(APP, AppLifecycle::awaitingConfiguration);
		assertThat(state(false)).as("post-install pending").isEqualTo("needs-configuration");
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.upgrading("2.0-x"));
		assertThat(state(false)).isEqualTo("upgrading");
	}

	@Test
	void anAppWhoseFirstInstallWasInterruptedIsFailedUntilItIsInstalledAgain() {
		this.lifecycles.apply(APP, (lifecycle) -> lifecycle.installing("1.0-x"));
		this.lifecycles.apply(APP, AppLifecycle::interruptedFirstInstall);
		// whatever its settings and its (absent) process
		assertThat(state(true)).isEqualTo("failed");
		assertThat(this.stored.restarted().get(APP).state()).isEqualTo(LifecycleState.FAILED);
		try (DeployProgress progress = this.lifecycles.begin(APP, "installing", "1.1", AppSource.archive(),
				"checking blog 1.1")) {
			assertThat(state(false)).isEqualTo("installing");
		}
	}

	@Test
	void showsADeployFromItsFirstMomentAndForgetsItWhenItsProgressIsClosed() {
		try (DeployProgress progress = this.lifecycles.begin(APP, "upgrading", "2.0", AppSource.archive(),
				"checking blog 2.0")) {
			assertThat(state(false)).isEqualTo("upgrading");
			progress.step("extract", "extracting blog 2.0");
			assertThat(this.lifecycles.progress(APP)).isEqualTo(new AppRegistry.Progress("upgrading", "extract",
					"extracting blog 2.0", "2.0", AppSource.archive()));
		}
		assertThat(this.lifecycles.progress(APP)).isNull();
		assertThat(state(false)).isEqualTo("running");
	}

	@Test
	void anOpenedProgressShowsFromItsFirstStep() {
		try (DeployProgress progress = this.lifecycles.open(APP, "removing")) {
			assertThat(this.lifecycles.progress(APP)).isNull();
			progress.step("pre-delete", "running the pre-delete hook");
			assertThat(this.lifecycles.progress(APP).step()).isEqualTo("pre-delete");
		}
		assertThat(this.lifecycles.progress(APP)).isNull();
	}

	@Test
	void closingAnOlderProgressLeavesTheNewerOne() {
		DeployProgress older = this.lifecycles.begin(APP, "installing", "1.0", AppSource.archive(), "checking");
		try (DeployProgress newer = this.lifecycles.begin(APP, "installing", "1.1", AppSource.archive(), "checking")) {
			older.close();
			assertThat(this.lifecycles.progress(APP).version()).isEqualTo("1.1");
			assertThat(this.lifecycles.firstInstalls()).containsOnlyKeys("blog");
		}
		assertThat(this.lifecycles.firstInstalls()).isEmpty();
	}

	private String state(boolean configIncomplete) {
		return this.lifecycles.state(APP, () -> configIncomplete, () -> "running");
	}

}
