package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.appconfig.ConfigMigration;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.hooks.HookRunner;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.RequirementsFiles;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;
import dev.pyapp.server.venv.VenvRequest;

import org.springframework.stereotype.Component;

/**
 * The steps a deploy is made of, each reported under its short name ({@code venv},
 * {@code config}, {@code pre-update}, {@code post-install}, {@code static},
 * {@code start}, {@code health}, {@code switch}, {@code post-update}, {@code stop-old}),
 * which the CLI shows. Which steps run, in which order, and what the app's lifecycle
 * becomes is {@link DeployProcess}'s.
 */
@Component
class ReleaseSteps {

	private final AppInstaller installer;

	private final AppRegistry registry;

	private final VenvBuilder venvs;

	private final HookRunner hooks;

	private final AppSupervisor supervisor;

	private final AppContexts contexts;

	private final ConfigurationGate configuration;

	private final AppServers servers;

	private final AppIsolation isolation;

	ReleaseSteps(AppInstaller installer, AppRegistry registry, VenvBuilder venvs, HookRunner hooks,
			AppSupervisor supervisor, AppContexts contexts, ConfigurationGate configuration, AppServers servers,
			AppIsolation isolation) {
		this.installer = installer;
		this.registry = registry;
		this.venvs = venvs;
		this.hooks = hooks;
		this.supervisor = supervisor;
		this.contexts = contexts;
		this.configuration = configuration;
		this.servers = servers;
		this.isolation = isolation;
	}

	/** The app's user and directories, then the release's Python environment. */
	void environment(PreparedRelease prepared, DeployReporter report) {
		AppId app = prepared.app();
		AppManifest manifest = prepared.pkg().manifest();
		this.isolation.prepare(app);
		for (RequirementsFiles.Undeclared undeclared : RequirementsFiles.undeclared(prepared.directory(), manifest)) {
			report.warn(undeclared.message());
		}
		// an upgrade may start from the live release's environment (VenvBuilder decides)
		String liveRelease = this.registry.find(app).map(InstalledApp::currentRelease).orElse(null);
		Path live = (liveRelease != null) ? prepared.directory().resolveSibling(liveRelease) : null;
		report.step("venv", "building the Python environment", () -> {
			this.venvs.build(new VenvRequest(app, prepared.directory(), manifest.python(), requirements(manifest),
					report.output(), this.servers.interpreterConstraint(manifest),
					(interpreter) -> this.isolation.build(app, prepared.directory(), interpreter), live));
			this.isolation.seal(app, prepared.directory());
		});
		this.isolation.openGenerated(app, GeneratedStatics.prepare(manifest, prepared.directory()));
	}

	/**
	 * Migrates the stored settings to the release's spec; for a release without one the
	 * step still runs (an empty config file, settings of an earlier spec dropped) but
	 * says so rather than "migrating".
	 */
	ConfigMigration configure(AppId app, Path release, DeployReporter report) {
		String message = this.configuration.hasSpec(release) ? "migrating the configuration" : "no config spec";
		ConfigMigration migration = report.step("config", message, () -> this.configuration.prepare(app, release));
		if (!migration.complete()) {
			report.warn("required settings without a value: " + String.join(", ", migration.missing()));
		}
		return migration;
	}

	/** Runs one of the release's hooks, if it declares it. */
	void hook(AppId app, String releaseId, String name, DeployReporter report) {
		String hook = this.contexts.manifest(app, releaseId).hooks().get(name);
		if (hook != null) {
			report.step(name, "running the " + name + " hook " + hook,
					() -> this.hooks.run(this.contexts.context(app, releaseId), name, hook, report.output()));
		}
	}

	/**
	 * Checks what the hooks generated, then gives the release back to the server,
	 * read-only to the app: the generated static directories included. A release without
	 * generated static files has nothing to check: it is given back without a step of its
	 * own in the progress.
	 */
	void statics(AppId app, String releaseId, Path release, DeployReporter report) {
		if (!GeneratedStatics.any(this.contexts.manifest(app, releaseId))) {
			this.isolation.seal(app, release);
			return;
		}
		report.step("static", "checking the generated static files", () -> {
			GeneratedStatics.check(this.contexts.manifest(app, releaseId), release);
			this.isolation.seal(app, release);
		});
	}

	void start(AppId app, String releaseId, DeployReporter report) {
		report.step("start", "starting " + releaseId, () -> this.supervisor.start(app));
	}

	/**
	 * After a failed first install was forgotten: what is left in its cgroups is killed
	 * and its user deleted, as {@code apps.remove} does; the user stays when the install
	 * was over data a removal with {@code keep_data} kept.
	 */
	void forget(AppId app, boolean keepData) {
		this.isolation.remove(app, keepData);
	}

	/** A first release that waits for its settings is switched to, not started. */
	void switchUnstarted(AppId app, String releaseId, DeployReporter report) {
		report.step("switch", "needs configuration: not starting", () -> this.installer.activate(app, releaseId));
	}

	/**
	 * Starts a release beside the live one, checks it, switches to it, runs post-update
	 * and stops the old daemon. A stopped app is switched without starting, and so is one
	 * stopped on request while its candidate started.
	 */
	void goLive(AppId app, String releaseId, DeployReporter report, boolean updateHooks) {
		boolean first = this.registry.get(app).currentRelease() == null;
		boolean run = first || this.supervisor.wanted(app);
		if (!run) {
			report.step("switch", "switching to " + releaseId + " (the app stays stopped)",
					() -> this.installer.activate(app, releaseId));
			postUpdate(app, releaseId, report, updateHooks);
			return;
		}
		AppServers.Choice server = report.step("start",
				"starting " + releaseId + (first ? "" : " beside the live release"),
				() -> this.supervisor.startCandidate(app, releaseId));
		report.info("app server: " + server.server().displayName() + " (" + server.reason() + ")");
		try {
			report.step("health", "checking the health of " + releaseId,
					() -> this.supervisor.checkCandidateHealth(app, releaseId));
		}
		catch (RuntimeException ex) {
			this.supervisor.discard(app, releaseId);
			throw ex;
		}
		String previous = this.registry.get(app).currentRelease();
		if (previous != null && !this.supervisor.wanted(app)) {
			// stopped on request while its candidate started: the stop holds, as it would
			// have before the upgrade or after it, and the candidate goes
			this.supervisor.discard(app, releaseId);
			report.step("switch", "switching to " + releaseId + " (the app was stopped meanwhile: it stays stopped)",
					() -> this.installer.activate(app, releaseId));
			postUpdate(app, releaseId, report, updateHooks);
			return;
		}
		report.step("switch", "switching to " + releaseId, () -> {
			this.supervisor.promote(app, releaseId);
			this.installer.activate(app, releaseId);
		});
		try {
			postUpdate(app, releaseId, report, updateHooks);
		}
		catch (RuntimeException ex) {
			if (previous != null && this.supervisor.revert(app)) {
				this.installer.activate(app, previous);
				this.installer.failed(app, releaseId, String.valueOf(ex.getMessage()));
				report.warn("switched back to " + previous);
			}
			throw ex;
		}
		if (previous == null) {
			// a first install replaced nothing: nothing to report
			this.supervisor.retire(app);
			return;
		}
		report.step("stop-old", "stopping the old daemon once drained", () -> this.supervisor.retire(app));
	}

	private void postUpdate(AppId app, String releaseId, DeployReporter report, boolean updateHooks) {
		if (updateHooks) {
			hook(app, releaseId, "post-update", report);
		}
	}

	private static List<VenvRequest.Requirement> requirements(AppManifest manifest) {
		return manifest.dependencies()
			.stream()
			.map((dependency) -> new VenvRequest.Requirement(dependency.requirement(),
					dependency.scope() == AppManifest.Scope.SHARED))
			.toList();
	}

}
