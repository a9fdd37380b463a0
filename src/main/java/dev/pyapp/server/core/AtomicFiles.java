package dev.pyapp.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * File operations that never leave a half-done state behind: writes through a temporary
 * file and a rename, symlink switches by renaming a new link over the old one, and
 * recursive deletes that refuse to follow links.
 */
public final class AtomicFiles {

	/** rw------- */
	public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	private AtomicFiles() {
	}

	/**
	 * Writes a file atomically: readers see the old content or the new, never a part.
	 * @param file the file
	 * @param content its new content
	 * @param permissions the permissions of the new file
	 */
	public static void write(Path file, String content, Set<PosixFilePermission> permissions) {
		try {
			Files.createDirectories(file.getParent());
			Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
					PosixFilePermissions.asFileAttribute(permissions));
			try {
				// the umask (077 under scripts/run.sh) narrows the mode given at
				// creation:
				// set it exactly, before any content is in the file
				Files.setPosixFilePermissions(temp, permissions);
				Files.writeString(temp, content, StandardCharsets.UTF_8);
				Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			finally {
				Files.deleteIfExists(temp);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}

	/**
	 * Points a symlink at a new target in one step (a new link renamed over the old one),
	 * so that no reader ever finds the link missing.
	 * @param link the link
	 * @param target what it points to; a relative target is relative to the link's
	 * directory
	 */
	public static void switchLink(Path link, Path target) {
		Path temp = link.resolveSibling("." + link.getFileName() + "." + UUID.randomUUID() + ".tmp");
		try {
			Files.createSymbolicLink(temp, target);
			Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			try {
				Files.deleteIfExists(temp);
			}
			catch (IOException cleanup) {
				ex.addSuppressed(cleanup);
			}
			throw new UncheckedIOException("Cannot point " + link + " to " + target, ex);
		}
	}

	/**
	 * Deletes a file or a directory tree. Symlinks are deleted, never followed.
	 * @param path what to delete; nothing happens if it does not exist
	 */
	public static void deleteTree(Path path) {
		try {
			if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
				return;
			}
			if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
				Files.deleteIfExists(path);
				return;
			}
			Files.walkFileTree(path, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException ex) throws IOException {
					if (ex != null && !(ex instanceof NoSuchFileException)) {
						throw ex;
					}
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + path, ex);
		}
	}

}
