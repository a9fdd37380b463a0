package dev.pyapp.server.rpc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.deploy.GitDeployer;
import dev.pyapp.server.deploy.GitSourceRequest;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.isolation.IsolationStatus;
import dev.pyapp.server.isolation.LimitStatus;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.logs.AppErrors;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.ProcessState;
import dev.pyapp.server.security.Role;
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
	List<Map<String, Object>> list() {
		AppRegistry.Listing listing = this.registry.listing();
		Map<String, List<Mount>> mounts = new HashMap<>();
		for (Mount mount : this.mounts.mounts()) {
			if (mount.app() != null) {
				mounts.computeIfAbsent(mount.app(), (app) -> new ArrayList<>()).add(mount);
			}
		}
		Map<String, List<String>> urls = this.mounts.urls();
		Supplier<WebServerStatus> webServer = once(this.mounts::status);
		List<Map<String, Object>> apps = new ArrayList<>();
		for (InstalledApp installed : listing.apps()) {
			AppId app = AppId.of(installed.name());
			apps.add(summary(installed, listing.liveRelease(installed).orElse(null),
					mounts.getOrDefault(app.value(), List.of()), urls.getOrDefault(app.value(), List.of()), webServer,
					once(() -> this.configStates.of(app))));
		}
		// first installs still being checked or extracted are listed from their first
		// moment
		listing.installing().forEach((name, progress) -> apps.add(installing(name, progress)));
		apps.sort(Comparator.comparing((app) -> String.valueOf(app.get("name"))));
		return apps;
	}

	@RpcMethod(value = "apps.get", role = Role.VIEWER, readOnly = true)
	Map<String, Object> get(AppParams params) {
		AppId app = AppId.of(params.name());
		InstalledApp installed = this.registry.find(app).orElse(null);
		if (installed == null) {
			AppRegistry.Progress pending = this.registry.installing(app).orElse(null);
			if (pending != null) {
				Map<String, Object> result = installing(app.value(), pending);
				result.put("release", null);
				result.put("env", Map.of());
				result.put("releases", List.of());
				result.put("process", process(this.supervisor.status(app)));
				result.put("tasks", List.of());
				result.put("config", null);
				result.put("progress", ordered("step", pending.step(), "message", pending.message()));
				return result;
			}
			// NOT_FOUND, unless the install stored it just now
			installed = this.registry.get(app);
		}
		List<Release> releases = this.registry.releases(app);
		String liveId = installed.currentRelease();
		Release live = (liveId != null)
				? releases.stream().filter((release) -> release.releaseId().equals(liveId)).findFirst().orElse(null)
				: null;
		Supplier<ConfigStates.State> configuration = once(() -> this.configStates.of(app));
		Map<String, Object> result = summary(installed, live, this.mounts.mounts(app), this.mounts.urls(app),
				once(this.mounts::status), configuration);
		result.put("release", installed.currentRelease());
		result.put("env", installed.env());
		result.put("releases", releases.stream().map(AppsRpc::release).toList());
		result.put("process", process(this.supervisor.status(app)));
		result.put("isolation", isolation(app, installed));
		result.put("tasks", tasks(app, installed));
		result.put("config", config(configuration.get()));
		AppRegistry.Progress progress = this.registry.progress(app);
		if (progress != null) {
			result.put("progress", ordered("step", progress.step(), "message", progress.message()));
		}
		// git route: a revision recorded but not deployed (updates.auto: false)
		result.put("update_available",
				this.git.availableUpdate(app)
					.map((update) -> ordered("commit", update.commit(), "ref", update.ref(), "detected",
							update.detected().toString()))
					.orElse(null));
		this.overview.addDetails(app, releases, result);
		return result;
	}

	@RpcMethod(value = "apps.install", role = Role.DEPLOYER)
	Map<String, Object> install(InstallParams params) {
		if (params.git() != null && params.archive() == null) {
			// git route: clone, select the revision per strategy, install (GitDeployer)
			Release live = deploy(() -> this.git.install(GitSourceRequest.fromParams(params.git())));
			return get(new AppParams(live.app()));
		}
		if (params.archive() == null) {
			throw PyappException.invalid("nothing to install",
					List.of(new Problem("archive", "give an archive id from POST /api/archives")));
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
	Map<String, Object> remove(RemoveParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		this.deployer.remove(app, Boolean.TRUE.equals(params.keepData()));
		this.errors.forget(app);
		return Map.of("name", app.value(), "removed", true);
	}

	@RpcMethod(value = "apps.rollback", role = Role.DEPLOYER)
	Map<String, Object> rollback(RollbackParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		deploy(() -> this.deployer.rollback(app, params.release()));
		Map<String, Object> result = get(new AppParams(app.value()));
		result.put("note", AppDeployer.ROLLBACK_NOTE);
		return result;
	}

	/**
	 * Acknowledges the app's errors so far: {@code last_error} is {@code null} until a
	 * newer one is logged.
	 */
	@RpcMethod(value = "apps.errors.acknowledge", role = Role.DEPLOYER)
	Map<String, Object> acknowledge(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		AppErrors.Acknowledgement ack = this.errors.acknowledge(app, TokensRpc.currentUser());
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", app.value());
		result.put("time", ack.time().toString());
		result.put("by", ack.by());
		return result;
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
	Map<String, Object> start(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		if (this.deployer.awaitsFirstConfiguration(app)) {
			throw PyappException.conflict(
					"app '" + app + "' cannot start before its required settings have values: configure it first");
		}
		return process(this.supervisor.start(app));
	}

	@RpcMethod(value = "apps.stop", role = Role.DEPLOYER)
	Map<String, Object> stop(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		return process(this.supervisor.stop(app));
	}

	@RpcMethod(value = "apps.restart", role = Role.DEPLOYER)
	Map<String, Object> restart(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		if (this.deployer.awaitsFirstConfiguration(app)) {
			throw PyappException.conflict(
					"app '" + app + "' cannot start before its required settings have values: configure it first");
		}
		return process(this.supervisor.restart(app));
	}

	@RpcMethod(value = "apps.limits.set", role = Role.ADMIN)
	Map<String, Object> setLimits(LimitsParams params) {
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
	Map<String, Object> setEnv(EnvParams params) {
		AppId app = AppId.of(params.name());
		InstalledApp installed = this.registry.get(app);
		List<Problem> problems = params.env()
			.keySet()
			.stream()
			.filter((name) -> !ENV_NAME.matcher(name).matches() || name.toUpperCase(Locale.ROOT).startsWith("PYAPP_"))
			.map((name) -> new Problem("env." + name,
					"'" + name + "' is not an allowed variable name: letters, digits and _, not starting with PYAPP_"))
			.toList();
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid environment variables", problems);
		}
		this.registry.save(installed.withEnv(params.env(), java.time.Instant.now()));
		boolean running = this.supervisor.status(app).state() == ProcessState.RUNNING;
		boolean restart = !Boolean.FALSE.equals(params.restart());
		if (running && restart) {
			// the environment is read when the daemon starts
			this.supervisor.restart(app);
		}
		Map<String, Object> result = get(new AppParams(app.value()));
		result.put("restart_needed", running && !restart);
		return result;
	}

	private Map<String, Object> summary(InstalledApp installed, @Nullable Release live, List<Mount> mounts,
			List<String> urls, Supplier<WebServerStatus> webServer, Supplier<ConfigStates.State> configuration) {
		AppId app = AppId.of(installed.name());
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("name", installed.name());
		summary.put("version", (live != null) ? live.version() : null);
		String state = state(app, configuration);
		summary.put("state", state);
		summary.put("mounts",
				mounts.stream().map((mount) -> ordered("server", mount.server(), "path", mount.path())).toList());
		summary.put("source", installed.source());
		this.overview.addSummary(app, state, urls, webServer, summary);
		return summary;
	}

	private Map<String, Object> installing(String name, AppRegistry.Progress progress) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("name", name);
		summary.put("version", progress.version());
		summary.put("state", "installing");
		summary.put("mounts", List.of());
		summary.put("source", progress.source());
		return summary;
	}

	/**
	 * SPEC §10: {@code {complete, missing, file, saved}}; {@code null} before a release
	 * of the app is on disk, or for a spec that cannot be read.
	 */
	private static @Nullable Map<String, Object> config(ConfigStates.State configuration) {
		return configuration.config().map((status) -> {
			Map<String, Object> config = new LinkedHashMap<>();
			config.put("complete", status.complete());
			config.put("missing", status.missing());
			config.put("file", status.file().toString());
			config.put("saved", (status.saved() != null) ? status.saved().toString() : null);
			return config;
		}).orElse(null);
	}

	private String state(AppId app, Supplier<ConfigStates.State> configuration) {
		return this.deployer.state(app, () -> configuration.get().needsConfiguration(),
				() -> this.supervisor.status(app).state().value());
	}

	/**
	 * A JSON object whose fields keep the order given ({@code Map.of} iterates in an
	 * order that changes from one JVM to the next).
	 */
	private static Map<String, Object> ordered(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
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

	private List<Object> tasks(AppId app, InstalledApp installed) {
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

	private Map<String, Object> isolation(AppId app, InstalledApp installed) {
		AppManifest manifest = null;
		if (installed.currentRelease() != null) {
			try {
				manifest = this.contexts.manifest(app, installed.currentRelease());
			}
			catch (PyappException ex) {
				// the release is gone from disk: what the app asks for is unknown
			}
		}
		IsolationStatus status = this.isolation.status(app, manifest);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("user", status.user());
		result.put("uid", status.uid());
		result.put("gid", status.gid());
		result.put("own_user", status.ownUser());
		result.put("user_reason", status.userReason());
		result.put("sandbox", status.sandbox());
		result.put("sandbox_reason", status.sandboxReason());
		Map<String, Object> limits = new LinkedHashMap<>();
		for (LimitStatus limit : status.limits()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("value", limit.value());
			entry.put("requested", limit.requested());
			entry.put("cap", limit.cap());
			entry.put("source", limit.source());
			entry.put("enforced_by", limit.enforcement());
			limits.put(limit.name(), entry);
		}
		result.put("limits", limits);
		return result;
	}

	static Map<String, Object> process(AppStatus status) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("state", status.state().value());
		result.put("release", status.release());
		result.put("server", status.server());
		result.put("pid", status.pid());
		result.put("socket", status.socket());
		result.put("port", status.port());
		result.put("started", (status.started() != null) ? status.started().toString() : null);
		result.put("uptime", status.uptimeSeconds());
		result.put("restarts", status.restarts());
		result.put("last_exit", status.lastExit());
		result.put("reason", status.reason());
		return result;
	}

	private static Map<String, Object> release(Release release) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", release.releaseId());
		result.put("version", release.version());
		result.put("source", release.source());
		result.put("checksum", release.checksum());
		result.put("commit", release.commit());
		result.put("created", release.created().toString());
		result.put("state", release.state().name().toLowerCase(Locale.ROOT));
		result.put("message", release.message());
		return result;
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
	 * @param env the operator's variables, replacing the earlier ones
	 * @param restart whether a running app restarts now to use them (the default);
	 * {@code false} leaves that to the caller ({@code restart_needed} in the result)
	 */
	record EnvParams(String name, Map<String, String> env, @Nullable Boolean restart) {
	}

}
