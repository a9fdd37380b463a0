package dev.pyapp.server.rpc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.deploy.GitDeployer;
import dev.pyapp.server.deploy.GitFollowing;
import dev.pyapp.server.deploy.GitSourceRequest;
import dev.pyapp.server.deploy.RollbackResult;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.hooks.TaskStatus;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.logs.AppErrors;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppScale;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.internal.AppParams;
import dev.pyapp.server.rpc.internal.TokensRpc;
import org.jspecify.annotations.Nullable;

/**
 * {@code apps.*}: the installed apps, their releases and their daemons.
 */
@RpcEndpoint
class AppsRpc {

	private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

	private final AppRegistry registry;

	private final AppDeployer deployer;

	private final ArchiveStore archives;

	private final AppSupervisor supervisor;

	private final AppContexts contexts;

	private final ScheduledTasks tasks;

	private final MountManager mounts;

	private final GitDeployer git;

	private final ConfigStates configStates;

	private final AppIsolation isolation;

	private final AppOverview overview;

	private final DeployWatch watch;

	private final AppErrors errors;

	AppsRpc(AppRegistry registry, AppDeployer deployer, ArchiveStore archives, AppSupervisor supervisor,
			AppContexts contexts, ScheduledTasks tasks, MountManager mounts, GitDeployer git, ConfigStates configStates,
			AppIsolation isolation, AppOverview overview, DeployWatch watch, AppErrors errors) {
		this.configStates = configStates;
		this.isolation = isolation;
		this.overview = overview;
		this.watch = watch;
		this.errors = errors;
		this.registry = registry;
		this.deployer = deployer;
		this.archives = archives;
		this.supervisor = supervisor;
		this.contexts = contexts;
		this.tasks = tasks;
		this.mounts = mounts;
		this.git = git;
	}

	/**
	 * Every app, from a bounded number of queries however many apps there are: the apps
	 * with their live releases (AppRegistry.listing), the staged mounts and the applied
	 * URLs once each; process and health from memory; the configuration state from
	 * ConfigStates, which reads an app's files again only after they changed.
	 */
	@RpcMethod(value = "apps.list", role = Role.VIEWER, readOnly = true)
	List<AppSummary> list() {
		AppRegistry.Listing listing = this.registry.listing();
		Map<String, List<Mount>> mounts = new HashMap<>();
		for (Mount mount : this.mounts.mounts()) {
			if (mount.app() != null) {
				mounts.computeIfAbsent(mount.app(), (app) -> new ArrayList<>()).add(mount);
			}
		}
		Map<String, List<String>> urls = this.mounts.urls();
		Supplier<WebServerStatus> webServer = once(this.mounts::status);
		List<AppSummary> apps = new ArrayList<>();
		for (InstalledApp installed : listing.apps()) {
			AppId app = AppId.of(installed.name());
			AppRegistry.Progress progress = this.registry.progress(app);
			apps.add(summary(app, installed, listing.liveRelease(installed).orElse(null),
					mounts.getOrDefault(app.value(), List.of()), urls.getOrDefault(app.value(), List.of()), webServer,
					once(() -> this.configStates.of(app)))
				.withProgress((progress != null) ? AppDetails.ProgressView.of(progress) : null));
		}
		// first installs still being checked or extracted are listed from their first
		// moment, with their progress (SPEC §10)
		listing.installing().forEach((name, progress) -> apps.add(new AppSummary.Installing(name, progress)));
		apps.sort(Comparator.comparing(AppSummary::name));
		return apps;
	}

	@RpcMethod(value = "apps.get", role = Role.VIEWER, readOnly = true)
	AppDetails get(AppParams params) {
		AppId app = AppId.of(params.name());
		InstalledApp installed = this.registry.find(app).orElse(null);
		if (installed == null) {
			AppRegistry.Progress pending = this.registry.installing(app).orElse(null);
			if (pending != null) {
				return new AppDetails.Installing(
						new AppSummary.Installing(app.value(), pending.version(), pending.source()),
						AppDetails.ProcessView.of(this.supervisor.status(app)), AppDetails.ProgressView.of(pending));
			}
			// NOT_FOUND, unless the install stored it just now
			installed = this.registry.get(app);
		}
		return details(app, installed);
	}

	/** {@code apps.get} of an installed app. */
	AppDetails.Installed details(AppId app) {
		return details(app, this.registry.find(app).orElseGet(() -> this.registry.get(app)));
	}

	private AppDetails.Installed details(AppId app, InstalledApp installed) {
		List<Release> releases = this.registry.releases(app);
		String liveId = installed.currentRelease();
		Release live = (liveId != null)
				? releases.stream().filter((release) -> release.releaseId().equals(liveId)).findFirst().orElse(null)
				: null;
		Supplier<ConfigStates.State> configuration = once(() -> this.configStates.of(app));
		AppSummary.Installed summary = summary(app, installed, live, this.mounts.mounts(app), this.mounts.urls(app),
				once(this.mounts::status), configuration);
		AppRegistry.Progress progress = this.registry.progress(app);
		Optional<GitFollowing> following = this.git.following(app);
		return new AppDetails.Installed(summary, installed.currentRelease(), installed.env(),
				releases.stream().map(AppDetails.ReleaseView::of).toList(),
				AppDetails.ProcessView.of(this.supervisor.status(app)), scale(app, installed),
				isolation(app, installed), tasks(app, installed),
				configuration.get().config().map(AppDetails.ConfigView::of).orElse(null),
				(progress != null) ? AppDetails.ProgressView.of(progress) : null,
				// git route: a revision recorded but not deployed (updates.auto: false)
				following.flatMap((git) -> Optional.ofNullable(git.available()))
					.map(AppDetails.UpdateView::of)
					.orElse(null),
				following.map(AppDetails.GitView::of).orElse(null), this.overview.lastDeploy(app, releases),
				this.overview.errorsAcknowledged(app));
	}

	@RpcMethod(value = "apps.install", role = Role.DEPLOYER)
	AppDetails install(InstallParams params) {
		if (params.git() != null && params.archive() != null) {
			// one source per install: taking the archive would silently drop the git
			// source the caller asked to follow; the upload goes, as at any refusal
			this.archives.delete(params.archive());
			throw PyappException.invalid("two sources to install",
					List.of(new Problem("git", "give either an archive id or a git source, not both")));
		}
		if (params.git() != null) {
			// git route: clone, select the revision per strategy, install (GitDeployer)
			Release live = deploy(() -> this.git.install(GitSourceRequest.fromParams(params.git())));
			return get(new AppParams(live.app()));
		}
		if (params.archive() == null) {
			throw PyappException.invalid("nothing to install", List.of(new Problem("archive",
					"give an archive id from POST /api/archives, or a git source as git: {url, ...}")));
		}
		try {
			Release live = deploy(() -> this.deployer
				.install(InstallRequest.archive(this.archives.path(params.archive()), params.archive() + ".pyapp")));
			return get(new AppParams(live.app()));
		}
		finally {
			this.archives.delete(params.archive());
		}
	}

	@RpcMethod(value = "apps.remove", role = Role.DEPLOYER)
	Removed remove(RemoveParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		this.deployer.remove(app, Boolean.TRUE.equals(params.keepData()));
		this.errors.forget(app);
		return new Removed(app.value(), true);
	}

	@RpcMethod(value = "apps.rollback", role = Role.DEPLOYER)
	AppDetails.RolledBack rollback(RollbackParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		RollbackResult result = deploy(() -> this.deployer.rollback(app, params.release()));
		return new AppDetails.RolledBack(details(app), result.note());
	}

	/**
	 * Acknowledges the app's errors so far: {@code last_error} is {@code null} until a
	 * newer one is logged.
	 */
	@RpcMethod(value = "apps.errors.acknowledge", role = Role.DEPLOYER)
	Acknowledged acknowledge(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		AppErrors.Acknowledgement ack = this.errors.acknowledge(app, TokensRpc.currentUser());
		return new Acknowledged(app.value(), ack.time().toString(), ack.by());
	}

	/**
	 * Runs a deploy; a failure answers with the release that failed, what it printed and
	 * what is live now (AppOverview).
	 */
	<T> T deploy(java.util.function.Supplier<T> work) {
		try {
			return this.watch.watch(work);
		}
		catch (DeployWatch.Failed failed) {
			throw this.overview.failure(failed);
		}
	}

	@RpcMethod(value = "apps.start", role = Role.DEPLOYER)
	AppDetails.ProcessView start(AppParams params) {
		AppId app = AppId.of(params.name());
		requireStartable(app);
		boolean running = this.supervisor.status(app).state() == ProcessState.RUNNING;
		AppStatus status = this.supervisor.start(app);
		if (!running && status.release() != null) {
			requireHealthy(app, status.release());
		}
		return AppDetails.ProcessView.of(status);
	}

	/**
	 * A daemon {@code apps.start} started answers its health check as an upgrade's
	 * candidate must (waiting while its workers load the app), or it is stopped again and
	 * the call fails with the check's answer or what the daemon printed. Before, a start
	 * answered "running" once the daemon accepted connections, also when its workers
	 * could not load the app, which then crash-looped until it was failed.
	 */
	private void requireHealthy(AppId app, String release) {
		try {
			this.supervisor.checkCandidateHealth(app, release);
		}
		catch (PyappException | IllegalStateException ex) {
			// (IllegalStateException: its daemon ended before the check could begin)
			this.supervisor.stop(app);
			throw PyappException.failed(
					"app '" + app + "' started but failed its health check, so it is stopped: " + ex.getMessage(),
					(ex instanceof PyappException failed) ? failed.getLog() : null);
		}
	}

	/**
	 * An app can start once it has a release (its first install was not interrupted) and
	 * its required settings have values.
	 */
	private void requireStartable(AppId app) {
		this.registry.get(app);
		if (this.registry.firstInstallFailed(app)) {
			throw PyappException.conflict(
					"app '" + app + "' has no release to start; install it again (its first install was interrupted)");
		}
		if (this.deployer.awaitsFirstConfiguration(app)) {
			throw PyappException.conflict(
					"app '" + app + "' cannot start before its required settings have values: configure it first");
		}
	}

	@RpcMethod(value = "apps.stop", role = Role.DEPLOYER)
	AppDetails.ProcessView stop(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		return AppDetails.ProcessView.of(this.supervisor.stop(app));
	}

	@RpcMethod(value = "apps.restart", role = Role.DEPLOYER)
	AppDetails.ProcessView restart(AppParams params) {
		AppId app = AppId.of(params.name());
		requireStartable(app);
		return AppDetails.ProcessView.of(this.supervisor.restart(app));
	}

	/**
	 * Scales the app's daemon: workers and threads per worker in place of what its
	 * releases ask for, until reset; a running daemon is restarted gracefully to take
	 * them. Refused when the app's processes limit cannot hold them.
	 */
	@RpcMethod(value = "apps.scale", role = Role.DEPLOYER)
	AppDetails.Scaled scale(ScaleParams params) {
		AppId app = AppId.of(params.name());
		InstalledApp installed = this.registry.get(app);
		// an app waiting for its settings may be scaled: its daemon starts with the
		// counts
		String release = installed.currentRelease();
		if (release != null && (params.workers() != null || params.threads() != null)) {
			requireTasksWithinLimit(app, installed, release, params);
		}
		// CONFLICT without a live release (a first install that was interrupted)
		AppStatus status = this.supervisor.scale(app, params.workers(), params.threads(),
				Boolean.TRUE.equals(params.reset()));
		return new AppDetails.Scaled(
				AppDetails.ScaleView.of(this.supervisor.scale(app, this.registry.get(app).currentRelease())),
				AppDetails.ProcessView.of(status));
	}

	/**
	 * Refuses a scale whose daemon could not start within the app's processes limit
	 * (which counts threads too): the master, and each worker's threads with its own and
	 * the log shipper's.
	 */
	private void requireTasksWithinLimit(AppId app, InstalledApp installed, String release, ScaleParams params) {
		AppDetails.IsolationView isolation = isolation(app, installed);
		AppDetails.LimitView limit = isolation.limits().get("processes");
		if (limit == null || limit.value() == null) {
			return;
		}
		AppScale now = this.supervisor.scale(app, release);
		int workers = (params.workers() != null) ? params.workers() : now.workers();
		int threads = (params.threads() != null && now.threading()) ? params.threads() : now.threads();
		if (workers < 1 || threads < 1) {
			// out of bounds: the supervisor names it
			return;
		}
		long tasks = 1 + (long) workers * (threads + 2);
		if (tasks > limit.value().longValue()) {
			String path = (params.workers() != null) ? "workers" : "threads";
			throw PyappException
				.invalid("invalid scale of app '" + app + "'",
						List.of(new Problem(path, workers + " workers of " + threads + " threads need about " + tasks
								+ " processes and threads; the app's processes limit is " + limit.value()
								+ " (isolation.limits.processes; an admin raises its cap with apps.limits.set)")));
		}
	}

	@RpcMethod(value = "apps.limits.set", role = Role.ADMIN)
	AppDetails.IsolationView setLimits(LimitsParams params) {
		AppId app = AppId.of(params.name());
		InstalledApp installed = this.registry.get(app);
		if (params.limits() == null) {
			throw PyappException.invalid("no limits given", List.of(new Problem("limits",
					"give {memory, processes, open_files, cpu}; a null value returns one to the server's default")));
		}
		this.isolation.setLimits(app, params.limits());
		this.supervisor.applyLimits(app);
		return isolation(app, installed);
	}

	@RpcMethod(value = "apps.env.set", role = Role.DEPLOYER)
	AppDetails.EnvSet setEnv(EnvParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		List<Problem> problems = new ArrayList<>();
		params.env().forEach((name, value) -> {
			checkEnvName("env." + EnvValues.shown(name), name, problems);
			if (value == null) {
				problems.add(new Problem("env." + EnvValues.shown(name), "a value (a string), not null"));
			}
			else if (value.indexOf('\0') >= 0) {
				// no process can be given it: every start and task would fail
				problems.add(new Problem("env." + EnvValues.shown(name),
						"the value contains a NUL character (\\u0000), which no environment variable can hold"));
			}
		});
		List<String> unset = (params.unset() != null) ? params.unset() : List.of();
		for (int i = 0; i < unset.size(); i++) {
			String name = unset.get(i);
			if (name == null) {
				problems.add(new Problem("unset[" + i + "]", "a variable name, not null"));
				continue;
			}
			checkEnvName("unset[" + i + "]", name, problems);
			if (params.env().containsKey(name)) {
				problems.add(new Problem("unset[" + i + "]", "'" + name + "' is both set (env) and unset"));
			}
		}
		if (!params.merging() && !unset.isEmpty()) {
			problems.add(new Problem("unset", "unset needs merge: true (without it env replaces every variable)"));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid environment variables", problems);
		}
		Instant now = Instant.now();
		AtomicBoolean unchanged = new AtomicBoolean();
		// the variables as stored when the change is made, not as read
		// above: two merges at once both hold (one change at a time)
		this.registry.update(app, (installed) -> {
			Map<String, String> env = params.applyTo(installed.env());
			if (params.merging() && env.equals(installed.env())) {
				unchanged.set(true);
				return installed;
			}
			return installed.withEnv(env, now);
		});
		if (unchanged.get()) {
			// a merge that changed nothing: the app keeps running as it does
			return new AppDetails.EnvSet(details(app), false);
		}
		boolean running = this.supervisor.status(app).state() == ProcessState.RUNNING;
		boolean restart = !Boolean.FALSE.equals(params.restart());
		if (running && restart) {
			// the environment is read when the daemon starts
			this.supervisor.restart(app);
		}
		return new AppDetails.EnvSet(details(app), running && !restart);
	}

	private static void checkEnvName(String path, String name, List<Problem> problems) {
		if (name.contains("=")) {
			problems.add(new Problem(path, "'" + EnvValues.shown(name)
					+ "' is not an allowed variable name: a name only, " + "not NAME=value (the value goes in env)"));
		}
		else if (!ENV_NAME.matcher(name).matches() || name.toUpperCase(Locale.ROOT).startsWith("PYAPP_")) {
			problems.add(new Problem(path,
					"'" + name + "' is not an allowed variable name: letters, digits and _, not starting with PYAPP_"));
		}
	}

	private AppSummary.Installed summary(AppId app, InstalledApp installed, @Nullable Release live, List<Mount> mounts,
			List<String> urls, Supplier<WebServerStatus> webServer, Supplier<ConfigStates.State> configuration) {
		return this.overview.summary(app, (live != null) ? live.version() : null, state(app, configuration),
				mounts.isEmpty() ? List.of() : mounts.stream().map(AppSummary.MountPoint::of).toList(),
				installed.source(), installed.created(), urls, webServer);
	}

	private String state(AppId app, Supplier<ConfigStates.State> configuration) {
		return this.deployer.state(app, () -> configuration.get().needsConfiguration(),
				() -> this.supervisor.status(app).state().value());
	}

	/** A value computed on its first use only, by one caller's thread. */
	private static <T> Supplier<T> once(Supplier<T> supplier) {
		return new Supplier<>() {

			private @Nullable T value;

			private boolean done;

			@Override
			public T get() {
				if (!this.done) {
					this.value = supplier.get();
					this.done = true;
				}
				return this.value;
			}

		};
	}

	private List<TaskStatus> tasks(AppId app, InstalledApp installed) {
		if (installed.currentRelease() == null) {
			return List.of();
		}
		try {
			return List.copyOf(this.tasks.list(app, this.contexts.tasks(app, installed.currentRelease())));
		}
		catch (PyappException ex) {
			return List.of();
		}
	}

	private AppDetails.@Nullable ScaleView scale(AppId app, InstalledApp installed) {
		if (installed.currentRelease() == null) {
			return null;
		}
		try {
			return AppDetails.ScaleView.of(this.supervisor.scale(app, installed.currentRelease()));
		}
		catch (PyappException ex) {
			// the release is gone from disk: what it asks for is unknown
			return null;
		}
	}

	private AppDetails.IsolationView isolation(AppId app, InstalledApp installed) {
		AppManifest manifest = null;
		if (installed.currentRelease() != null) {
			try {
				manifest = this.contexts.manifest(app, installed.currentRelease());
			}
			catch (PyappException ex) {
				// the release is gone from disk: what the app asks for is unknown
			}
		}
		return AppDetails.IsolationView.of(this.isolation.status(app, manifest));
	}

	/**
	 * {@code apps.remove}.
	 *
	 * @param name the app
	 * @param removed {@code true}
	 */
	record Removed(String name, boolean removed) {
	}

	/**
	 * {@code apps.errors.acknowledge}.
	 *
	 * @param name the app
	 * @param time when its errors were acknowledged
	 * @param by who did
	 */
	record Acknowledged(String name, String time, @Nullable String by) {
	}

	/**
	 * @param archive an id from {@code POST /api/archives}
	 * @param git a git source (install routes issue)
	 */
	record InstallParams(@Nullable String archive, @Nullable Map<String, Object> git) {
	}

	/**
	 * @param name the app
	 * @param keepData keep {@code data/} and {@code config/}
	 */
	record RemoveParams(String name, @JsonProperty("keep_data") @Nullable Boolean keepData) {
	}

	/**
	 * @param name the app
	 * @param release the release to return to, or {@code null} for the one before
	 */
	record RollbackParams(String name, @Nullable String release) {
	}

	/**
	 * @param name the app
	 * @param limits caps by limit name ({@code memory}, {@code processes},
	 * {@code open_files}, {@code cpu}); {@code null} values return to the default
	 */
	record LimitsParams(String name, @Nullable Map<String, Object> limits) {
	}

	/**
	 * @param name the app
	 * @param workers worker processes, or {@code null} to keep
	 * @param threads threads per worker, or {@code null} to keep
	 * @param reset {@code true}: the counts return to what the release asks for first
	 */
	record ScaleParams(String name, @Nullable Integer workers, @Nullable Integer threads, @Nullable Boolean reset) {
	}

	/**
	 * @param name the app
	 * @param env the operator's variables, replacing the earlier ones (with
	 * {@code merge}: set, the others kept)
	 * @param restart whether a running app restarts now to use them (the default);
	 * {@code false} leaves that to the caller ({@code restart_needed} in the result)
	 * @param merge {@code true}: {@code env} and {@code unset} change the variables as
	 * stored when the call runs, atomically, instead of replacing them all (an additive
	 * extension of SPEC §6; without it the call is as before)
	 * @param unset with {@code merge}: the names to remove (absent ones are ignored)
	 */
	record EnvParams(String name, Map<String, String> env, @Nullable Boolean restart, @Nullable Boolean merge,
			@Nullable List<String> unset) {

		EnvParams(String name, Map<String, String> env, @Nullable Boolean restart) {
			this(name, env, restart, null, null);
		}

		boolean merging() {
			return Boolean.TRUE.equals(this.merge);
		}

		/**
		 * @param current the variables as stored
		 * @return the variables this call leaves
		 */
		Map<String, String> applyTo(Map<String, String> current) {
			if (!merging()) {
				return this.env;
			}
			Map<String, String> merged = new HashMap<>(current);
			merged.putAll(this.env);
			if (this.unset != null) {
				this.unset.forEach(merged::remove);
			}
			return merged;
		}

	}

}
