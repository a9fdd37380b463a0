package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import org.jspecify.annotations.Nullable;

/**
 * Whether the web server's workers, which run as the web server's user (never root), can
 * serve a static folder: every directory on its way searchable by that user, the folder
 * itself readable. The server never widens an operator's folder to make it so.
 */
public final class WebUserAccess {

	private final HostIsolation host;

	private final boolean root;

	public WebUserAccess(HostIsolation host, boolean root) {
		this.host = host;
		this.root = root;
	}

	/**
	 * Refuses a folder the web server's user cannot read.
	 * @param folder the folder of a mount
	 * @throws PyappException ({@code INVALID}, path {@code folder}) naming the first
	 * directory in the way and how to open it to the web server's group only
	 */
	void requireReadable(Path folder) {
		if (!this.root) {
			// the managed web server runs as the server's own user
			return;
		}
		Optional<Isolation.Account> web = this.host.webUser();
		if (web.isEmpty()) {
			return;
		}
		String problem = problem(folder.toAbsolutePath().normalize(), web.get());
		if (problem != null) {
			String user = web.get().name();
			throw PyappException.invalid("the web server cannot read the folder",
					List.of(new Problem("folder",
							"'" + folder + "' is not readable by the web server's user " + user + ": " + problem
									+ "; give its group access without opening it to everyone, such as " + "chgrp -R "
									+ user + " " + folder + " && chmod -R g+rX " + folder)));
		}
	}

	/**
	 * Why the web server's user cannot serve a folder.
	 * @param folder the folder, absolute and normalised
	 * @param user the web server's user
	 * @return the first obstacle, or {@code null} if it can serve it or the folder is no
	 * directory (the mount's validation reports that)
	 */
	static @Nullable String problem(Path folder, Isolation.Account user) {
		if (!Files.isDirectory(folder)) {
			return null;
		}
		for (Path dir = folder.getParent(); dir != null; dir = dir.getParent()) {
			if (!allowed(dir, user, 1)) {
				return dir + " is not searchable by it";
			}
		}
		if (!allowed(folder, user, 5)) {
			return "it cannot list and read it";
		}
		return null;
	}

	/**
	 * Whether a user has the permission bits {@code wanted} (4 read, 1 execute) on a
	 * path, by the class that applies to it: owner, group (its primary group), others.
	 */
	private static boolean allowed(Path path, Isolation.Account user, int wanted) {
		try {
			Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
			int mode = (int) attributes.get("mode");
			int bits;
			if (user.uid() == (int) attributes.get("uid")) {
				bits = (mode >> 6) & 7;
			}
			else if (user.gid() == (int) attributes.get("gid")) {
				bits = (mode >> 3) & 7;
			}
			else {
				bits = mode & 7;
			}
			return (bits & wanted) == wanted;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
