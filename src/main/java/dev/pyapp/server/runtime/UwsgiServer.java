package dev.pyapp.server.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.internal.CommandLineMatch;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * uWSGI from the host (Debian's {@code uwsgi-core} with {@code uwsgi-plugin-python3}):
 * its Python plugin embeds one interpreter ({@link UwsgiPlugin}) and runs the release's
 * environment with {@code --virtualenv}, so it serves only environments made with a
 * matching interpreter ({@link PythonIdentity#runs}). It speaks the uwsgi protocol.
 * <p>
 * The command line maps the {@code daemon} settings (processes: {@code --processes N};
 * threading: {@code --processes N --threads T}) and makes uWSGI behave like the other
 * servers under supervision: in the foreground with a master that writes the pid file;
 * the app loaded in each worker after the fork, as gunicorn does ({@code --lazy-apps}),
 * and the master exiting when it cannot be loaded ({@code --need-app}); one interpreter
 * (C extensions break in sub-interpreters); workers that die with the master
 * ({@code --no-orphans}). SIGTERM would make uWSGI 2.0 reload brutally: a master-start
 * hook makes it the graceful shutdown ({@code gracefully_kill_them_all}), so TERM lets
 * the requests in progress finish, as gunicorn's does; {@code --die-on-term} covers the
 * moment before the hook runs. SIGHUP, uWSGI's graceful reload, is not used: it signals
 * every worker at once, and a worker that has just accepted a connection can end without
 * answering it (unbit/uwsgi#1375; seen as "Connection reset" under load), so a reload is
 * a graceful restart ({@link #reloadsInPlace()}). No per-request log (gunicorn writes
 * none either); uWSGI's own messages go to stderr, which is captured.
 */
@Component
@Order(10)
class UwsgiServer implements AppServer {

	static final String NAME = "uwsgi";

	/** The largest uwsgi packet: its size is 16 bits. Large cookies fit. */
	static final int BUFFER_SIZE = 65535;

	private final UwsgiPlugin plugin;

	UwsgiServer(UwsgiPlugin plugin) {
		this.plugin = plugin;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String displayName() {
		return "uWSGI";
	}

	@Override
	public WireProtocol protocol() {
		return WireProtocol.UWSGI;
	}

	@Override
	public Optional<String> unsupported(PythonIdentity python) {
		UwsgiPlugin.Probe probe = this.plugin.probe();
		if (probe.python() == null) {
			return Optional.of("uWSGI is not available: " + probe.problem());
		}
		if (!probe.python().runs(python)) {
			return Optional.of("uWSGI's " + this.plugin.name() + " plugin embeds " + probe.python()
					+ ", not the environment's " + python);
		}
		return Optional.empty();
	}

	@Override
	public String supportedPython() {
		UwsgiPlugin.Probe probe = this.plugin.probe();
		return (probe.python() != null) ? "only environments made with " + probe.python() + ", which its "
				+ this.plugin.name() + " plugin embeds" : "nothing here (" + probe.problem() + ")";
	}

	@Override
	public List<String> command(DaemonSpec spec) {
		List<String> command = new ArrayList<>(List.of(this.plugin.command(), "--strict", "--plugin",
				this.plugin.name(), "--master", "--lazy-apps", "--need-app", "--single-interpreter", "--enable-threads",
				"--virtualenv", spec.venv().toString(), "--chdir", spec.workingDirectory().toString(), "--module",
				"pyapp_runtime.wsgi:application", "--uwsgi-socket",
				(spec.socket() != null) ? spec.socket().toString() : "127.0.0.1:" + spec.port(),
				// as gunicorn's socket: who may connect is decided by the run/ directory
				"--chmod-socket=660", "--pidfile", spec.pidFile().toString(), "--processes",
				Integer.toString(spec.workers())));
		if (spec.daemon().method() == AppManifest.DaemonMethod.THREADING) {
			command.addAll(List.of("--threads", Integer.toString(spec.threads())));
		}
		if (spec.workers() > 1) {
			command.add("--thunder-lock");
		}
		command.addAll(List.of("--die-on-term", "--hook-master-start", "unix_signal:15 gracefully_kill_them_all",
				"--no-orphans", "--vacuum", "--disable-logging", "--buffer-size", Integer.toString(BUFFER_SIZE),
				"--listen", Integer.toString(spec.listenBacklog()), "--reload-mercy", "20", "--worker-reload-mercy",
				"20"));
		return command;
	}

	@Override
	public boolean reloadsInPlace() {
		return false;
	}

	@Override
	public boolean recognises(List<String> commandLine, Path runDirectory) {
		return CommandLineMatch
			.optionAfterProgram(commandLine, (arg) -> CommandLineMatch.baseName(arg).startsWith("uwsgi"), "--pidfile")
			.filter((pidFile) -> CommandLineMatch.inDirectory(pidFile, runDirectory))
			.isPresent();
	}

}
