package dev.pyapp.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;

/**
 * Owners and modes of files, set without following symlinks (a link an app planted is
 * never a way to change another file). Each call says how many entries it changed, so
 * that a migration can tell whether there was anything to do.
 */
public final class FileModes {

	private static final int PERMISSIONS = 07777;

	/** The file type bits of a mode, and the type of a unix socket. */
	private static final int S_IFMT = 0170000;

	private static final int S_IFSOCK = 0140000;

	private FileModes() {
	}

	/**
	 * Creates a directory and its missing parents with a mode, whatever the server's
	 * umask: set on each directory made here, never on one that existed.
	 * @param dir the directory
	 * @param mode the mode, such as {@code 0750}
	 */
	public static void createDirectories(Path dir, int mode) {
		Deque<Path> missing = new ArrayDeque<>();
		for (Path step = dir.toAbsolutePath().normalize(); step != null
				&& !Files.isDirectory(step, LinkOption.NOFOLLOW_LINKS); step = step.getParent()) {
			missing.push(step);
		}
		try {
			for (Path step : missing) {
				try {
					Files.createDirectory(step);
				}
				catch (FileAlreadyExistsException ex) {
					// made meanwhile (by another thread of the server): its mode is
					// its own
					continue;
				}
				Files.setAttribute(step, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + dir, ex);
		}
	}

	/**
	 * Sets the owner, group and mode of one file or directory; a symlink is left alone.
	 * @param path the file
	 * @param uid the owner
	 * @param gid the group
	 * @param mode the mode, such as {@code 02750}
	 * @return whether anything changed (false also when the path does not exist)
	 */
	public static boolean set(Path path, int uid, int gid, int mode) {
		try {
			Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid,mode,isSymbolicLink",
					LinkOption.NOFOLLOW_LINKS);
			if (Boolean.TRUE.equals(attributes.get("isSymbolicLink"))) {
				return false;
			}
			boolean changed = false;
			if ((int) attributes.get("uid") != uid) {
				Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
				changed = true;
			}
			if ((int) attributes.get("gid") != gid) {
				Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
				changed = true;
			}
			// a change of owner clears set-id bits: the mode is (re)set after it
			if (changed || ((int) attributes.get("mode") & PERMISSIONS) != mode) {
				Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
				changed = true;
			}
			return changed;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot set the owner and mode of " + path, ex);
		}
	}

	/**
	 * Gives a file to a group without following a symlink and without opening it (a
	 * socket cannot be opened; its mode is its creator's).
	 * @param path the file
	 * @param gid the group
	 * @return whether it changed
	 */
	public static boolean group(Path path, int gid) {
		try {
			if ((int) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS) == gid) {
				return false;
			}
			Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
			return true;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot set the group of " + path, ex);
		}
	}

	/**
	 * Gives one entry to an owner and group without following a symlink and without
	 * opening it ({@code lchown}); its mode is kept, apart from set-id bits.
	 * @param path the file, directory or link
	 * @param uid the owner
	 * @param gid the group
	 * @return whether it changed
	 */
	public static boolean chown(Path path, int uid, int gid) {
		try {
			Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
			if ((int) attributes.get("uid") == uid && (int) attributes.get("gid") == gid) {
				return false;
			}
			Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
			Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
			return true;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot set the owner of " + path, ex);
		}
	}

	/**
	 * The permission bits of a file (not following a symlink).
	 * @param path the file
	 * @return its mode, such as {@code 0660}, or -1 when it does not exist
	 */
	public static int mode(Path path) {
		try {
			return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & PERMISSIONS;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * Whether an entry itself (a symlink is not followed) is a unix socket.
	 * @param path the entry
	 * @return whether it is one; {@code false} when it does not exist
	 * @throws IOException when its attributes cannot be read
	 */
	public static boolean isSocket(Path path) throws IOException {
		try {
			return ((int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT) == S_IFSOCK;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
	}

	/**
	 * Sets the owner, group and modes of a whole tree. Directories get {@code dirMode};
	 * files get {@code fileMode}, plus execute wherever it grants read when the file was
	 * executable for its owner. Symlinks are not followed and not changed; other special
	 * files are left alone.
	 * @param root the tree
	 * @param uid the owner
	 * @param gid the group
	 * @param dirMode the mode of directories, such as {@code 0750}
	 * @param fileMode the mode of files, such as {@code 0640}
	 * @return how many entries changed
	 */
	public static int tree(Path root, int uid, int gid, int dirMode, int fileMode) {
		return tree(root, uid, gid, dirMode, fileMode, Set.of(), Map.of());
	}

	/**
	 * Sets the owner, group and modes of a tree, apart from some of its subtrees (which
	 * keep theirs).
	 * @param root the tree
	 * @param uid the owner
	 * @param gid the group
	 * @param dirMode the mode of directories
	 * @param fileMode the mode of files
	 * @param except subtrees left alone
	 * @param dirModes directories that get another mode than {@code dirMode}
	 * @return how many entries changed
	 */
	public static int tree(Path root, int uid, int gid, int dirMode, int fileMode, Set<Path> except,
			Map<Path, Integer> dirModes) {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return 0;
		}
		int[] changed = { 0 };
		try {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
					if (except.contains(dir)) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					if (set(dir, uid, gid, dirModes.getOrDefault(dir, dirMode))) {
						changed[0]++;
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					if (attrs.isRegularFile()) {
						int mode = (int) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
						if (set(file, uid, gid, fileMode(mode, fileMode))) {
							changed[0]++;
						}
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot set the owners and modes below " + root, ex);
		}
		return changed[0];
	}

	/**
	 * Gives a whole tree to an owner and group, modes kept (apart from set-id bits, which
	 * a change of owner clears). Symlinks are not followed and not changed.
	 * @param root the tree
	 * @param uid the owner
	 * @param gid the group
	 * @return how many entries changed
	 */
	public static int owners(Path root, int uid, int gid) {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return 0;
		}
		int[] changed = { 0 };
		try {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
					chown(dir);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					if (!attrs.isSymbolicLink()) {
						chown(file);
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

				private void chown(Path path) throws IOException {
					Map<String, Object> attributes = Files.readAttributes(path, "unix:uid,gid",
							LinkOption.NOFOLLOW_LINKS);
					if ((int) attributes.get("uid") != uid || (int) attributes.get("gid") != gid) {
						Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
						Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
						changed[0]++;
					}
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot set the owners below " + root, ex);
		}
		return changed[0];
	}

	/**
	 * The mode a file gets: {@code fileMode}, with execute added wherever it grants read
	 * when the file is executable for its owner now.
	 * @param current the file's mode now
	 * @param fileMode the mode for plain files
	 * @return the mode
	 */
	static int fileMode(int current, int fileMode) {
		return ((current & 0100) != 0) ? fileMode | ((fileMode & 0444) >> 2) : fileMode;
	}

	/**
	 * The owner of a file.
	 * @param path the file
	 * @return its uid, or -1 when it does not exist
	 */
	public static int owner(Path path) {
		try {
			return (int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * Whether a directory below another is reached from it without a symlink: none of the
	 * components after {@code root}, its own last one included, is a link. A link the
	 * app's user made on the way (a build may write its release) would make the server
	 * change the owners of whatever it leads to, or the web server serve it. Only
	 * meaningful while nobody else can change the tree (a sealed release).
	 * @param root the directory trusted as it is
	 * @param dir a directory below it
	 * @return whether it is a directory strictly below {@code root} reached without a
	 * link
	 */
	public static boolean directoryWithoutLinks(Path root, Path dir) {
		Path top = root.toAbsolutePath().normalize();
		Path wanted = dir.toAbsolutePath().normalize();
		if (!wanted.startsWith(top) || wanted.equals(top)) {
			return false;
		}
		Path step = top;
		try {
			for (Path name : top.relativize(wanted)) {
				step = step.resolve(name);
				if (!Files.readAttributes(step, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
					return false;
				}
			}
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
