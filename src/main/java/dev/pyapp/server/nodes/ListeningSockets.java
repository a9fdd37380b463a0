package dev.pyapp.server.nodes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which processes hold the listening sockets of a listen address, from {@code /proc}
 * (Linux): the sockets in state LISTEN of {@code /proc/net/tcp} and {@code tcp6}, and the
 * processes whose file descriptors point at them. This is how the server knows that what
 * answers on an address is its managed web server (and which generation of its workers),
 * not an orphan of an earlier run or an old worker still accepting.
 */
public final class ListeningSockets {

	private static final String LISTEN = "0A";

	/** How much of a command line {@link #describe} gives. */
	static final int MAX_COMMAND = 160;

	private final Path proc;

	public ListeningSockets() {
		this(Path.of("/proc"));
	}

	public ListeningSockets(Path proc) {
		this.proc = proc;
	}

	/**
	 * Whether this host exposes what is needed ({@code /proc/net/tcp}).
	 * @return {@code false} elsewhere: the checks that use it are skipped
	 */
	public boolean available() {
		return Files.isReadable(this.proc.resolve("net/tcp"));
	}

	/**
	 * The processes holding a listening socket of an address.
	 * @param listen {@code HOST:PORT}: an IPv4 address, {@code [IPv6]} or {@code *}
	 * @return their pids; empty if no socket listens there, or only processes this server
	 * may not look into hold one (see {@link #listening})
	 */
	public Set<Long> holders(String listen) {
		Set<String> inodes = inodes(listen);
		return inodes.isEmpty() ? Set.of() : holders(inodes);
	}

	/**
	 * The processes holding a listening socket of an address, telling apart a socket no
	 * visible process holds (another user's, when this server is not root).
	 * @param listen {@code HOST:PORT}
	 * @return the pids; {@code null} if a socket listens there but no process this server
	 * may look into holds it (checked twice: a socket may appear between reading the
	 * sockets and reading the processes)
	 */
	public @Nullable Set<Long> visibleHolders(String listen) {
		for (int attempt = 0; attempt < 3; attempt++) {
			Set<String> inodes = inodes(listen);
			if (inodes.isEmpty()) {
				return Set.of();
			}
			Set<Long> pids = holders(inodes);
			if (!pids.isEmpty()) {
				return pids;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

	private Set<Long> holders(Set<String> inodes) {
		Set<Long> pids = new HashSet<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(this.proc, "[0-9]*")) {
			for (Path process : processes) {
				if (holdsAny(process, inodes)) {
					pids.add(Long.parseLong(process.getFileName().toString()));
				}
			}
		}
		catch (IOException ex) {
			// /proc went away under us: nobody is known to hold it
		}
		return pids;
	}

	/**
	 * Whether a socket listens on an address at all.
	 * @param listen {@code HOST:PORT}
	 * @return whether one does
	 */
	public boolean listening(String listen) {
		return !inodes(listen).isEmpty();
	}

	/**
	 * The socket inodes of one process's file descriptors.
	 * @param pid the process
	 * @return the inodes of its sockets; empty if it is gone
	 */
	public Set<String> sockets(long pid) {
		return inodes(pid, "socket:[");
	}

	/**
	 * The pipe inodes of one process's file descriptors. Apache opens a new pipe for each
	 * generation of its configuration (the "pipe of death" that tells its workers to
	 * stop), held by the master and every worker of that generation: which one a worker
	 * holds tells the generations apart.
	 * @param pid the process
	 * @return the inodes of its pipes; empty if it is gone
	 */
	public Set<String> pipes(long pid) {
		return inodes(pid, "pipe:[");
	}

	private Set<String> inodes(long pid, String type) {
		Set<String> inodes = new HashSet<>();
		try (DirectoryStream<Path> fds = Files
			.newDirectoryStream(this.proc.resolve(Long.toString(pid)).resolve("fd"))) {
			for (Path fd : fds) {
				String inode = inode(fd, type);
				if (inode != null) {
					inodes.add(inode);
				}
			}
		}
		catch (IOException ex) {
			// gone, or not ours to look into
		}
		return inodes;
	}

	/**
	 * The inodes of the listening sockets of an address.
	 * @param listen {@code HOST:PORT}
	 * @return the inodes
	 */
	public Set<String> inodes(String listen) {
		int colon = listen.lastIndexOf(':');
		String host = listen.substring(0, colon).replace("[", "").replace("]", "");
		int port = Integer.parseInt(listen.substring(colon + 1));
		byte[] address = host.equals("*") ? null : bytes(host);
		Set<String> inodes = new HashSet<>();
		for (String table : List.of("net/tcp", "net/tcp6")) {
			List<String> lines;
			try {
				lines = Files.readAllLines(this.proc.resolve(table));
			}
			catch (IOException ex) {
				continue;
			}
			for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length < 10 || !LISTEN.equals(fields[3])) {
					continue;
				}
				String[] local = fields[1].split(":");
				if (Integer.parseInt(local[1], 16) != port) {
					continue;
				}
				byte[] bound = decode(local[0]);
				if (matches(address, bound)) {
					inodes.add(fields[9]);
				}
			}
		}
		return inodes;
	}

	private boolean holdsAny(Path process, Set<String> inodes) {
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
			for (Path fd : fds) {
				String inode = socketInode(fd);
				if (inode != null && inodes.contains(inode)) {
					return true;
				}
			}
		}
		catch (IOException | SecurityException ex) {
			// gone meanwhile, or another user's process we may not look into
		}
		return false;
	}

	private static @Nullable String socketInode(Path fd) {
		return inode(fd, "socket:[");
	}

	/** The inode of a file descriptor of a type ({@code socket:[} or {@code pipe:[}). */
	private static @Nullable String inode(Path fd, String type) {
		try {
			String target = Files.readSymbolicLink(fd).toString();
			return (target.startsWith(type) && target.endsWith("]"))
					? target.substring(type.length(), target.length() - 1) : null;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return null;
		}
	}

	/**
	 * Whether a bound address serves a listen address: the same address, or the wildcard
	 * (which also serves any specific one), IPv4-mapped IPv6 counting as IPv4.
	 */
	private static boolean matches(byte @Nullable [] wanted, byte[] bound) {
		byte[] normal = unmap(bound);
		boolean any = allZero(normal);
		if (wanted == null) {
			return any;
		}
		return any || Arrays.equals(unmap(wanted), normal);
	}

	private static byte[] unmap(byte[] address) {
		if (address.length == 16) {
			boolean mapped = true;
			for (int i = 0; i < 10; i++) {
				mapped &= address[i] == 0;
			}
			mapped &= address[10] == (byte) 0xff && address[11] == (byte) 0xff;
			if (mapped) {
				return Arrays.copyOfRange(address, 12, 16);
			}
		}
		return address;
	}

	private static boolean allZero(byte[] address) {
		for (byte b : address) {
			if (b != 0) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Decodes an address of {@code /proc/net/tcp*}: 32-bit words in host byte order
	 * (little-endian on every platform this runs on).
	 */
	static byte[] decode(String hex) {
		byte[] raw = HexFormat.of().parseHex(hex);
		byte[] address = new byte[raw.length];
		for (int word = 0; word < raw.length; word += 4) {
			for (int i = 0; i < 4; i++) {
				address[word + i] = raw[word + 3 - i];
			}
		}
		return address;
	}

	private static byte[] bytes(String host) {
		try {
			// a literal address: no name is looked up
			return InetAddress.getByName(host).getAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("not an IP address: " + host, ex);
		}
	}

	/**
	 * Whether a process is a root or one of its descendants.
	 * @param pid the process
	 * @param root the root
	 * @return whether {@code root} is the process or one of its ancestors
	 */
	public static boolean descendsFrom(long pid, long root) {
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		for (int depth = 0; depth < 64 && process.isPresent(); depth++) {
			if (process.get().pid() == root) {
				return true;
			}
			process = process.get().parent();
		}
		return false;
	}

	/**
	 * A description of a process for a message: its pid and command line, on one line
	 * (control characters as spaces) and at most {@value #MAX_COMMAND} characters of it:
	 * the process may be an app's, whose command line is its own to choose.
	 * @param pid the process
	 * @return such as {@code pid 4242 (nginx: master process ...)}
	 */
	public String describe(long pid) {
		try {
			String line = new String(Files.readAllBytes(this.proc.resolve(Long.toString(pid)).resolve("cmdline")),
					java.nio.charset.StandardCharsets.UTF_8)
				.replaceAll("[\\p{Cntrl}\\s]+", " ")
				.strip();
			if (line.length() > MAX_COMMAND) {
				line = line.substring(0, MAX_COMMAND) + "...";
			}
			return "pid " + pid + (line.isEmpty() ? "" : " (" + line + ")");
		}
		catch (IOException ex) {
			return "pid " + pid;
		}
	}

}
