package dev.pyapp.server.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.internal.RuntimeProperties;
import dev.pyapp.server.venv.InterpreterConstraint;
import dev.pyapp.server.venv.PythonInterpreter;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The app servers this server can run daemons with, and which one runs a release (SPEC
 * §10 "App servers"): the one {@code daemon.server} names, else the one
 * {@code pyapp.runtime.server} names, else ({@code auto}) the first in order that can
 * serve the release's environment: uWSGI where its Python plugin embeds the very
 * interpreter the environment was made with ({@link PythonIdentity#runs}), else gunicorn,
 * which runs every environment. Adding a server is one {@link AppServer} bean.
 */
@Component
public class AppServers {

	/** The value of {@code pyapp.runtime.server} that lets each release decide. */
	public static final String AUTO = "auto";

	private final List<AppServer> servers;

	private final String preferred;

	private final Supplier<List<PythonInterpreter>> interpreters;

	/** The host's interpreters, asked once the server is up (in the background). */
	private volatile @Nullable CompletableFuture<List<PythonInterpreter>> known;

	private final Map<Path, PythonIdentity> identities = new ConcurrentHashMap<>();

	@Autowired
	AppServers(List<AppServer> servers, RuntimeProperties properties, VenvBuilder venvs) {
		this(servers, properties, venvs::interpreters);
	}

	AppServers(List<AppServer> servers, RuntimeProperties properties, Supplier<List<PythonInterpreter>> interpreters) {
		this.servers = List.copyOf(servers);
		this.preferred = properties.server();
		this.interpreters = interpreters;
		if (!AUTO.equals(this.preferred) && find(this.preferred).isEmpty()) {
			throw new IllegalStateException(
					"pyapp.runtime.server is '" + this.preferred + "'; expected " + AUTO + " or one of " + names());
		}
	}

	/**
	 * Asks the host's interpreters and the app servers what they run, in the background
	 * once the server is up: a crash restart or an upgrade after a restart of this server
	 * must not wait for it.
	 */
	@EventListener(ApplicationReadyEvent.class)
	// before the crash watch begins, which is the last (SupervisorStartup)
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	void warmUp() {
		knownInterpreters();
		Thread thread = new Thread(() -> this.servers.forEach(AppServer::supportedPython), "pyapp-app-servers");
		thread.setDaemon(true);
		thread.start();
	}

	private CompletableFuture<List<PythonInterpreter>> knownInterpreters() {
		CompletableFuture<List<PythonInterpreter>> future = this.known;
		if (future == null) {
			synchronized (this) {
				future = this.known;
				if (future == null) {
					future = CompletableFuture.supplyAsync(this.interpreters, (task) -> {
						Thread thread = new Thread(task, "pyapp-interpreters");
						thread.setDaemon(true);
						thread.start();
					});
					this.known = future;
				}
			}
		}
		return future;
	}

	private List<PythonInterpreter> interpreters() {
		try {
			return knownInterpreters().join();
		}
		catch (java.util.concurrent.CompletionException ex) {
			// asked again next time
			this.known = null;
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : ex;
		}
	}

	/**
	 * The servers, in the order {@code auto} tries them.
	 * @return the servers
	 */
	public List<AppServer> all() {
		return this.servers;
	}

	/**
	 * {@code pyapp.runtime.server}.
	 * @return {@code auto} or a server's name
	 */
	public String preferred() {
		return this.preferred;
	}

	/**
	 * A server by name.
	 * @param name such as {@code uwsgi}
	 * @return the server, if there is one of that name
	 */
	public Optional<AppServer> find(String name) {
		return this.servers.stream().filter((server) -> server.name().equals(name)).findFirst();
	}

	/**
	 * Which server runs a release, and why.
	 * @param manifest the release's manifest
	 * @param python the release environment's interpreter ({@code venv/bin/python})
	 * @return the choice
	 * @throws PyappException ({@code FAILED}) if the server the app or the operator named
	 * cannot run the environment, or the environment's interpreter cannot be run
	 */
	public Choice choose(AppManifest manifest, Path python) {
		PythonIdentity identity = identity(python);
		String named = manifest.daemon().server();
		String source = (named != null) ? "daemon.server" : "pyapp.runtime.server";
		String wanted = (named != null) ? named : this.preferred;
		if (!AUTO.equals(wanted)) {
			AppServer server = find(wanted).orElseThrow(() -> PyappException
				.failed("the app server '" + wanted + "' (" + source + ") is not one of " + names(), null));
			Optional<String> unsupported = server.unsupported(identity).or(() -> server.unavailable(python));
			if (unsupported.isPresent()) {
				throw PyappException.failed(
						server.displayName() + " (" + source + ") cannot run this release: " + unsupported.get(), null);
			}
			return new Choice(server, source + " is " + wanted);
		}
		StringBuilder passed = new StringBuilder();
		for (AppServer server : this.servers) {
			Optional<String> unsupported = server.unsupported(identity).or(() -> server.unavailable(python));
			if (unsupported.isEmpty()) {
				return new Choice(server, "auto: "
						+ (passed.isEmpty() ? server.displayName() + " runs " + identity : passed.toString().strip()));
			}
			passed.append(unsupported.get()).append(' ');
		}
		throw PyappException.failed("no app server can run " + identity + ": " + passed.toString().strip(), null);
	}

	/**
	 * What a release's interpreter must be so that the server the app or the operator
	 * named can run it; for {@code auto}, nothing (the release's interpreter decides).
	 * @param manifest the release's manifest
	 * @return the constraint for the environment's build, or {@code null}
	 * @throws PyappException ({@code INVALID} at {@code metadata.yaml: daemon.server})
	 * for a server this server does not have
	 */
	public @Nullable InterpreterConstraint interpreterConstraint(AppManifest manifest) {
		String named = manifest.daemon().server();
		String wanted = (named != null) ? named : this.preferred;
		if (AUTO.equals(wanted)) {
			return null;
		}
		String source = (named != null) ? "metadata.yaml: daemon.server" : "pyapp.runtime.server";
		AppServer server = find(wanted).orElseThrow(
				() -> PyappException.invalid("unknown app server", List.of(new dev.pyapp.server.core.Problem(source,
						"this server has no app server '" + wanted + "'; expected one of " + names()))));
		return new InterpreterConstraint(source, server.displayName() + " runs " + server.supportedPython(),
				(interpreter) -> server.unsupported(identity(interpreter)).isEmpty());
	}

	/**
	 * The server whose daemon a live process is, if it is one of an app's.
	 * @param commandLine the process's argument vector
	 * @param runDirectory the app's {@code run/}
	 * @return the server
	 */
	public Optional<AppServer> recognise(List<String> commandLine, Path runDirectory) {
		return this.servers.stream().filter((server) -> server.recognises(commandLine, runDirectory)).findFirst();
	}

	/**
	 * The identity of an environment's interpreter: that of the host interpreter its
	 * {@code bin/python} links to (a venv's interpreter is a link to the one that made
	 * it). Nothing of the environment is run: its files are the app's, and this server
	 * must not execute what an app's build could have put there.
	 * @param python the environment's interpreter
	 * @return its identity, or {@link PythonIdentity#UNKNOWN} when it is not a link to
	 * one of the host's interpreters (no app server but one that runs any Python can run
	 * it then)
	 */
	PythonIdentity identity(Path python) {
		PythonIdentity known = this.identities.get(python);
		if (known != null) {
			return known;
		}
		Path real = realPath(python);
		PythonInterpreter host = (real != null) ? interpreters().stream()
			.filter((interpreter) -> real.equals(realPath(interpreter.executable())))
			.findFirst()
			.orElse(null) : null;
		if (host == null || host.implementation().isEmpty()) {
			return PythonIdentity.UNKNOWN;
		}
		PythonIdentity identity = identity(host);
		this.identities.put(python, identity);
		return identity;
	}

	private static @Nullable Path realPath(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Forgets the identities of environments below a directory (removed releases).
	 * @param directory such as an app's root
	 */
	void forget(Path directory) {
		this.identities.keySet().removeIf((path) -> path.startsWith(directory));
	}

	private static PythonIdentity identity(PythonInterpreter interpreter) {
		return new PythonIdentity(interpreter.implementation().isEmpty() ? "unknown" : interpreter.implementation(),
				interpreter.version(), interpreter.abi());
	}

	private List<String> names() {
		return this.servers.stream().map(AppServer::name).toList();
	}

	/**
	 * The server a release runs on.
	 *
	 * @param server the server
	 * @param reason why, for the log and the deploy report
	 */
	public record Choice(AppServer server, String reason) {
	}

}
