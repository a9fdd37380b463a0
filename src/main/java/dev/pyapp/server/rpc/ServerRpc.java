package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@code server.info} and {@code server.stop}.
 */
@RpcEndpoint
class ServerRpc {

	private final PyappHome home;

	private final ObjectProvider<BuildProperties> build;

	private final VenvBuilder venvs;

	private final MountManager mounts;

	private final AppSupervisor supervisor;

	private final ServerExit exit;

	private final org.springframework.core.env.Environment environment;

	private final java.time.Instant started = java.time.Instant.now();

	ServerRpc(PyappHome home, ObjectProvider<BuildProperties> build, VenvBuilder venvs, MountManager mounts,
			AppSupervisor supervisor, ServerExit exit, org.springframework.core.env.Environment environment) {
		this.supervisor = supervisor;
		this.exit = exit;
		this.environment = environment;
		this.home = home;
		this.build = build;
		this.venvs = venvs;
		this.mounts = mounts;
	}

	@RpcMethod(value = "server.info", role = Role.VIEWER, readOnly = true)
	Map<String, Object> info() {
		Map<String, Object> info = new LinkedHashMap<>();
		BuildProperties properties = this.build.getIfAvailable();
		String version = (properties != null) ? properties.getVersion()
				: ServerRpc.class.getPackage().getImplementationVersion();
		info.put("version", (version != null) ? version : "development");
		info.put("home", this.home.root().toString());
		info.put("java", System.getProperty("java.version"));
		info.put("python",
				this.venvs.interpreters()
					.stream()
					.map((python) -> Map.of("version", python.version(), "path", python.executable().toString()))
					.toList());
		info.put("gunicorn", this.venvs.provisioning());
		info.put("webserver", MountsRpc.status(this.mounts.status()));
		info.put("pid", ProcessHandle.current().pid());
		Map<String, Object> dropbox = new LinkedHashMap<>();
		dropbox.put("path", this.home.dropbox().toString());
		dropbox.put("watched", this.environment.getProperty("pyapp.dropbox.enabled", Boolean.class, true));
		info.put("dropbox", dropbox);
		info.put("started", this.started.toString());
		return info;
	}

	/**
	 * Stops the server. By design its apps' daemons and its managed web server keep
	 * running (the next start adopts them); with {@code all} they are stopped first, and
	 * started again by the next start.
	 */
	@RpcMethod(value = "server.stop", role = Role.ADMIN)
	Map<String, Object> stop(StopParams params) {
		boolean all = Boolean.TRUE.equals(params.all());
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("pid", ProcessHandle.current().pid());
		result.put("all", all);
		if (all) {
			result.put("apps", this.supervisor.stopDaemons());
			boolean managed = this.mounts.status().managed();
			if (managed) {
				this.mounts.stop();
			}
			result.put("webserver", managed ? "stopped" : "system (not managed)");
		}
		else {
			result.put("apps", List.of());
			result.put("webserver", "keeps running");
		}
		this.exit.soon();
		return result;
	}

	/**
	 * @param all whether the apps' daemons and the managed web server are stopped too
	 */
	record StopParams(@Nullable Boolean all) {
	}

}
