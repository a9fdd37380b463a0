package dev.pyapp.server.mount.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;

/**
 * The managed web server's command lines per kind (nginx, Apache httpd, lighttpd): the
 * configuration test, the foreground start, the graceful reload's signal, and how to tell
 * that a process runs our configuration. Argument vectors, run through {@link NodeShell};
 * nothing reaches a shell.
 */
final class WebServerCommands {

	private final WebServerKind kind;

	private final Path binary;

	private final RenderSettings settings;

	private final NodeShell shell;

	private final Duration timeout;

	WebServerCommands(WebServerKind kind, RenderSettings settings, NodeShell shell, WebServerProperties properties) {
		this.kind = kind;
		this.binary = properties.binary(kind);
		this.settings = settings;
		this.shell = shell;
		this.timeout = properties.commandTimeout();
	}

	/**
	 * Runs the web server's own configuration test.
	 * @param config the configuration file to test
	 * @return the outcome, with the web server's output
	 */
	ExecResult test(Path config) {
		List<String> command = new ArrayList<>(List.of(this.binary.toString()));
		switch (this.kind) {
			case NGINX -> command.addAll(List.of("-t", "-p", this.settings.directory() + "/", "-c", config.toString()));
			case APACHE -> command.addAll(List.of("-t", "-f", config.toString()));
			case LIGHTTPD -> command.addAll(List.of("-tt", "-f", config.toString()));
		}
		return this.shell.exec(ExecRequest.of(command).withTimeout(this.timeout));
	}

	/**
	 * The command that runs the applied configuration in the foreground (its master
	 * process is the one the server starts and watches).
	 * @return the argument vector
	 */
	List<String> start() {
		String config = this.settings.config(this.kind).toString();
		List<String> command = new ArrayList<>(List.of(this.binary.toString()));
		switch (this.kind) {
			case NGINX -> command.addAll(List.of("-p", this.settings.directory() + "/", "-c", config));
			case APACHE -> command.addAll(List.of("-f", config, "-DFOREGROUND"));
			case LIGHTTPD -> command.addAll(List.of("-D", "-f", config));
		}
		return command;
	}

	/**
	 * Asks the master process for a graceful reload: HUP for nginx, USR1 (graceful) for
	 * Apache and lighttpd.
	 * @param master the master process
	 * @return the outcome of {@code kill}
	 */
	ExecResult reload(long master) {
		String signal = (this.kind == WebServerKind.NGINX) ? "HUP" : "USR1";
		return this.shell
			.exec(ExecRequest.of("kill", "-s", signal, Long.toString(master)).withTimeout(Duration.ofSeconds(10)));
	}

	/**
	 * Whether a process runs our configuration (its command line names the file).
	 * @param pid the process
	 * @return {@code false} also for a process that is gone
	 */
	boolean isOurs(long pid) {
		String config = this.settings.config(this.kind).toString();
		// nginx rewrites its command line into one string ("nginx: master process ...")
		return this.shell.process(pid)
			.map(ProcessInfo::commandLine)
			.map((line) -> String.join(" ", line).contains(config))
			.orElse(false);
	}

}
