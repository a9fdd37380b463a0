package dev.pyapp.server.runtime.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppKilled;
import dev.pyapp.server.runtime.AppServer;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.DaemonSpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Starts and stops one app server master per release (in the foreground:
 * {@link NodeShell#start} gives it a session of its own), each release on its own socket
 * ({@code run/r-<hash>.sock}) or port, and waits until it accepts connections. What runs
 * and how it is signalled is the {@link AppServer}'s business; where it listens
 * ({@link DaemonAddresses}), its cgroup ({@link DaemonCgroups}) and the files it writes
 * ({@link DaemonFiles}) are kept apart.
 */
@Component
public class DaemonLauncher {

	/** How many ports a start of a port-bound daemon tries when one is taken under it. */
	static final int PORT_ATTEMPTS = 3;

	private static final Logger logger = LoggerFactory.getLogger(DaemonLauncher.class);

	/** How long a daemon that never went live has to end on its stop signal. */
	static final Duration DISCARD_GRACE = Duration.ofSeconds(2);

	private final PyappHome home;

	private final DaemonScales scales;

	private final NodeShell shell;

	private final RuntimeProperties properties;

	private final AppServers servers;

	private final DaemonCgroups cgroups;

	private final AppIsolation isolation;

	private final DaemonAddresses addresses;

	private final ApplicationEventPublisher events;

	DaemonLauncher(PyappHome home, NodeShell shell, RuntimeProperties properties, AppServers servers,
			DaemonCgroups cgroups, AppIsolation isolation, DaemonScales scales, ApplicationEventPublisher events) {
		this.home = home;
		this.scales = scales;
		this.shell = shell;
		this.properties = properties;
		this.servers = servers;
		this.cgroups = cgroups;
		this.isolation = isolation;
		this.addresses = new DaemonAddresses(home, properties);
		this.events = events;
	}

	/**
	 * Starts a release's daemon and waits until it accepts connections.
	 * @param context the release's process context
	 * @param manifest the release's manifest
	 * @param server the app server that runs it
	 * @param portsInUse ports other daemons of this server hold
	 * @return the running daemon
	 * @throws PyappException ({@code FAILED}, with the end of its stderr) if it exits or
	 * does not accept connections within {@code pyapp.runtime.start-timeout}
	 */
	Daemon launch(ProcessContext context, AppManifest manifest, AppServer server, Set<Integer> portsInUse) {
		return launch(context, manifest, server, portsInUse, DaemonAddresses.releaseKey(context.release()));
	}

	/**
	 * Starts a release's daemon under a key of its own (its socket and pid file are
	 * {@code run/<key>.sock} and {@code run/<key>.pid}): a restart starts the same
	 * release beside its running daemon under {@link DaemonAddresses#alternateKey}.
	 * @param context the release's process context
	 * @param manifest the release's manifest
	 * @param server the app server to run it on
	 * @param portsInUse ports other daemons of this server hold
	 * @param key {@code r-<hash>} or {@code r-<hash>-b}
	 * @return the running daemon
	 */
	Daemon launch(ProcessContext context, AppManifest manifest, AppServer server, Set<Integer> portsInUse, String key) {
		AppPaths paths = this.home.app(context.app());
		DaemonFiles.createDirectories(paths, context.release());
		if (manifest.daemon().bind() != AppManifest.BindKind.PORT) {
			return launch(context, manifest, server, key, this.addresses.socket(context.app(), key), null);
		}
		// a port found free can be taken by another process (say, another server's
		// daemon) before the daemon binds it: the daemon is stopped and started on
		// another port. Other starts of this server do not take it: it is claimed until
		// the daemon listens
		Set<Integer> avoid = new HashSet<>(portsInUse);
		for (int attempt = 1;; attempt++) {
			int port = this.addresses.claimPort(avoid);
			try {
				return launch(context, manifest, server, key, null, port);
			}
			catch (PortTaken ex) {
				if (attempt == PORT_ATTEMPTS) {
					throw PyappException.failed(ex.getMessage() + " (" + PORT_ATTEMPTS + " ports tried)", ex.stderr);
				}
				logger.warn("{}: starting it on another port", ex.getMessage());
				avoid.add(port);
			}
			finally {
				// its daemon listens there now, or did not start
				this.addresses.releasePort(port);
			}
		}
	}

	private Daemon launch(ProcessContext context, AppManifest manifest, AppServer server, String key,
			@Nullable Path socket, @Nullable Integer port) {
		AppPaths paths = this.home.app(context.app());
		Path pidFile = paths.run().resolve(key + ".pid");
		List<String> command = server.command(new DaemonSpec(context.app(), context.release(), context.python(),
				context.workingDirectory(), socket, port, pidFile,
				this.scales.applied(context.app(), manifest.daemon()), DaemonAddresses.listenBacklog()));
		Path stderr = DaemonFiles.stderrLog(paths, context.release());
		long offset = DaemonFiles.size(stderr);
		Map<String, String> env = new LinkedHashMap<>(context.environment());
		env.put("PYAPP_ENTRY", manifest.entry().target());
		env.put("PYAPP_ENTRY_KIND", (manifest.entry().kind() == AppManifest.EntryKind.FACTORY) ? "factory" : "wsgi");
		Isolation isolation = context.isolation();
		String cgroup = DaemonCgroups.cgroup(isolation, key);
		if (cgroup != null) {
			// a crashed daemon under this key may have left its cgroup behind
			this.cgroups.remove(cgroup);
		}
		ExecRequest request = context.request(command);
		RunningProcess process = this.shell.start(request.withEnvironment(env, request.inheritEnvironment())
			.withOutput(DaemonFiles.stdoutLog(paths, context.release()), stderr)
			.isolated(isolation.withCgroup(cgroup)));
		Daemon daemon = new Daemon(context.release(), process.pid(), socket, port, pidFile, Instant.now(),
				process.exit(), offset, server, cgroup, 0);
		awaitAccepting(context.app(), daemon);
		if (socket != null) {
			publish(context.app(), daemon);
		}
		return daemon;
	}

	/**
	 * Gives a socket daemon's socket to the web server, before anything is switched to
	 * it: its hard link in the app's {@code web/}, given to the web server's group (app
	 * servers make their sockets their own user's and group's). A daemon whose socket in
	 * {@code run/} is no longer a socket of the app's user (the app replaced it) is
	 * stopped.
	 * @param app the app
	 * @param daemon the daemon, started or adopted
	 * @throws PyappException ({@code FAILED}) if its socket cannot be given
	 */
	void publish(AppId app, Daemon daemon) {
		publish(app, daemon, false);
	}

	/**
	 * As {@link #publish(AppId, Daemon)}, for a daemon to adopt that may run as the
	 * server's own user.
	 * @param app the app
	 * @param daemon the daemon
	 * @param serverUsers whether it runs as the server's user (a server before app users
	 * started it), so that its socket is that user's
	 * @throws PyappException ({@code FAILED}) if its socket cannot be given
	 */
	void publish(AppId app, Daemon daemon, boolean serverUsers) {
		Path socket = daemon.socket();
		if (socket == null) {
			return;
		}
		try {
			if (serverUsers) {
				this.isolation.serverSocketForWebServer(app, socket);
			}
			else {
				this.isolation.socketForWebServer(app, socket);
			}
		}
		catch (IllegalStateException | UncheckedIOException ex) {
			discard(daemon);
			throw PyappException
				.failed("the daemon of " + app + " (" + daemon.release() + ") is stopped: " + ex.getMessage(), null);
		}
	}

	/**
	 * Stops a daemon, master and workers: its server's graceful stop signal (the requests
	 * in progress finish), then SIGKILL after {@code pyapp.runtime.stop-timeout}; a
	 * worker that outlives its master (gunicorn's, busy in a request when the master was
	 * killed) is killed too. A kill is told as {@link AppKilled} (the app's log says that
	 * requests were cut off).
	 * @param daemon the daemon
	 */
	void stop(Daemon daemon) {
		stop(daemon, this.properties.stopTimeout(), true);
	}

	/**
	 * Stops a daemon that never went live, which no request but its health check reached:
	 * a candidate that failed its check or was replaced, a start that failed or was
	 * overtaken. Its server's stop signal, then SIGKILL after at most
	 * {@link #DISCARD_GRACE} (uWSGI's master does not act on the signal while it still
	 * loads the app), and no {@link AppKilled}: nothing was cut off, and an ERROR record
	 * saying so would be taken for the cause of the failed deploy.
	 * @param daemon the daemon
	 */
	void discard(Daemon daemon) {
		Duration stopTimeout = this.properties.stopTimeout();
		stop(daemon, (stopTimeout.compareTo(DISCARD_GRACE) < 0) ? stopTimeout : DISCARD_GRACE, false);
	}

	private void stop(Daemon daemon, Duration grace, boolean served) {
		if (!alive(daemon)) {
			// ended by itself (a candidate or retiring daemon that crashed): its cgroup
			// goes once empty; what may still run in it is never killed here, since a
			// daemon started again under the same key takes the same cgroup
			this.cgroups.removeIfEmpty(daemon);
			return;
		}
		// the workers, known before the master goes: once it is gone they are orphans
		// that nothing links to the daemon any more
		List<ProcessHandle> workers = ProcessHandle.of(daemon.pid())
			.map((master) -> master.descendants().toList())
			.orElse(List.of());
		Signal signal = daemon.server().stopSignal();
		this.shell.signal(daemon.pid(), signal);
		long deadline = System.nanoTime() + grace.toNanos();
		while (alive(daemon) && System.nanoTime() < deadline) {
			pause(Duration.ofMillis(50));
		}
		if (alive(daemon)) {
			if (served) {
				logger.warn("the daemon {} (pid {}) did not stop within {} of SIG{}: killed", daemon.release(),
						daemon.pid(), grace, signal);
				this.events
					.publishEvent(new AppKilled(appOf(daemon), daemon.release(), daemon.pid(), signal.name(), grace));
			}
			else {
				logger.info("the daemon {} (pid {}), never live, did not stop within {} of SIG{}: killed",
						daemon.release(), daemon.pid(), grace, signal);
			}
			this.shell.signal(daemon.pid(), Signal.KILL);
			long killed = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (alive(daemon) && System.nanoTime() < killed) {
				pause(Duration.ofMillis(50));
			}
		}
		killOrphans(workers);
		DaemonFiles.deleteQuietly(daemon.pidFile());
		unpublish(daemon);
		this.cgroups.release(daemon);
	}

	/**
	 * Waits until a replaced daemon has taken what reached it before the switch: the
	 * drain delay, then until no connection waits in its listen queue (at most
	 * {@code pyapp.runtime.stop-timeout}), so that {@link #stop} resets none.
	 * @param daemon the replaced daemon
	 */
	void drain(Daemon daemon) {
		pause(this.properties.drainDelay());
		int waiting = ListenQueue.awaitEmpty(this.shell, daemon, this.properties.stopTimeout(), () -> alive(daemon));
		if (waiting > 0) {
			logger.warn("{} connections still wait for the replaced daemon {} (pid {}) after {}: its stop resets them",
					waiting, daemon.release(), daemon.pid(), this.properties.stopTimeout());
		}
	}

	/** The app a daemon belongs to: its pid file is {@code apps/<app>/run/<key>.pid}. */
	private static AppId appOf(Daemon daemon) {
		return AppId.of(daemon.pidFile().getParent().getParent().getFileName().toString());
	}

	/** Deletes a stopped daemon's socket link in its app's {@code web/}. */
	private void unpublish(Daemon daemon) {
		Path socket = daemon.socket();
		if (socket != null && socket.getParent() != null && socket.getParent().getParent() != null) {
			// run/<key>.sock -> web/<key>.sock
			DaemonFiles.deleteQuietly(new AppPaths(socket.getParent().getParent()).web().resolve(socket.getFileName()));
		}
	}

	/**
	 * Kills the workers of a stopped master that are still alive. A handle stays bound to
	 * its process's start time, so a pid reused meanwhile is never killed.
	 */
	private static void killOrphans(List<ProcessHandle> workers) {
		List<ProcessHandle> alive = workers.stream().filter(ProcessHandle::isAlive).toList();
		alive.forEach(ProcessHandle::destroyForcibly);
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (alive.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
			pause(Duration.ofMillis(50));
		}
	}

	public boolean alive(Daemon daemon) {
		if (daemon.exit() != null) {
			return !daemon.exit().isDone();
		}
		return this.shell.process(daemon.pid()).isPresent();
	}

	public void reload(Daemon daemon) {
		this.shell.signal(daemon.pid(), daemon.server().reloadSignal());
	}

	/**
	 * Whether a live process is one of this app's daemons: the command line of one of the
	 * app servers with a pid file in the app's {@code run/} (which holds the pid inside
	 * its sandbox; the server keeps the host's in {@code run/app.pid}).
	 * @param app the app
	 * @param pid the pid read from a pid file
	 * @return the process and its server, if it is
	 */
	@Nullable Recognised verify(AppId app, long pid) {
		ProcessInfo info = this.shell.process(pid).orElse(null);
		if (info == null) {
			return null;
		}
		return this.servers.recognise(info.commandLine(), this.home.app(app).run())
			.map((server) -> new Recognised(info, server))
			.orElse(null);
	}

	/**
	 * The master of one of this app's daemons whose command line names a pid file: how a
	 * daemon is found on the host when the file holds its pid inside its sandbox's own
	 * PID namespace (bubblewrap's), which is no pid of the host ({@link #masterOf}).
	 * @param app the app
	 * @param pidFile a pid file in the app's {@code run/}
	 * @return the master and its server, if one runs
	 */
	@Nullable Recognised naming(AppId app, Path pidFile) {
		Path run = this.home.app(app).run();
		String named = pidFile.toString();
		Map<Long, Recognised> found = new LinkedHashMap<>();
		List<Naming> naming = new ArrayList<>();
		ProcessHandle.allProcesses().forEach((handle) -> {
			ProcessInfo info = this.shell.process(handle.pid()).orElse(null);
			if (info == null || !info.commandLine().contains(named)) {
				return;
			}
			this.servers.recognise(info.commandLine(), run).ifPresent((server) -> {
				found.put(handle.pid(), new Recognised(info, server));
				naming.add(new Naming(handle.pid(), handle.parent().map(ProcessHandle::pid).orElse(0L),
						info.commandLine()));
			});
		});
		Long master = masterOf(naming);
		return (master != null) ? found.get(master) : null;
	}

	/**
	 * The app server's master among the processes whose command lines name its pid file:
	 * its sandbox's two {@code bwrap} processes (which name it in the command they run),
	 * the master and its forked workers (which share its command line). The master is the
	 * one whose parent runs another command line and below which nothing does.
	 * @param naming the processes
	 * @return the master's pid, if one is among them
	 */
	static @Nullable Long masterOf(List<Naming> naming) {
		Map<Long, Naming> byPid = new LinkedHashMap<>();
		naming.forEach((process) -> byPid.put(process.pid(), process));
		for (Naming process : naming) {
			Naming parent = byPid.get(process.parent());
			if (parent != null && parent.commandLine().equals(process.commandLine())) {
				// a forked worker, or bubblewrap's second process
				continue;
			}
			boolean wraps = naming.stream()
				.anyMatch((other) -> !other.commandLine().equals(process.commandLine())
						&& descends(other, process.pid(), byPid));
			if (!wraps) {
				return process.pid();
			}
		}
		return null;
	}

	private static boolean descends(Naming process, long ancestor, Map<Long, Naming> byPid) {
		Naming at = process;
		for (int depth = 0; at != null && depth < byPid.size(); depth++) {
			if (at.parent() == ancestor) {
				return true;
			}
			at = byPid.get(at.parent());
		}
		return false;
	}

	/** A process whose command line names a pid file, and its parent. */
	record Naming(long pid, long parent, List<String> commandLine) {
	}

	private void awaitAccepting(AppId app, Daemon daemon) {
		long deadline = System.nanoTime() + this.properties.startTimeout().toNanos();
		while (System.nanoTime() < deadline) {
			if (!alive(daemon)) {
				Integer code = daemon.exitCode();
				// what its master left (forked workers) ends with its cgroup
				this.cgroups.release(daemon);
				throw PyappException.failed(
						daemon.server().displayName() + " of " + app + " (" + daemon.release()
								+ ") exited while starting" + ((code != null) ? " with code " + code : ""),
						stderrTail(app, daemon));
			}
			if (DaemonAddresses.accepts(daemon)) {
				String other = this.addresses.otherHolder(daemon);
				if (other == null) {
					return;
				}
				discard(daemon);
				throw new PortTaken("port " + daemon.port() + " of " + app + " (" + daemon.release() + ") is held by "
						+ other + ", not by its " + daemon.server().displayName()
						+ ": another process took it after it was found free", stderrTail(app, daemon));
			}
			pause(Duration.ofMillis(100));
		}
		discard(daemon);
		throw PyappException.failed(
				daemon.server().displayName() + " of " + app + " (" + daemon.release()
						+ ") did not accept connections within " + this.properties.startTimeout(),
				stderrTail(app, daemon));
	}

	/**
	 * The last lines a daemon wrote to stderr since it started.
	 * @param app the app
	 * @param daemon the daemon
	 * @return up to 4 KiB of text
	 */
	String stderrTail(AppId app, Daemon daemon) {
		return DaemonFiles.stderrTail(this.home.app(app), daemon);
	}

	/**
	 * How long a release's stderr file is now: where what its daemons write next begins.
	 * @param app the app
	 * @param release the release
	 * @return its size in bytes, 0 if there is none
	 */
	long stderrEnd(AppId app, String release) {
		return DaemonFiles.size(DaemonFiles.stderrLog(this.home.app(app), release));
	}

	/**
	 * The socket of a release's daemon.
	 * @param app the app
	 * @param release the release
	 * @return {@code run/r-<hash>.sock}
	 * @throws PyappException ({@code FAILED}) if the path is too long for a unix socket
	 */
	Path releaseSocket(AppId app, String release) {
		return this.addresses.socket(app, DaemonAddresses.releaseKey(release));
	}

	/**
	 * A live process recognised as an app's daemon.
	 *
	 * @param info the process
	 * @param server the app server it is
	 */
	record Recognised(ProcessInfo info, AppServer server) {
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted", null);
		}
	}

	/** A port found free was taken by another process before the daemon bound it. */
	private static final class PortTaken extends RuntimeException {

		private final String stderr;

		PortTaken(String message, String stderr) {
			super(message, null, false, false);
			this.stderr = stderr;
		}

	}

}
