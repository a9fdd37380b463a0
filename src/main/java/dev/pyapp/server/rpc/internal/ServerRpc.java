package dev.pyapp.server.rpc.internal;

import java.util.List;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.venv.Provisioning;
import dev.pyapp.server.venv.VenvBuilder;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
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
	ServerInfo info() {
		BuildProperties properties = this.build.getIfAvailable();
		String version = (properties != null) ? properties.getVersion()
				: ServerRpc.class.getPackage().getImplementationVersion();
		List<PythonView> python = this.venvs.interpreters()
			.stream()
			.map((interpreter) -> new PythonView(interpreter.version(), interpreter.executable().toString()))
			.toList();
		DropboxView dropbox = new DropboxView(this.home.dropbox().toString(),
				this.environment.getProperty("pyapp.dropbox.enabled", Boolean.class, true));
		return new ServerInfo((version != null) ? version : "development", this.home.root().toString(),
				System.getProperty("java.version"), python, this.venvs.provisioning(),
				MountsRpc.WebServerView.of(this.mounts.status()), ProcessHandle.current().pid(), dropbox,
				this.started.toString());
	}

	/**
	 * Stops the server. By design its apps' daemons and its managed web server keep
	 * running (the next start adopts them); with {@code all} they are stopped first, and
	 * started again by the next start.
	 */
	@RpcMethod(value = "server.stop", role = Role.ADMIN)
	Stopped stop(StopParams params) {
		boolean all = Boolean.TRUE.equals(params.all());
		List<String> apps = List.of();
		String webserver = "keeps running";
		if (all) {
			apps = this.supervisor.stopDaemons();
			boolean managed = this.mounts.status().managed();
			if (managed) {
				this.mounts.stop();
			}
			webserver = managed ? "stopped" : "system (not managed)";
		}
		this.exit.soon();
		return new Stopped(ProcessHandle.current().pid(), all, apps, webserver);
	}

	/**
	 * {@code server.info}.
	 *
	 * @param version the server's version ({@code development} when unknown)
	 * @param home {@code PYAPP_HOME}
	 * @param java the Java version the server runs on
	 * @param python the Python interpreters apps may use
	 * @param gunicorn whether {@code server-packages/} is ready
	 * @param webserver the web server, as {@code webserver.apply} shows it
	 * @param pid the server's process
	 * @param dropbox the drop folder
	 * @param started when the server started (ISO-8601)
	 */
	record ServerInfo(String version, String home, String java, List<PythonView> python, Provisioning gunicorn,
			MountsRpc.WebServerView webserver, long pid, DropboxView dropbox, String started) {
	}

	/**
	 * @param version the interpreter's version, such as {@code 3.12.1}
	 * @param path its executable
	 */
	record PythonView(String version, String path) {
	}

	/**
	 * @param path the drop folder
	 * @param watched whether archives dropped there are installed
	 */
	record DropboxView(String path, boolean watched) {
	}

	/**
	 * {@code server.stop}.
	 *
	 * @param pid the server's process, which exits soon after
	 * @param all whether the apps' daemons and the managed web server were stopped
	 * @param apps the apps whose daemons were stopped
	 * @param webserver what became of the web server
	 */
	record Stopped(long pid, boolean all, List<String> apps, String webserver) {
	}

	/**
	 * @param all whether the apps' daemons and the managed web server are stopped too
	 */
	record StopParams(@Nullable Boolean all) {
	}

}
