package dev.pyapp.server.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.pyapp.server.nodes.Signal;

/**
 * An app server that runs an app's daemon: gunicorn, uWSGI. One implementation per server
 * (a Spring bean); {@link AppServers} picks one per release (SPEC §10 "App servers") and
 * the supervisor runs, watches, reloads, stops and adopts the daemon through it. The
 * wrapping of the command (the app's user, sandbox and limits) is not the server's
 * business: the node's shell does it for every server alike.
 */
public interface AppServer {

	/**
	 * The name {@code daemon.server} and {@code pyapp.runtime.server} use.
	 * @return such as {@code gunicorn}
	 */
	String name();

	/**
	 * What the daemon's socket speaks, so that the web server and the health probe speak
	 * it too.
	 * @return the protocol
	 */
	WireProtocol protocol();

	/**
	 * Whether this server can run an environment made with an interpreter.
	 * @param python the environment's interpreter
	 * @return empty if it can, else why not, in words for the operator
	 */
	Optional<String> unsupported(PythonIdentity python);

	/**
	 * Why this server cannot run a release's environment on this host although its Python
	 * is one it runs: something it needs is missing.
	 * @param python the environment's interpreter ({@code venv/bin/python})
	 * @return the reason, or empty if it can
	 */
	default Optional<String> unavailable(Path python) {
		return Optional.empty();
	}

	/**
	 * Which environments it runs, in words for the operator.
	 * @return such as {@code any Python} or {@code only Python 3.11.2 (…)}
	 */
	default String supportedPython() {
		return "any Python";
	}

	/**
	 * The command line of a daemon: it runs in the foreground (the node's shell gives it
	 * a session of its own), writes {@link DaemonSpec#pidFile()} and serves
	 * {@code pyapp_runtime.wsgi:application} on the socket or port.
	 * @param spec the release and its settings
	 * @return the program and its arguments
	 */
	List<String> command(DaemonSpec spec);

	/**
	 * Whether a live process is a daemon of this server that belongs to an app: its
	 * command line starts this server with a pid file in the app's {@code run/}. Used to
	 * adopt a daemon after a restart of the management server, so that a pid file left
	 * behind never makes us signal a stranger.
	 * @param commandLine the process's argument vector (possibly wrapped, e.g. by a
	 * sandbox: the server's program may come after the wrapper's arguments)
	 * @param runDirectory the app's {@code run/}
	 * @return whether it is
	 */
	boolean recognises(List<String> commandLine, Path runDirectory);

	/**
	 * The signal that stops the daemon gracefully: requests in progress finish, then
	 * master and workers exit. (KILL follows after {@code pyapp.runtime.stop-timeout}.)
	 * @return the signal
	 */
	default Signal stopSignal() {
		return Signal.TERM;
	}

	/**
	 * The signal that reloads the daemon gracefully: new workers read the app and its
	 * configuration again, requests are not refused meanwhile.
	 * @return the signal
	 */
	default Signal reloadSignal() {
		return Signal.HUP;
	}

	/**
	 * Whether {@link #reloadSignal()} replaces the workers without a failed request; when
	 * not, a reload is a graceful restart (a new daemon beside the old one, the switch,
	 * the drain).
	 * @return whether a reload may signal the running daemon
	 */
	default boolean reloadsInPlace() {
		return true;
	}

	/**
	 * The server's name in messages.
	 * @return such as {@code uWSGI}
	 */
	default String displayName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
