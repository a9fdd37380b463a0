package dev.pyapp.server.runtime.internal;

import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.ListeningSockets;
import org.jspecify.annotations.Nullable;

/**
 * Where a daemon listens: its key (a release's daemon is {@code r-<hash>}, a second one
 * of the same release {@code r-<hash>-b}), its unix socket {@code run/<key>.sock} or a
 * free port of {@code pyapp.runtime.port-range}, the listen queue it asks for, and
 * whether it accepts connections.
 */
public final class DaemonAddresses {

	private final PyappHome home;

	private final RuntimeProperties properties;

	private final ListeningSockets sockets;

	/** The ports {@link #claimPort} gave to starts under way. */
	private final Set<Integer> claimed = new HashSet<>();

	DaemonAddresses(PyappHome home, RuntimeProperties properties) {
		this(home, properties, new ListeningSockets());
	}

	DaemonAddresses(PyappHome home, RuntimeProperties properties, ListeningSockets sockets) {
		this.home = home;
		this.properties = properties;
		this.sockets = sockets;
	}

	/** sun_path holds 108 bytes including the terminating NUL. */
	static final int MAX_SOCKET_PATH = 107;

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

	/**
	 * The socket of a daemon under a key.
	 * @param app the app
	 * @param key {@code r-<hash>} or {@code r-<hash>-b}
	 * @return {@code run/<key>.sock}
	 * @throws PyappException ({@code FAILED}) if the path is too long for a unix socket
	 */
	Path socket(AppId app, String key) {
		Path socket = this.home.app(app).run().resolve(key + ".sock");
		if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
			throw PyappException.failed("the socket path " + socket + " is longer than " + MAX_SOCKET_PATH
					+ " bytes; use a shorter PYAPP_HOME", null);
		}
		return socket;
	}

	/**
	 * The listen queue the daemons ask for: gunicorn's default of 2048, or less where the
	 * host's {@code net.core.somaxconn} is lower (uWSGI refuses to start otherwise).
	 * @return the backlog
	 */
	public static int listenBacklog() {
		// read line by line: procfs files report a size of 0, and Files.readString of
		// one returned a single byte ("4" of "4096")
		try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/core/somaxconn"))) {
			String line = reader.readLine();
			int max = Integer.parseInt((line != null) ? line.trim() : "");
			return Math.max(16, Math.min(2048, max));
		}
		catch (IOException | NumberFormatException ex) {
			// the historical Linux default
			return 128;
		}
	}

	/**
	 * The key of a release's daemon: its socket and pid file are named after it.
	 * @param release the release
	 * @return {@code r-} and 8 hex digits of its name's SHA-256
	 */
	static String releaseKey(String release) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(release.getBytes(StandardCharsets.UTF_8));
			return "r-" + HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Whether a daemon accepts a connection on its socket or port now. The socket is in
	 * its app's {@code run/}, which the app may change: a symlink or anything else than a
	 * socket at its name is not connected to (the server, as root, would reach whatever
	 * socket of the host it leads to), and the process that accepts must run as the
	 * daemon does ({@link HealthProbe#requireDaemonsUser}).
	 * @param daemon the daemon
	 * @return whether it does
	 */
	static boolean accepts(Daemon daemon) {
		try {
			if (daemon.socket() != null) {
				if (!FileModes.isSocket(daemon.socket())) {
					return false;
				}
				try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
					if (!channel.connect(UnixDomainSocketAddress.of(daemon.socket()))) {
						return false;
					}
					// a link put there after the look above: nothing is sent, and the
					// connection does not count
					HealthProbe.requireDaemonsUser(channel, daemon);
					return true;
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

	/**
	 * What holds a port daemon's port when the daemon does not: a port is free when it is
	 * chosen, and another process (another app, a second server on the host) can take it
	 * before the daemon binds it. The daemon then cannot bind it, while the port accepts
	 * and answers health checks for the other process; the daemon must not count as
	 * started.
	 * @param daemon the daemon (one with a port, its process or an ancestor of its
	 * master)
	 * @return the other holders, such as {@code pid 4242 (python3 squat.py)};
	 * {@code null} if only the daemon's own process tree holds it, the daemon has a
	 * socket instead, nothing listens there yet or this host has no {@code /proc/net/tcp}
	 */
	@Nullable String otherHolder(Daemon daemon) {
		if (daemon.port() == null || !this.sockets.available()) {
			return null;
		}
		Set<Long> holders = this.sockets.visibleHolders("127.0.0.1:" + daemon.port());
		if (holders == null) {
			return "a process this server may not look into";
		}
		// every holder: a process sharing the port beside the daemon (SO_REUSEPORT)
		// would take some of its connections
		List<Long> others = holders.stream()
			.filter((pid) -> !ListeningSockets.descendsFrom(pid, daemon.pid()))
			.sorted()
			.toList();
		return others.isEmpty() ? null : others.stream().map(this.sockets::describe).collect(Collectors.joining(", "));
	}

	/**
	 * A port of {@code pyapp.runtime.port-range} that no daemon holds, that no other
	 * start of this server claimed and that is free now, claimed until
	 * {@link #releasePort}. The search starts at a place of the range that depends on
	 * {@code PYAPP_HOME} and goes round: two servers on one host with the same range do
	 * not both try its first ports, where one would take a port the other found free
	 * before its daemon bound it. Within one server the claim does that: starts run at
	 * once (the apps started after a reboot, a few at a time), and a port found free
	 * stays free until the daemon given it binds it, so that without the claim every
	 * start under way would be given the same port, and all but one would have to try
	 * again.
	 * @param inUse ports other daemons of this server hold
	 * @return the port
	 * @throws PyappException ({@code FAILED}) if none is free
	 */
	synchronized int claimPort(Set<Integer> inUse) {
		int first = this.properties.firstPort();
		int size = this.properties.lastPort() - first + 1;
		int start = Math.floorMod(this.home.root().toAbsolutePath().normalize().toString().hashCode(), size);
		for (int i = 0; i < size; i++) {
			int port = first + (start + i) % size;
			if (inUse.contains(port) || this.claimed.contains(port)) {
				continue;
			}
			try (ServerSocket probe = new ServerSocket()) {
				probe.setReuseAddress(true);
				probe.bind(new InetSocketAddress("127.0.0.1", port));
			}
			catch (IOException ex) {
				// taken by another process: try the next
				continue;
			}
			this.claimed.add(port);
			return port;
		}
		throw PyappException.failed("no free port in pyapp.runtime.port-range " + this.properties.portRange(), null);
	}

	/**
	 * Ends the claim of a port {@link #claimPort} gave, once its daemon listens on it (a
	 * search finds it bound then) or did not start.
	 * @param port the port
	 */
	synchronized void releasePort(int port) {
		this.claimed.remove(port);
	}

}
