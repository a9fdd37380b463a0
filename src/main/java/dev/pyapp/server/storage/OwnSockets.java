package dev.pyapp.server.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether a loopback TCP connection was opened by this very process: the kernel's
 * table of TCP sockets ({@code /proc/self/net/tcp} and {@code tcp6}) names the inode of
 * the client's socket, and this process holds that socket only if one of its file
 * descriptors ({@code /proc/self/fd}) links to {@code socket:[inode]}. A process of
 * another user, or another process of the same user, never does. Anything that cannot be
 * read counts as "not ours".
 */
final class OwnSockets {

	private static final Logger logger = LoggerFactory.getLogger(OwnSockets.class);

	private final Path proc;

	OwnSockets() {
		this(Path.of("/proc/self"));
	}

	OwnSockets(Path proc) {
		this.proc = proc;
	}

	/**
	 * Whether the client end of a connection accepted by this process is a socket of this
	 * process too.
	 * @param client the connection's remote address (the client's end)
	 * @param server the connection's local address (the listening end)
	 * @return whether this process holds the client's socket
	 */
	boolean isOwn(InetSocketAddress client, InetSocketAddress server) {
		try {
			long inode = clientInode(client, server);
			return inode > 0 && holds(inode);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot tell who opened a connection from {}; refusing it: {}", client, ex.toString());
			return false;
		}
	}

	/**
	 * The inode of the socket whose local end is the client and remote end the server.
	 */
	long clientInode(InetSocketAddress client, InetSocketAddress server) throws IOException {
		for (String table : List.of("net/tcp", "net/tcp6")) {
			Path file = this.proc.resolve(table);
			if (!Files.isReadable(file)) {
				continue;
			}
			for (String line : Files.readAllLines(file)) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length < 10 || !fields[0].endsWith(":")) {
					continue;
				}
				if (matches(fields[1], client) && matches(fields[2], server)) {
					return Long.parseLong(fields[9]);
				}
			}
		}
		return 0;
	}

	private boolean holds(long inode) throws IOException {
		String wanted = "socket:[" + inode + "]";
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(this.proc.resolve("fd"))) {
			for (Path fd : fds) {
				try {
					if (wanted.equals(Files.readSymbolicLink(fd).toString())) {
						return true;
					}
				}
				catch (IOException ex) {
					// closed while we looked
				}
			}
		}
		return false;
	}

	/**
	 * Whether an address of the table ({@code 0100007F:1F90}: the address as the kernel
	 * stores it, in the host's byte order per 32-bit word, then the port) is this one.
	 */
	static boolean matches(String field, InetSocketAddress address) {
		int colon = field.indexOf(':');
		if (colon < 0 || Integer.parseInt(field.substring(colon + 1), 16) != address.getPort()) {
			return false;
		}
		InetAddress parsed = parse(field.substring(0, colon));
		return parsed != null && normalize(parsed).equals(normalize(address.getAddress()));
	}

	private static @Nullable InetAddress parse(String hex) {
		byte[] raw = HexFormat.of().parseHex(hex);
		if (raw.length != 4 && raw.length != 16) {
			return null;
		}
		// each 32-bit word is printed as a little-endian integer (x86, arm64)
		byte[] address = new byte[raw.length];
		for (int word = 0; word < raw.length; word += 4) {
			for (int i = 0; i < 4; i++) {
				address[word + i] = raw[word + 3 - i];
			}
		}
		try {
			return InetAddress.getByAddress(address);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/** An IPv4-mapped IPv6 address as its IPv4 address. */
	private static InetAddress normalize(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 16) {
			boolean mapped = bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
			for (int i = 0; i < 10 && mapped; i++) {
				mapped = bytes[i] == 0;
			}
			if (mapped) {
				try {
					return InetAddress.getByAddress(new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] });
				}
				catch (UnknownHostException ex) {
					return address;
				}
			}
		}
		return address;
	}

}
