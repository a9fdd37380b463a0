package dev.pyapp.server.install;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.pyapp.server.install.LifecycleState.ABSENT;
import static dev.pyapp.server.install.LifecycleState.AWAITING_CONFIGURATION;
import static dev.pyapp.server.install.LifecycleState.DEPLOYED;
import static dev.pyapp.server.install.LifecycleState.FAILED;
import static dev.pyapp.server.install.LifecycleState.INSTALLING;
import static dev.pyapp.server.install.LifecycleState.UPGRADE_AWAITING_CONFIGURATION;
import static dev.pyapp.server.install.LifecycleState.UPGRADING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every transition of an app's lifecycle from each state it allows, and its refusal from
 * every other: the table of this package's documentation.
 */
class AppLifecycleTests {

	private static final AppId APP = AppId.of("blog");

	private static final Set<LifecycleState> SETTLED = EnumSet.of(DEPLOYED, AWAITING_CONFIGURATION,
			UPGRADE_AWAITING_CONFIGURATION);

	/** The transition table: name, transition, the states it is allowed from. */
	static Stream<Arguments> table() {
		return Stream.of(row("installing", (l) -> l.installing("2.0-x"), EnumSet.of(ABSENT, FAILED)),
				row("upgrading", (l) -> l.upgrading("2.0-x"), SETTLED),
				row("rollingBack", (l) -> l.rollingBack("1.0-x"), SETTLED),
				row("awaitingConfiguration", AppLifecycle::awaitingConfiguration, EnumSet.of(INSTALLING)),
				row("upgradeAwaitingConfiguration", AppLifecycle::upgradeAwaitingConfiguration, EnumSet.of(UPGRADING)),
				row("continuingInstall", (l) -> l.continuingInstall("1.0-x"), EnumSet.of(AWAITING_CONFIGURATION)),
				row("continuingUpgrade", AppLifecycle::continuingUpgrade, EnumSet.of(UPGRADE_AWAITING_CONFIGURATION)),
				row("postInstalled", AppLifecycle::postInstalled, EnumSet.of(INSTALLING, UPGRADING)),
				row("deployed", AppLifecycle::deployed, EnumSet.of(INSTALLING, UPGRADING)),
				row("failed", AppLifecycle::failed, EnumSet.of(INSTALLING, UPGRADING)),
				row("interrupted", AppLifecycle::interrupted, EnumSet.of(INSTALLING, UPGRADING)),
				row("interruptedFirstInstall", AppLifecycle::interruptedFirstInstall, EnumSet.of(INSTALLING)),
				row("removed", AppLifecycle::removed, with(SETTLED, FAILED)));
	}

	static Stream<Arguments> refusals() {
		return table().flatMap((row) -> {
			@SuppressWarnings("unchecked")
			Set<LifecycleState> allowed = (Set<LifecycleState>) row.get()[2];
			return EnumSet.complementOf(EnumSet.copyOf(allowed))
				.stream()
				.map((from) -> Arguments.of(row.get()[0], row.get()[1], from));
		});
	}

	@ParameterizedTest(name = "{0} is refused from {2}")
	@MethodSource("refusals")
	void refusesATransitionFromAStateThatDoesNotAllowIt(String name,
			Function<AppLifecycle, AppLifecycle.Transition> transition, LifecycleState from) {
		AppLifecycle lifecycle = in(from);
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> transition.apply(lifecycle))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT))
			.withMessageContaining("app 'blog' is " + from.value())
			.withMessageContaining("cannot go");
	}

	@ParameterizedTest(name = "{0} is allowed from its sources")
	@MethodSource("table")
	void allowsATransitionFromEachStateOfItsRow(String name, Function<AppLifecycle, AppLifecycle.Transition> transition,
			Set<LifecycleState> allowed) {
		for (LifecycleState from : allowed) {
			AppLifecycle.Transition result = transition.apply(in(from));
			assertThat(result.lifecycle().name()).isEqualTo("blog");
			if (result.state() != from) {
				assertThat(result.events()).singleElement().isInstanceOfSatisfying(LifecycleChanged.class, (event) -> {
					assertThat(event.from()).isEqualTo(from);
					assertThat(event.to()).isEqualTo(result.state());
				});
			}
		}
	}

	@Test
	void aFirstInstallGoesLiveOrWaitsForItsSettings() {
		AppLifecycle installing = AppLifecycle.absent(APP).installing("1.0-x").lifecycle();
		assertThat(installing.state()).isEqualTo(INSTALLING);
		assertThat(installing.deploying()).isEqualTo("1.0-x");
		assertThat(installing.deployed().state()).isEqualTo(DEPLOYED);
		AppLifecycle waiting = installing.awaitingConfiguration().lifecycle();
		assertThat(waiting.state()).isEqualTo(AWAITING_CONFIGURATION);
		assertThat(waiting.postInstallPending()).isTrue();
		AppLifecycle continued = waiting.continuingInstall("1.0-x").lifecycle();
		assertThat(continued.state()).isEqualTo(INSTALLING);
		// its hook failed: it waits again
		assertThat(continued.failed().state()).isEqualTo(AWAITING_CONFIGURATION);
		AppLifecycle hooked = continued.postInstalled().lifecycle();
		assertThat(hooked.postInstallPending()).isFalse();
		assertThat(hooked.deployed().state()).isEqualTo(DEPLOYED);
		// it failed to start after its hook ran: the process's state says so
		assertThat(hooked.failed().state()).isEqualTo(DEPLOYED);
	}

	@Test
	void anUpgradeThatLacksSettingsWaitsWhileTheLiveReleaseStays() {
		AppLifecycle upgrading = in(DEPLOYED).upgrading("2.0-x").lifecycle();
		assertThat(upgrading.failed().state()).isEqualTo(DEPLOYED);
		AppLifecycle waiting = upgrading.upgradeAwaitingConfiguration().lifecycle();
		assertThat(waiting.state()).isEqualTo(UPGRADE_AWAITING_CONFIGURATION);
		assertThat(waiting.waiting()).isEqualTo("2.0-x");
		AppLifecycle continued = waiting.continuingUpgrade().lifecycle();
		assertThat(continued.state()).isEqualTo(UPGRADING);
		assertThat(continued.deploying()).isEqualTo("2.0-x");
		assertThat(continued.waiting()).isNull();
		assertThat(continued.deployed().state()).isEqualTo(DEPLOYED);
		// a newer upload supersedes it
		AppLifecycle superseding = waiting.upgrading("3.0-x").lifecycle();
		assertThat(superseding.waiting()).isNull();
		assertThat(superseding.deploying()).isEqualTo("3.0-x");
	}

	@Test
	void aRollbackKeepsAReleaseWaitingForItsSettings() {
		AppLifecycle rolling = in(DEPLOYED).upgrading("2.0-x")
			.lifecycle()
			.upgradeAwaitingConfiguration()
			.lifecycle()
			.rollingBack("0.9-x")
			.lifecycle();
		assertThat(rolling.state()).isEqualTo(UPGRADING);
		assertThat(rolling.deployed().state()).isEqualTo(UPGRADE_AWAITING_CONFIGURATION);
		assertThat(rolling.interrupted().lifecycle().waiting()).isEqualTo("2.0-x");
	}

	@Test
	void anUpgradeOfAnAppWhoseFirstReleaseWaitsForSettingsKeepsItWaiting() {
		AppLifecycle upgrading = in(AWAITING_CONFIGURATION).upgrading("2.0-x").lifecycle();
		assertThat(upgrading.deployed().state()).isEqualTo(AWAITING_CONFIGURATION);
	}

	@Test
	void anInterruptedDeploySettlesNeverInstallingOrUpgrading() {
		for (LifecycleState from : List.of(INSTALLING, UPGRADING)) {
			assertThat(SETTLED).contains(in(from).interrupted().state());
		}
	}

	@Test
	void aFirstInstallInterruptedStaysFailedUntilInstalledAgainOrRemoved() {
		AppLifecycle.Transition interrupted = in(INSTALLING).interruptedFirstInstall();
		assertThat(interrupted.state()).isEqualTo(FAILED);
		assertThat(interrupted.lifecycle().deploying()).isNull();
		assertThat(interrupted.lifecycle().postInstallPending()).isFalse();
		assertThat(interrupted.events()).singleElement()
			.isEqualTo(new LifecycleChanged(APP, INSTALLING, FAILED, "1.0-x"));
		assertThat(FAILED.value()).isEqualTo("failed");
		assertThat(FAILED.deploying()).isFalse();
		// installed again over it, as a first install
		AppLifecycle again = in(FAILED).installing("1.1-x").lifecycle();
		assertThat(again.state()).isEqualTo(INSTALLING);
		assertThat(again.deploying()).isEqualTo("1.1-x");
		assertThat(in(FAILED).removed().state()).isEqualTo(ABSENT);
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> in(FAILED).upgrading("2.0-x"))
			.withMessage("app 'blog' is failed; it cannot go to upgrading from there");
	}

	@Test
	void aRemovedAppIsAbsent() {
		assertThat(in(DEPLOYED).removed().state()).isEqualTo(ABSENT);
	}

	@Test
	void namesTheAppAndBothStatesWhenItRefuses() {
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> in(UPGRADING).installing("2.0-x"))
			.withMessage("app 'blog' is upgrading; it cannot go to installing from there");
	}

	private static AppLifecycle in(LifecycleState state) {
		return switch (state) {
			case ABSENT -> AppLifecycle.absent(APP);
			case INSTALLING -> AppLifecycle.absent(APP).installing("1.0-x").lifecycle();
			case AWAITING_CONFIGURATION -> in(INSTALLING).awaitingConfiguration().lifecycle();
			case DEPLOYED -> in(INSTALLING).deployed().lifecycle();
			case UPGRADING -> in(DEPLOYED).upgrading("2.0-x").lifecycle();
			case UPGRADE_AWAITING_CONFIGURATION -> in(UPGRADING).upgradeAwaitingConfiguration().lifecycle();
			case FAILED -> in(INSTALLING).interruptedFirstInstall().lifecycle();
		};
	}

	private static Set<LifecycleState> with(Set<LifecycleState> states, LifecycleState more) {
		EnumSet<LifecycleState> all = EnumSet.copyOf(states);
		all.add(more);
		return all;
	}

	private static Arguments row(String name, Function<AppLifecycle, AppLifecycle.Transition> transition,
			Set<LifecycleState> allowed) {
		return Arguments.of(name, transition, allowed);
	}

}
