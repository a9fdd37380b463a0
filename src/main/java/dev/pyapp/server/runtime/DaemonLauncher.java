package dev.pyapp.server.runtime;

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
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeException;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Starts and stops one app server master per release (in the foreground:
 * {@link NodeShell#start} gives it a session of its own), each release on its own socket
 * ({@code run/r-<hash>.sock}) or port, and waits until it accepts connections. What runs
 * and how it is signalled is the {@link AppServer}'s business.
 */
@Component
class DaemonLauncher {

	private static final Logger logger = LoggerFactory.getLogger(DaemonLauncher.class);

	/** sun_path holds 108 bytes including the terminating NUL. */
	static final int MAX_SOCKET_PATH = 107;

	private final PyappHome home;

	private final NodeShell shell;

	private final RuntimeProperties properties;

	private final AppServers servers;

	private final HostIsolation host;

	private final AppIsolation isolation;

	DaemonLauncher(PyappHome home, NodeShell shell, RuntimeProperties properties, AppServers servers,
			HostIsolation host, AppIsolation isolation) {
		this.home = home;
		this.shell = shell;
		this.properties = properties;
		this.servers = servers;
		this.host = host;
		this.isolation = isolation;
	}

	/**
	 * The cgroup of a daemon: a level of its own below the app's, named by the daemon's
	 * key (a release's two daemons during a graceful restart have one each).
	 * @param isolation the release's isolation
	 * @param key the daemon's key ({@code r-<hash>} or {@code r-<hash>-b})
	 * @return the cgroup, or {@code null} when the host has none
	 */
	static @Nullable String cgroup(Isolation isolation, String key) {
		return (isolation.cgroup() != null) ? isolation.cgroup() + "/" + key : null;
	}

	/**
	 * How many times the kernel killed a process of a daemon for memory.
	 * @param daemon the daemon
	 * @return the count (0 without a cgroup)
	 */
	long oomKills(Daemon daemon) {
		return (daemon.cgroup() != null) ? this.host.oomKills(daemon.cgroup()) : 0;
	}

	/**
	 * Gives a running daemon new limits in place (its cgroup's values and its processes'
	 * rlimits), without a restart.
	 * @param daemon the daemon
	 * @param isolation the isolation its release has now
	 * @return whether they are in force; false when they only apply from its next start
	 * (no cgroup, or a value the kernel refused, such as a memory limit below what it
	 * uses)
	 */
	boolean updateLimits(Daemon daemon, Isolation isolation) {
		if (daemon.cgroup() == null) {
			return false;
		}
		try {
			this.host.update(daemon.cgroup(), daemon.pid(), isolation);
			return true;
		}
		catch (NodeException ex) {
			logger.info("The new limits of the daemon of release {} apply from its next start: {}", daemon.release(),
					ex.getMessage());
			return false;
		}
	}

	/**
	 * Removes what is left of a stopped daemon's cgroup.
	 * @param daemon the daemon
	 */
	void release(Daemon daemon) {
		if (daemon.cgroup() != null) {
			this.host.kill(daemon.cgroup());
		}
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
		return launch(context, manifest, server, portsInUse, releaseKey(context.release()));
	}

	/**
	 * Starts a release's daemon under a key of its own (its socket and pid file are
	 * {@code run/<key>.sock} and {@code run/<key>.pid}): a restart starts the same
	 * release beside its running daemon under {@link #alternateKey}.
	 * @param context the release's process context
	 * @param manifest the release's manifest
	 * @param server the app server to run it on
	 * @param portsInUse ports other daemons of this server hold
	 * @param key {@code r-<hash>} or {@code r-<hash>-b}
	 * @return the running daemon
	 */
	Daemon launch(ProcessContext context, AppManifest manifest, AppServer server, Set<Integer> portsInUse, String key) {
		AppPaths paths = this.home.app(context.app());
		createDirectories(paths);
		Path pidFile = paths.run().resolve(key + ".pid");
		Path socket = null;
		Integer port = null;
		if (manifest.daemon().bind() == AppManifest.BindKind.PORT) {
			port = freePort(portsInUse);
		}
		else {
			socket = socket(context.app(), key);
		}
		List<String> command = server.command(new DaemonSpec(context.app(), context.release(), context.python(),
				context.workingDirectory(), socket, port, pidFile, manifest.daemon(), listenBacklog()));
		Path stderr = paths.stderrLog();
		long offset = size(stderr);
		java.util.Map<String, String> env = new java.util.LinkedHashMap<>(context.environment());
		env.put("PYAPP_ENTRY", manifest.entry().target());
		env.put("PYAPP_ENTRY_KIND", (manifest.entry().kind() == AppManifest.EntryKind.FACTORY) ? "factory" : "wsgi");
		Isolation isolation = context.isolation();
		String cgroup = cgroup(isolation, key);
		if (cgroup != null) {
			// a crashed daemon under this key may have left its cgroup behind
			this.host.kill(cgroup);
		}
		ExecRequest request = context.request(command);
		RunningProcess process = this.shell.start(request.withEnvironment(env, request.inheritEnvironment())
			.withOutput(paths.stdoutLog(), stderr)
			.isolated(isolation.withCgroup(cgroup)));
		Daemon daemon = new Daemon(context.release(), process.pid(), socket, port, pidFile, Instant.now(),
				process.exit(), offset, server, cgroup, 0);
		awaitAccepting(context.app(), daemon);
		if (socket != null) {
			// gunicorn gives its socket to its own user and group: the web server's group
			// must reach it, before anything is switched to it
			this.isolation.socketForWebServer(context.app(), socket);
		}
		return daemon;
	}

	/**
	 * The socket of a release's daemon.
	 * @param app the app
	 * @param release the release
	 * @return {@code run/r-<hash>.sock}
	 * @throws PyappException ({@code FAILED}) if the path is too long for a unix socket
	 */
	Path releaseSocket(AppId app, String release) {
		return socket(app, releaseKey(release));
	}

	/**
	 * The key a second daemon of a running daemon's release uses (a graceful restart):
	 * {@code r-<hash>-b} beside {@code r-<hash>}, and back.
	 * @param running the running daemon
	 * @return the other key
	 */
	static String alternateKey(Daemon running) {
		String name = running.pidFile().getFileName().toString();
		String key = name.endsWith(".pid") ? name.substring(0, name.length() - 4) : name;
		return key.endsWith("-b") ? key.substring(0, key.length() - 2) : key + "-b";
	}

	private Path socket(AppId app, String key) {
		Path socket = this.home.app(app).run().resolve(key + ".sock");
		if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
			throw PyappException.failed("the socket path " + socket + " is longer than " + MAX_SOCKET_PATH
					+ " bytes; use a shorter PYAPP_HOME", null);
		}
		return socket;
	}

	/**
	 * Stops a daemon, master and workers: its server's graceful stop signal (the requests
	 * in progress finish), then SIGKILL after {@code pyapp.runtime.stop-timeout}; a
	 * worker that outlives its master (gunicorn's, busy in a request when the master was
	 * killed) is killed too.
	 * @param daemon the daemon
	 */
	void stop(Daemon daemon) {
		if (!alive(daemon)) {
			return;
		}
		// the workers, known before the master goes: once it is gone they are orphans
		// that nothing links to the daemon any more
		List<ProcessHandle> workers = ProcessHandle.of(daemon.pid())
			.map((master) -> master.descendants().toList())
			.orElse(List.of());
		this.shell.signal(daemon.pid(), daemon.server().stopSignal());
		long deadline = System.nanoTime() + this.properties.stopTimeout().toNanos();
		while (alive(daemon) && System.nanoTime() < deadline) {
			pause(Duration.ofMillis(50));
		}
		if (alive(daemon)) {
			this.shell.signal(daemon.pid(), Signal.KILL);
			long killed = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (alive(daemon) && System.nanoTime() < killed) {
				pause(Duration.ofMillis(50));
			}
		}
		killOrphans(workers);
		deleteQuietly(daemon.pidFile());
		release(daemon);
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

	boolean alive(Daemon daemon) {
		if (daemon.exit() != null) {
			return !daemon.exit().isDone();
		}
		return this.shell.process(daemon.pid()).isPresent();
	}

	void reload(Daemon daemon) {
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
	 * The last lines a daemon wrote to stderr since it started.
	 * @param app the app
	 * @param daemon the daemon
	 * @return up to 4 KiB of text
	 */
	String stderrTail(AppId app, Daemon daemon) {
		Path stderr = this.home.app(app).stderrLog();
		try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
			long from = Math.max(daemon.stderrOffset(), file.length() - 4096);
			byte[] buffer = new byte[(int) Math.max(0, file.length() - from)];
			file.seek(from);
			file.readFully(buffer);
			return new String(buffer, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * The listen queue the daemons ask for: gunicorn's default of 2048, or less where the
	 * host's {@code net.core.somaxconn} is lower (uWSGI refuses to start otherwise).
	 * @return the backlog
	 */
	static int listenBacklog() {
		// read line by line: procfs files report a size of 0, and Files.readString of
		// one returned a single byte ("4" of "4096")
		try (java.io.BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/core/somaxconn"))) {
			String line = reader.readLine();
			int max = Integer.parseInt((line != null) ? line.trim() : "");
			return Math.max(16, Math.min(2048, max));
		}
		catch (IOException | NumberFormatException ex) {
			// the historical Linux default
			return 128;
		}
	}

	static String releaseKey(String release) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(release.getBytes(StandardCharsets.UTF_8));
			return "r-" + HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void awaitAccepting(AppId app, Daemon daemon) {
		long deadline = System.nanoTime() + this.properties.startTimeout().toNanos();
		while (System.nanoTime() < deadline) {
			if (!alive(daemon)) {
				Integer code = daemon.exitCode();
				throw PyappException.failed(
						daemon.server().displayName() + " of " + app + " (" + daemon.release()
								+ ") exited while starting" + ((code != null) ? " with code " + code : ""),
						stderrTail(app, daemon));
			}
			if (accepts(daemon)) {
				return;
			}
			pause(Duration.ofMillis(100));
		}
		stop(daemon);
		throw PyappException.failed(
				daemon.server().displayName() + " of " + app + " (" + daemon.release()
						+ ") did not accept connections within " + this.properties.startTimeout(),
				stderrTail(app, daemon));
	}

	static boolean accepts(Daemon daemon) {
		try {
			if (daemon.socket() != null) {
				if (!Files.exists(daemon.socket())) {
					return false;
				}
				try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
					return channel.connect(UnixDomainSocketAddress.of(daemon.socket()));
				}
			}
			try (SocketChannel channel = SocketChannel.open()) {
				return channel.connect(new InetSocketAddress("127.0.0.1", daemon.port()));
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	private int freePort(Set<Integer> inUse) {
		for (int port = this.properties.firstPort(); port <= this.properties.lastPort(); port++) {
			if (inUse.contains(port)) {
				continue;
			}
			try (ServerSocket probe = new ServerSocket()) {
				probe.setReuseAddress(true);
				probe.bind(new InetSocketAddress("127.0.0.1", port));
				return port;
			}
			catch (IOException ex) {
				// taken by another process: try the next
			}
		}
		throw PyappException.failed("no free port in pyapp.runtime.port-range " + this.properties.portRange(), null);
	}

	private static void createDirectories(AppPaths paths) {
		try {
			for (Path dir : new Path[] { paths.run(), paths.logs(), paths.tmp(), paths.data(), paths.config() }) {
				Files.createDirectories(dir);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the directories of " + paths.root(), ex);
		}
	}

	private static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * A live process recognised as an app's daemon.
	 *
	 * @param info the process
	 * @param server the app server it is
	 */
	record Recognised(ProcessInfo info, AppServer server) {
	}

	static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// a stale pid file is harmless: adoption verifies the process behind it
		}
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

}
