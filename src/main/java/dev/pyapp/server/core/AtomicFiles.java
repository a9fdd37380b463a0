package dev.pyapp.server.core;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

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
		write(file, content, permissions, file.getParent());
	}

	/**
	 * Writes a file atomically into a directory that an app may write to (such as its
	 * {@code run/}): the new file is made in a directory of the server's own on the same
	 * file system and renamed into place, so that no process of the app can swap it for a
	 * symlink before its mode and content are set (a rename replaces a link, it never
	 * follows it).
	 * @param file the file
	 * @param content its new content
	 * @param permissions the permissions of the new file
	 * @param staging where the new file is made: no one but the server may write there
	 */
	public static void write(Path file, String content, Set<PosixFilePermission> permissions, Path staging) {
		try {
			Files.createDirectories(file.getParent());
			Files.createDirectories(staging);
			Path temp = Files.createTempFile(staging, "." + file.getFileName(), ".tmp",
					PosixFilePermissions.asFileAttribute(permissions));
			try {
				// the umask (077 under scripts/run.sh) narrows the mode given at
				// creation: set it exactly, before any content is in the file
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
	 * Deletes a file or a directory tree. Symlinks are deleted, never followed, also when
	 * a process of an app swaps a directory of the tree for a link while it is deleted:
	 * every entry is deleted relative to a directory opened by this call, and a directory
	 * is only entered when it is the one its parent lists (same device and inode). A tree
	 * changed that way may fail to delete; nothing outside it is touched.
	 * @param path what to delete; nothing happens if it does not exist
	 */
	public static void deleteTree(Path path) {
		try {
			BasicFileAttributes attributes;
			try {
				attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			}
			catch (NoSuchFileException ex) {
				return;
			}
			if (attributes.isDirectory()) {
				try (SecureDirectoryStream<Path> dir = openDirectory(path, attributes.fileKey())) {
					if (dir == null) {
						walkAndDelete(path);
						return;
					}
					deleteContents(dir);
				}
			}
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + path, ex);
		}
	}

	/**
	 * A regular file below a directory that an app may write to, opened without following
	 * a symlink anywhere below that directory (each directory on the way is entered as in
	 * {@link #deleteTree(Path)}) and without blocking (see {@link #openPlainFile(Path)});
	 * its content ends where the file ended when it was opened, whatever the app appends.
	 * @param root the directory (its own path is trusted)
	 * @param relative the file's path below it
	 * @return the open file, or null when there is no regular file there reached without
	 * a symlink
	 * @throws IOException if it cannot be read
	 */
	public static @Nullable RegularFile openBelow(Path root, String relative) throws IOException {
		Path wanted = Path.of(relative).normalize();
		if (wanted.isAbsolute() || wanted.getNameCount() == 0 || wanted.startsWith("..")
				|| wanted.toString().isEmpty()) {
			return null;
		}
		BasicFileAttributes top;
		try {
			top = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		if (!top.isDirectory()) {
			return null;
		}
		SecureDirectoryStream<Path> dir = openDirectory(root, top.fileKey());
		if (dir == null) {
			throw new IOException("No secure directory streams on this platform");
		}
		Path at = root;
		try {
			for (int i = 0; i < wanted.getNameCount() - 1; i++) {
				Path name = wanted.getName(i);
				BasicFileAttributes step = attributes(dir, name);
				SecureDirectoryStream<Path> next = (step != null && step.isDirectory())
						? openDirectory(at.resolve(name), step.fileKey()) : null;
				if (next == null) {
					return null;
				}
				dir.close();
				dir = next;
				at = at.resolve(name);
			}
			Path name = wanted.getFileName();
			BasicFileAttributes file = attributes(dir, name);
			if (file == null || !file.isRegularFile()) {
				return null;
			}
			Set<PosixFilePermission> permissions = dir
				.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
				.readAttributes()
				.permissions();
			SecureDirectoryStream<Path> parent = dir;
			FileChannel channel = openPlain((options) -> parent.newByteChannel(name, options));
			if (channel == null) {
				return null;
			}
			return new RegularFile(new PositionalInput(channel, channel.size()), permissions);
		}
		finally {
			dir.close();
		}
	}

	/**
	 * Opens a file that a less trusted user can replace at any moment (an app's pid file,
	 * a file of its staging directory) so that nothing it puts there blocks the caller: a
	 * symlink is not followed, and the file is opened for reading and writing, which
	 * Linux never blocks on for a FIFO (opening one only to read waits for a writer, for
	 * good if none comes). Nothing is written. A FIFO (or anything else that cannot seek)
	 * is then refused, so no read waits for data either. A check of the type before the
	 * open would not do: the file can be replaced between the two. Where the caller may
	 * not write the file (a server that is not root, whose apps run as its own user and
	 * could block it anyway), it is opened for reading only.
	 * @param file the file
	 * @return the open file, positioned at its start (read it by position), or null if it
	 * is no plain file
	 * @throws IOException if it cannot be opened for another reason
	 */
	public static @Nullable FileChannel openPlainFile(Path file) throws IOException {
		return openPlain((options) -> Files.newByteChannel(file, options));
	}

	private static @Nullable FileChannel openPlain(Opener opener) throws IOException {
		SeekableByteChannel opened;
		try {
			opened = opener.open(Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
		}
		catch (AccessDeniedException ex) {
			opened = opener.open(Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (FileSystemException ex) {
			// a symlink (ELOOP), a directory (EISDIR), a socket (ENXIO)
			return null;
		}
		if (!(opened instanceof FileChannel channel)) {
			opened.close();
			throw new IOException("Not a file channel: " + opened.getClass().getName());
		}
		try {
			// lseek: a FIFO answers ESPIPE at once
			channel.position();
			return channel;
		}
		catch (IOException ex) {
			channel.close();
			return null;
		}
	}

	@FunctionalInterface
	private interface Opener {

		SeekableByteChannel open(Set<OpenOption> options) throws IOException;

	}

	/** Reads a file by position (pread) up to a length fixed when it was opened. */
	private static final class PositionalInput extends InputStream {

		private final FileChannel channel;

		private final long end;

		private long position;

		PositionalInput(FileChannel channel, long end) {
			this.channel = channel;
			this.end = end;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == 1) ? (one[0] & 0xff) : -1;
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			if (length == 0) {
				return 0;
			}
			if (this.position >= this.end) {
				return -1;
			}
			int wanted = (int) Math.min(length, this.end - this.position);
			int read = this.channel.read(ByteBuffer.wrap(bytes, offset, wanted), this.position);
			if (read <= 0) {
				return -1;
			}
			this.position += read;
			return read;
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

	/**
	 * A regular file opened by {@link #openBelow(Path, String)}.
	 *
	 * @param content its content, to be closed by the caller
	 * @param permissions its permissions when it was opened
	 */
	public record RegularFile(InputStream content, Set<PosixFilePermission> permissions) implements Closeable {

		@Override
		public void close() throws IOException {
			this.content.close();
		}

	}

	/**
	 * Opens a directory and checks that it is the one expected (a path may lead elsewhere
	 * once a process swapped a directory on the way for a symlink). {@code opendir} is
	 * used rather than {@code openat(O_NOFOLLOW)}, which blocks on a FIFO put in its
	 * place.
	 * @return the directory, or null where there are no secure directory streams
	 * @throws IOException if it is not the directory expected
	 */
	private static @Nullable SecureDirectoryStream<Path> openDirectory(Path path, @Nullable Object fileKey)
			throws IOException {
		DirectoryStream<Path> stream = Files.newDirectoryStream(path);
		if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
			stream.close();
			return null;
		}
		Object opened = secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
		if (fileKey == null || !fileKey.equals(opened)) {
			secure.close();
			throw new FileSystemException(path.toString(), null, "changed while it was opened (a symlink?)");
		}
		return secure;
	}

	private static @Nullable BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name)
			throws IOException {
		try {
			return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
				.readAttributes();
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	private static void deleteContents(SecureDirectoryStream<Path> dir) throws IOException {
		List<Path> entries = new ArrayList<>();
		dir.forEach(entries::add);
		for (Path entry : entries) {
			Path name = entry.getFileName();
			BasicFileAttributes attributes = attributes(dir, name);
			if (attributes == null) {
				continue;
			}
			try {
				if (attributes.isDirectory()) {
					try (SecureDirectoryStream<Path> child = openDirectory(entry, attributes.fileKey())) {
						deleteContents(Objects.requireNonNull(child));
					}
					dir.deleteDirectory(name);
				}
				else {
					dir.deleteFile(name);
				}
			}
			catch (NoSuchFileException ex) {
				// deleted meanwhile
			}
		}
	}

	/**
	 * Where there are no secure directory streams (not Linux): a walk that does not
	 * follow links.
	 */
	private static void walkAndDelete(Path path) throws IOException {
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

}
