package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.deploy.GitDeployer;
import dev.pyapp.server.deploy.GitSourceRequest;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import org.jspecify.annotations.Nullable;

/**
 * {@code apps.*}: the installed apps.
 */
@RpcEndpoint
class AppsRpc {

	private final AppRegistry registry;

	private final AppDeployer deployer;

	private final ArchiveStore archives;

	private final GitDeployer git;

	AppsRpc(AppRegistry registry, AppDeployer deployer, ArchiveStore archives, GitDeployer git) {
		this.registry = registry;
		this.deployer = deployer;
		this.archives = archives;
		this.git = git;
	}

	@RpcMethod("apps.list")
	List<Map<String, Object>> list() {
		return this.registry.list().stream().map(this::summary).toList();
	}

	@RpcMethod("apps.get")
	Map<String, Object> get(AppParams params) {
		AppId app = AppId.of(params.name());
		InstalledApp installed = this.registry.get(app);
		Map<String, Object> result = summary(installed);
		result.put("env", installed.env());
		result.put("releases", this.registry.releases(app).stream().map(AppsRpc::release).toList());
		AppRegistry.Progress progress = this.registry.progress(app);
		if (progress != null) {
			result.put("progress", Map.of("step", progress.step(), "message", progress.message()));
		}
		// git route: a revision recorded but not deployed (updates.auto: false)
		result.put("update_available",
				this.git.availableUpdate(app)
					.map((update) -> Map.of("commit", update.commit(), "ref", update.ref(), "detected",
							update.detected().toString()))
					.orElse(null));
		return result;
	}

	@RpcMethod("apps.install")
	Map<String, Object> install(InstallParams params) {
		if (params.git() != null && params.archive() == null) {
			// git route: clone, select the revision per strategy, install (GitDeployer)
			Release live = this.git.install(GitSourceRequest.fromParams(params.git()));
			return get(new AppParams(live.app()));
		}
		if (params.archive() == null) {
			throw PyappException.invalid("nothing to install", List
				.of(new dev.pyapp.server.core.Problem("archive", "give an archive id from POST /api/archives")));
		}
		try {
			Release live = this.deployer
				.install(InstallRequest.archive(this.archives.path(params.archive()), params.archive() + ".pyapp"));
			return get(new AppParams(live.app()));
		}
		finally {
			this.archives.delete(params.archive());
		}
	}

	@RpcMethod("apps.remove")
	Map<String, Object> remove(RemoveParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		this.deployer.remove(app, Boolean.TRUE.equals(params.keepData()));
		return Map.of("name", app.value(), "removed", true);
	}

	private Map<String, Object> summary(InstalledApp installed) {
		AppId app = AppId.of(installed.name());
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("name", installed.name());
		summary.put("version", this.registry.currentRelease(app).map(Release::version).orElse(null));
		summary.put("state", state(app));
		summary.put("mounts", List.of());
		summary.put("source", installed.source());
		return summary;
	}

	private String state(AppId app) {
		AppRegistry.Progress progress = this.registry.progress(app);
		return (progress != null) ? progress.phase() : "stopped";
	}

	private static Map<String, Object> release(Release release) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", release.releaseId());
		result.put("version", release.version());
		result.put("source", release.source());
		result.put("checksum", release.checksum());
		result.put("commit", release.commit());
		result.put("created", release.created().toString());
		result.put("state", release.state().name().toLowerCase(java.util.Locale.ROOT));
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
	record RemoveParams(String name,
			@com.fasterxml.jackson.annotation.JsonProperty("keep_data") @Nullable Boolean keepData) {
	}

}
