package dev.pyapp.server.runtime.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.DaemonSpec;
import dev.pyapp.server.runtime.PythonIdentity;
import dev.pyapp.server.runtime.WireProtocol;
import dev.pyapp.server.venv.VenvBuilder;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * gunicorn, run by the release's own interpreter ({@code python -m gunicorn}, from
 * {@code server-packages/} or the app's own pin) with the settings of
 * {@code pyapp_runtime.gunicorn_conf}: threading is gthread workers, processes are sync
 * workers. It speaks HTTP; TERM stops it gracefully (workers finish their requests within
 * the graceful timeout) and HUP replaces its workers. Last in order: it runs every
 * environment, so {@code auto} falls back to it, where it is there (not when pip could
 * not install it into {@code server-packages/} and the environment has none of its own).
 */
@Component
@Order(100)
public class GunicornServer implements AppServer {

	static final String NAME = "gunicorn";

	/** The longest a start waits for pip to install gunicorn into server-packages. */
	private static final Duration PROVISIONING_TIMEOUT = Duration.ofMinutes(10);

	private final VenvBuilder venvs;

	public GunicornServer(VenvBuilder venvs) {
		this.venvs = venvs;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public WireProtocol protocol() {
		return WireProtocol.HTTP;
	}

	@Override
	public Optional<String> unsupported(PythonIdentity python) {
		// it runs in the environment's own interpreter
		return Optional.empty();
	}

	@Override
	public Optional<String> unavailable(Path python) {
		if (this.venvs.gunicorn() != null || ownGunicorn(python.getParent().getParent())) {
			return Optional.empty();
		}
		// pip is tried again if its failure is old enough (the operator may have fixed
		// its configuration since)
		String why = this.venvs.awaitProvisioning(PROVISIONING_TIMEOUT).message();
		if (this.venvs.gunicorn() != null) {
			return Optional.empty();
		}
		return Optional.of("gunicorn is not installed: neither server-packages/ nor the app's environment has it"
				+ ((why != null) ? " (" + why + ")" : ""));
	}

	/** Whether a venv has gunicorn of its own ({@code lib/python3.X/site-packages}). */
	private static boolean ownGunicorn(Path venv) {
		try (DirectoryStream<Path> pythons = Files.newDirectoryStream(venv.resolve("lib"), "python*")) {
			for (Path lib : pythons) {
				if (Files.isRegularFile(lib.resolve("site-packages").resolve(NAME).resolve("__init__.py"))) {
					return true;
				}
			}
			return false;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public List<String> command(DaemonSpec spec) {
		List<String> command = new ArrayList<>(
				List.of(spec.python().toString(), "-m", "gunicorn", "--config", "python:pyapp_runtime.gunicorn_conf",
						"--bind", (spec.socket() != null) ? "unix:" + spec.socket() : "127.0.0.1:" + spec.port(),
						"--pid", spec.pidFile().toString(), "--chdir", spec.workingDirectory().toString(), "--name",
						"pyapp-" + spec.app()));
		if (spec.daemon().method() == AppManifest.DaemonMethod.PROCESSES) {
			command.addAll(List.of("--worker-class", "sync", "--workers", Integer.toString(spec.workers())));
		}
		else {
			command.addAll(List.of("--worker-class", "gthread", "--workers", Integer.toString(spec.workers()),
					"--threads", Integer.toString(spec.threads())));
		}
		command.add("pyapp_runtime.wsgi:application");
		return command;
	}

	@Override
	public boolean recognises(List<String> commandLine, Path runDirectory) {
		return CommandLineMatch
			.optionAfterProgram(commandLine, (arg) -> CommandLineMatch.baseName(arg).equals(NAME), "--pid")
			.filter((pidFile) -> CommandLineMatch.inDirectory(pidFile, runDirectory))
			.isPresent();
	}

}
