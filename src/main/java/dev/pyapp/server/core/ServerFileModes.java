package dev.pyapp.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Keeps the server's own files under {@code PYAPP_HOME} private (SPEC §10 "Files"): its
 * directories {@code 0700} ({@code db/}, {@code run/}, {@code tmp/} with the uploads,
 * {@code webserver/}, {@code git/}, {@code dropbox/} with its {@code .work/},
 * {@code .done/} and {@code .failed/}, {@code wheels/}, {@code widgets/}) and its files
 * {@code 0600} (the database files and keys in {@code db/}, {@code api-token},
 * {@code initial-admin-password}, {@code node-secret.key}, tokens of git sources, files
 * in {@code run/} and uploads). New ones are created that way; those an earlier version
 * or another umask left wider are narrowed once at start, in one log line. It never
 * follows a symbolic link and never touches {@code apps/} (each app's files have the
 * modes its user needs): those, and the modes of {@code PYAPP_HOME} itself, {@code apps/}
 * and {@code server-packages/}, are set and migrated by the {@code isolation} module's
 * {@code AppLayout}.
 */
@Component
public class ServerFileModes implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(ServerFileModes.class);

	/** rwx------ */
	public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	/**
	 * rwx--x---: a directory of the server's that the web server's group may pass but not
	 * list ({@code webserver/}: the managed web server's workers run as {@code www-data};
	 * lighttpd reads its configuration again and opens its logs after dropping root,
	 * nginx's workers write their temporary files below it).
	 */
	public static final Set<PosixFilePermission> PASSABLE_DIRECTORY = PosixFilePermissions.fromString("rwx--x---");

	/**
	 * Directories that may be {@link #PASSABLE_DIRECTORY}, relative to
	 * {@code PYAPP_HOME}.
	 */
	static final List<String> PASSABLE = List.of("webserver");

	/** The server's own directories, relative to {@code PYAPP_HOME}. */
	static final List<String> DIRECTORIES = List.of("db", "db/apps", "run", "run/log-sockets", "tmp", "tmp/uploads",
			"webserver", "git", "dropbox", "dropbox/.work", "dropbox/.done", "dropbox/.failed", "wheels", "widgets");

	/** The server's own files, relative to {@code PYAPP_HOME}. */
	static final List<String> FILES = List.of("api-token", "initial-admin-password", "node-secret.key");

	/** Directories whose plain files are all the server's own. */
	static final List<String> FILES_IN = List.of("db", "db/apps", "run", "tmp/uploads", "git");

	private final PyappHome home;

	public ServerFileModes(PyappHome home) {
		this.home = home;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> changed = tighten();
		if (!changed.isEmpty()) {
			logger.info("Narrowed the modes of {} of the server's own files under {}: {}", changed.size(),
					this.home.root(), String.join(", ", changed));
		}
	}

	/**
	 * Narrows the modes of the server's own files and directories that are wider than
	 * they should be.
	 * @return what was changed, as {@code path old→new}
	 */
	List<String> tighten() {
		List<String> changed = new ArrayList<>();
		for (String name : DIRECTORIES) {
			narrow(this.home.resolve(name), true, changed);
		}
		for (String name : FILES) {
			narrow(this.home.resolve(name), false, changed);
		}
		for (String name : FILES_IN) {
			Path dir = this.home.resolve(name);
			if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
				for (Path entry : entries) {
					if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
						narrow(entry, false, changed);
					}
				}
			}
			catch (IOException ex) {
				logger.warn("Cannot list {} to check its modes: {}", dir, ex.getMessage());
			}
		}
		return changed;
	}

	private void narrow(Path path, boolean directory, List<String> changed) {
		try {
			if (directory ? !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
					: !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
				return;
			}
			Set<PosixFilePermission> current = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
			Set<PosixFilePermission> wanted = directory ? PRIVATE_DIRECTORY : AtomicFiles.OWNER_ONLY;
			if (directory && PASSABLE.contains(this.home.root().relativize(path).toString())) {
				wanted = allowed(current, PASSABLE_DIRECTORY);
			}
			if (!current.equals(wanted)) {
				Files.setPosixFilePermissions(path, wanted);
				changed.add(this.home.root().relativize(path) + " " + PosixFilePermissions.toString(current) + "→"
						+ PosixFilePermissions.toString(wanted));
			}
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.warn("Cannot narrow the mode of {}: {}", path, ex.getMessage());
		}
	}

	/** The owner's rwx, and of the other bits only those both present and allowed. */
	private static Set<PosixFilePermission> allowed(Set<PosixFilePermission> current,
			Set<PosixFilePermission> allowed) {
		Set<PosixFilePermission> result = EnumSet.copyOf(PRIVATE_DIRECTORY);
		for (PosixFilePermission permission : current) {
			if (allowed.contains(permission)) {
				result.add(permission);
			}
		}
		return result;
	}

	/**
	 * Creates a directory of the server's that the web server's group may be given to
	 * pass ({@code 0700}, or {@code 0710} once it is), or narrows it to that.
	 * @param dir the directory
	 * @return the directory
	 */
	public static Path passableDirectory(Path dir) {
		try {
			Files.createDirectories(dir);
			Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
			Set<PosixFilePermission> wanted = allowed(current, PASSABLE_DIRECTORY);
			if (!current.equals(wanted)) {
				Files.setPosixFilePermissions(dir, wanted);
			}
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + dir, ex);
		}
	}

	/**
	 * Creates one of the server's own directories, {@code 0700}, or narrows it.
	 * @param dir the directory
	 * @return the directory
	 */
	public static Path privateDirectory(Path dir) {
		try {
			Files.createDirectories(dir);
			if (!Files.getPosixFilePermissions(dir).equals(PRIVATE_DIRECTORY)) {
				Files.setPosixFilePermissions(dir, PRIVATE_DIRECTORY);
			}
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + dir, ex);
		}
	}

}
