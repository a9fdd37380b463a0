package dev.pyapp.server.packaging.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Sha256;

/**
 * A source directory with the archive layout (a git checkout), walked under the same
 * rules as an archive: {@code .git} is left out, symlinks and special files are refused,
 * and the entry count and total size are limited.
 */
public final class SourceDirectory {

	private SourceDirectory() {
	}

	/**
	 * @param layout the normalised paths
	 * @param files the regular files, by normalised path, sorted
	 * @param entries how many files and directories there are
	 * @param size their total size
	 */
	public record Walked(ArchiveLayout layout, List<String> files, int entries, long size) {
	}

	/**
	 * Walks a directory, adding problems; the walk stops early when there are too many
	 * entries.
	 * @param root the directory
	 * @param properties the limits
	 * @param problems where problems are added
	 * @return what was walked
	 */
	public static Walked walk(Path root, PackagingProperties properties, List<Problem> problems) {
		ArchiveLayout layout = new ArchiveLayout(problems);
		List<String> files = new ArrayList<>();
		long[] totals = new long[2];
		try {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
					if (dir.equals(root)) {
						return FileVisitResult.CONTINUE;
					}
					if (isGit(dir)) {
						return FileVisitResult.SKIP_SUBTREE;
					}
					return count(layout.add(relative(root, dir) + "/") != null);
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
					String name = relative(root, file);
					if (isGit(file)) {
						return FileVisitResult.CONTINUE;
					}
					if (attrs.isSymbolicLink()) {
						problems
							.add(new Problem(name, "a symbolic link; a package may hold only files and directories"));
						return FileVisitResult.CONTINUE;
					}
					if (!attrs.isRegularFile()) {
						problems.add(new Problem(name,
								"a special file (device, fifo or socket); a package may hold only files and directories"));
						return FileVisitResult.CONTINUE;
					}
					String path = layout.add(name);
					if (path != null) {
						files.add(path);
						totals[1] += attrs.size();
					}
					return count(true);
				}

				private FileVisitResult count(boolean added) {
					if (added && ++totals[0] > properties.maxEntries()) {
						problems.add(new Problem(ZipArchive.ARCHIVE, "has more than " + properties.maxEntries()
								+ " entries; the limit is pyapp.packaging.max-entries"));
						return FileVisitResult.TERMINATE;
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + root, ex);
		}
		layout.checkFilesAreNotDirectories();
		if (totals[1] > properties.maxUncompressedSize().toBytes()) {
			problems.add(new Problem(ZipArchive.ARCHIVE, "holds " + totals[1] + " bytes; the limit is "
					+ properties.maxUncompressedSize().toBytes() + " (pyapp.packaging.max-uncompressed-size)"));
		}
		files.sort(null);
		return new Walked(layout, List.copyOf(files), (int) totals[0], totals[1]);
	}

	private static boolean isGit(Path path) {
		return path.getFileName().toString().equals(".git");
	}

	private static String relative(Path root, Path path) {
		return root.relativize(path).toString();
	}

	/**
	 * The SHA-256 of the files: for each file in path order, its path, a NUL byte, its
	 * size as 8 bytes and its content.
	 */
	public static String checksum(Path root, List<String> files) {
		MessageDigest digest = Sha256.newDigest();
		byte[] buffer = new byte[64 * 1024];
		for (String path : files) {
			Path file = root.resolve(path);
			try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
				digest.update(path.getBytes(StandardCharsets.UTF_8));
				digest.update((byte) 0);
				digest.update(ByteBuffer.allocate(8).putLong(Files.size(file)).array());
				int read;
				while ((read = in.read(buffer)) != -1) {
					digest.update(buffer, 0, read);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read " + file, ex);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * Copies the files of a walked directory; directories are created as needed.
	 * @param root the source directory
	 * @param walked what {@link #walk} found
	 * @param into an empty directory
	 */
	static void copy(Path root, Walked walked, Path into) {
		try {
			for (String path : walked.layout().directories()) {
				Files.createDirectories(ArchiveLayout.inside(into, path));
			}
			for (String path : walked.files()) {
				Path source = root.resolve(path);
				if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
					throw PyappException.invalid("the source changed while it was installed",
							List.of(new Problem(path, "is no longer a regular file")));
				}
				Path target = ArchiveLayout.inside(into, path);
				Files.createDirectories(target.getParent());
				Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot copy " + root + " to " + into, ex);
		}
	}

}
