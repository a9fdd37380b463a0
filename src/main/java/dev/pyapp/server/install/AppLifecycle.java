package dev.pyapp.server.install;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import static dev.pyapp.server.install.LifecycleState.ABSENT;
import static dev.pyapp.server.install.LifecycleState.AWAITING_CONFIGURATION;
import static dev.pyapp.server.install.LifecycleState.DEPLOYED;
import static dev.pyapp.server.install.LifecycleState.FAILED;
import static dev.pyapp.server.install.LifecycleState.INSTALLING;
import static dev.pyapp.server.install.LifecycleState.UPGRADE_AWAITING_CONFIGURATION;
import static dev.pyapp.server.install.LifecycleState.UPGRADING;

/**
 * The one owner of an app's deploy lifecycle (the aggregate): an immutable document whose
 * every transition checks its allowed source states, refuses any other with a
 * {@code CONFLICT} naming the app, the current and the requested state, and returns the
 * new lifecycle with the events it raises. {@link AppLifecycles} stores it and publishes
 * the events; nobody else changes it. The live release is the registry's
 * ({@link InstalledApp#currentRelease()}, switched with {@code current} in one rename).
 * See the transition table in this package's documentation.
 *
 * @param name the app's name (its id)
 * @param state where the app is
 * @param deploying the release being deployed (installing or upgrading), or {@code null}
 * @param waiting a newer release that waits for required settings before it goes live, or
 * {@code null}
 * @param postInstallPending whether the first release still has to run its
 * {@code post-install} hook and start once its settings have values
 * @param updated when it last changed
 */
@Document("lifecycles")
public record AppLifecycle(@Id String name, LifecycleState state, @Nullable String deploying, @Nullable String waiting,
		boolean postInstallPending, Instant updated) {

	private static final Set<LifecycleState> SETTLED = Set.of(DEPLOYED, AWAITING_CONFIGURATION,
			UPGRADE_AWAITING_CONFIGURATION);

	/**
	 * The lifecycle of an app not stored.
	 * @param app the app
	 * @return it, {@link LifecycleState#ABSENT}
	 */
	public static AppLifecycle absent(AppId app) {
		return new AppLifecycle(app.value(), ABSENT, null, null, false, Instant.EPOCH);
	}

	/**
	 * A first release begins to deploy: of a new app, or of one whose first install was
	 * interrupted ({@link LifecycleState#FAILED}), installed again over it.
	 * @param release the release
	 * @return {@link LifecycleState#INSTALLING}
	 */
	public Transition installing(String release) {
		require("installing", ABSENT, FAILED);
		return to(INSTALLING, release, null, false, release);
	}

	/**
	 * A new release begins to deploy beside the live one; a release that waited for its
	 * settings is superseded by it (the caller fails it, reading {@link #waiting()}
	 * before).
	 * @param release the release
	 * @return {@link LifecycleState#UPGRADING}
	 */
	public Transition upgrading(String release) {
		require("upgrading", DEPLOYED, AWAITING_CONFIGURATION, UPGRADE_AWAITING_CONFIGURATION);
		return to(UPGRADING, release, null, this.postInstallPending, release);
	}

	/**
	 * A kept release begins to go live again; a release waiting for its settings keeps
	 * waiting.
	 * @param release the rollback's target
	 * @return {@link LifecycleState#UPGRADING}
	 */
	public Transition rollingBack(String release) {
		require("upgrading", DEPLOYED, AWAITING_CONFIGURATION, UPGRADE_AWAITING_CONFIGURATION);
		return to(UPGRADING, release, this.waiting, this.postInstallPending, release);
	}

	/**
	 * The first release lacks required settings: it is in place but does not start.
	 * @return {@link LifecycleState#AWAITING_CONFIGURATION}
	 */
	public Transition awaitingConfiguration() {
		require("awaiting-configuration", INSTALLING);
		return to(AWAITING_CONFIGURATION, null, null, true, this.deploying);
	}

	/**
	 * A new release lacks required settings: it waits, the live release stays.
	 * @return {@link LifecycleState#UPGRADE_AWAITING_CONFIGURATION}
	 */
	public Transition upgradeAwaitingConfiguration() {
		require("upgrade-awaiting-configuration", UPGRADING);
		return to(UPGRADE_AWAITING_CONFIGURATION, null, this.deploying, this.postInstallPending, this.deploying);
	}

	/**
	 * The first release's settings came: its post-install hook runs and it starts.
	 * @param release the live release
	 * @return {@link LifecycleState#INSTALLING}
	 */
	public Transition continuingInstall(String release) {
		require("installing", AWAITING_CONFIGURATION);
		return to(INSTALLING, release, null, true, release);
	}

	/**
	 * The waiting release's settings came: it continues to go live.
	 * @return {@link LifecycleState#UPGRADING}
	 */
	public Transition continuingUpgrade() {
		require("upgrading", UPGRADE_AWAITING_CONFIGURATION);
		return to(UPGRADING, this.waiting, null, this.postInstallPending, this.waiting);
	}

	/**
	 * The app ran its {@code post-install} hook: in its first release, or, when that one
	 * never did, in the release an upgrade or a rollback took live.
	 * @return the same state, no longer pending post-install
	 */
	public Transition postInstalled() {
		require("installing", INSTALLING, UPGRADING);
		return to(this.state, this.deploying, this.waiting, false, this.deploying);
	}

	/**
	 * The deploy is done: the release is live (or, for a stopped app, switched to).
	 * @return the settled state
	 */
	public Transition deployed() {
		require("deployed", INSTALLING, UPGRADING);
		return settle(this.deploying);
	}

	/**
	 * The deploy failed; what was live stays.
	 * @return the settled state it came from
	 */
	public Transition failed() {
		require("settled", INSTALLING, UPGRADING);
		return settle(this.deploying);
	}

	/**
	 * The server stopped while the deploy ran: the app settles as after a failure.
	 * @return the settled state
	 */
	public Transition interrupted() {
		return failed();
	}

	/**
	 * The server stopped while the first release was deployed, before it ever went live:
	 * the app stays, failed, with nothing to run, until it is installed again or removed.
	 * The caller knows that no release is live (the registry's); a first release that
	 * went live and was interrupted in its post-install hook settles with
	 * {@link #interrupted()}.
	 * @return {@link LifecycleState#FAILED}
	 */
	public Transition interruptedFirstInstall() {
		require("failed", INSTALLING);
		return to(FAILED, null, null, false, this.deploying);
	}

	/**
	 * The app is removed.
	 * @return {@link LifecycleState#ABSENT}
	 */
	public Transition removed() {
		require("absent", DEPLOYED, AWAITING_CONFIGURATION, UPGRADE_AWAITING_CONFIGURATION, FAILED);
		return to(ABSENT, null, null, false, null);
	}

	/**
	 * @return whether no deploy runs (nor was interrupted)
	 */
	public boolean settled() {
		return SETTLED.contains(this.state);
	}

	private Transition settle(@Nullable String release) {
		LifecycleState next = (this.waiting != null) ? UPGRADE_AWAITING_CONFIGURATION
				: this.postInstallPending ? AWAITING_CONFIGURATION : DEPLOYED;
		return to(next, null, this.waiting, this.postInstallPending, release);
	}

	private void require(String requested, LifecycleState... allowed) {
		if (!Arrays.asList(allowed).contains(this.state)) {
			throw PyappException.conflict("app '" + this.name + "' is " + this.state.value() + "; it cannot go "
					+ (requested.equals("absent") ? "away" : "to " + requested) + " from there");
		}
	}

	private Transition to(LifecycleState next, @Nullable String deploying, @Nullable String waiting,
			boolean postInstallPending, @Nullable String release) {
		AppLifecycle lifecycle = new AppLifecycle(this.name, next, deploying, waiting, postInstallPending,
				Instant.now());
		List<Object> events = (next != this.state)
				? List.of(new LifecycleChanged(AppId.of(this.name), this.state, next, release)) : List.of();
		return new Transition(lifecycle, events);
	}

	/**
	 * What a transition leads to.
	 *
	 * @param lifecycle the new lifecycle
	 * @param events the events it raises, to publish once it is stored
	 */
	public record Transition(AppLifecycle lifecycle, List<Object> events) {

		public LifecycleState state() {
			return this.lifecycle.state();
		}

	}

}
