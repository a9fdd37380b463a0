package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The pid of a log sender as the server sees it. A process in an app's sandbox has a PID
 * namespace of its own, so the pid it puts in its batches ({@code os.getpid()}) is one of
 * that namespace (1, 3, 4…), not the one {@code apps.get}, {@code ps} or {@code kill}
 * know. The server's {@code /proc} lists each process's pids from its own namespace
 * inward ({@code NSpid:} in {@code status}); the sender is the process of the
 * connection's peer user whose innermost pid is the one it reported.
 * <p>
 * The answer is {@code null} (the caller keeps the reported pid) when no process of that
 * user has it, or more than one: processes of two sandboxes of one user (an app's daemon
 * and a task of it, or two apps when the server is not root and runs every app as itself)
 * can have the same pid inside. A process without a namespace of its own has one pid
 * there, the same as here.
 */
final class SenderPids {

	/** At most this many processes are looked at per question. */
	static final int MAX_PROCESSES = 65_536;

	private final Path proc;

	SenderPids(Path proc) {
		this.proc = proc;
	}

	static SenderPids host() {
		return new SenderPids(Path.of("/proc"));
	}

	/**
	 * The pid, in the server's PID namespace, of the one process of a user whose
	 * innermost pid is the one given.
	 * @param user the user the process runs as (the connection's peer)
	 * @param reported the pid the process reported
	 * @return the pid here, or {@code null} when not exactly one process matches
	 */
	@Nullable Integer resolve(UserPrincipal user, int reported) {
		Integer found = null;
		int looked = 0;
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.proc)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (!isNumber(name)) {
					continue;
				}
				if (++looked > MAX_PROCESSES) {
					return null;
				}
				Integer match = match(entry, user, reported);
				if (match != null) {
					if (found != null) {
						return null;
					}
					found = match;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
		return found;
	}

	private static @Nullable Integer match(Path process, UserPrincipal user, int reported) {
		try {
			if (!user.equals(Files.getOwner(process, LinkOption.NOFOLLOW_LINKS))) {
				return null;
			}
			for (String line : Files.readAllLines(process.resolve("status"))) {
				if (line.startsWith("NSpid:")) {
					List<String> pids = List.of(line.substring("NSpid:".length()).trim().split("\\s+"));
					if (Integer.parseInt(pids.get(pids.size() - 1)) == reported) {
						return Integer.valueOf(pids.get(0));
					}
					return null;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// ended meanwhile, or a kernel without NSpid (before 4.1)
		}
		return null;
	}

	private static boolean isNumber(String name) {
		if (name.isEmpty() || name.length() > 10) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			if (!Character.isDigit(name.charAt(i))) {
				return false;
			}
		}
		return true;
	}

}
