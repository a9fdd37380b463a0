package dev.pyapp.server.venv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.FileModes;

/**
 * Copies the environment of an app's live release into a new release of the same app and
 * makes it the new release's: every absolute path of the old release in it (the shebangs
 * and {@code activate} scripts of {@code bin/}, {@code pyvenv.cfg}, the {@code .pth}
 * files, pip's {@code direct_url.json} of {@code src/}) names the new one. The old
 * environment is only read; nothing in it changes, so a rollback runs it as it was.
 * <p>
 * The server copies as its own user, before the new release is handed to the app's user
 * for the rest of its build: the old environment must then be out of the app's reach,
 * every directory of it the server's and writable by no one else (as a sealed release
 * is), so that no process of the app can swap an entry for a link to a file of the host
 * while the server reads it. Links are copied as links, never followed; a FIFO, socket or
 * device is refused, as is a binary file that names the old release (its path cannot be
 * replaced in place). Each refusal is a {@link Refused} with the reason; the caller then
 * builds from nothing.
 */
final class EnvironmentCopy {

	/** Files larger than this are copied as they are (no path is looked for in them). */
	static final long MAX_REWRITTEN = 8L * 1024 * 1024;

	private EnvironmentCopy() {
	}

	/**
	 * Copies {@code <from>/venv} to {@code <to>/venv}, which must not exist.
	 * @param from the live release's directory
	 * @param to the new release's directory
	 * @param serverUid the server's user id, who must own every directory copied
	 * @param timeout how long the copy may take
	 * @return how many files were rewritten to name the new release
	 * @throws Refused when the environment cannot be copied safely, or in time; what was
	 * copied is deleted again
	 */
	static int copy(Path from, Path to, int serverUid, Duration timeout) throws Refused {
		Path source = from.resolve("venv");
		Path target = to.resolve("venv");
		long deadline = System.nanoTime() + timeout.toNanos();
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			// not this copy's to delete
			throw new Refused(target + " exists already");
		}
		try {
			closedToOthers(from, serverUid);
			if (!Files.isRegularFile(source.resolve("pyvenv.cfg"), LinkOption.NOFOLLOW_LINKS)) {
				throw new Refused("it has no venv/pyvenv.cfg");
			}
			byte[] old = (from.toAbsolutePath().normalize() + "/").getBytes(StandardCharsets.UTF_8);
			byte[] replacement = (to.toAbsolutePath().normalize() + "/").getBytes(StandardCharsets.UTF_8);
			List<Path> files = new ArrayList<>();
			Files.walkFileTree(source, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
					inTime(deadline, timeout);
					closedToOthers(dir, serverUid);
					Files.createDirectory(target.resolve(source.relativize(dir).toString()));
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					inTime(deadline, timeout);
					Path copy = target.resolve(source.relativize(file).toString());
					if (attributes.isSymbolicLink()) {
						String link = Files.readSymbolicLink(file).toString();
						byte[] bytes = link.getBytes(StandardCharsets.UTF_8);
						Files.createSymbolicLink(copy,
								Path.of(new String(replace(bytes, old, replacement), StandardCharsets.UTF_8)));
					}
					else if (ours(source, file)) {
						// written again by the build, as for a new environment
						return FileVisitResult.CONTINUE;
					}
					else if (attributes.isRegularFile()) {
						Files.copy(file, copy, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
						files.add(copy);
					}
					else {
						throw new Refused(source.relativize(file) + " is not a file, directory or link");
					}
					return FileVisitResult.CONTINUE;
				}

			});
			layout(target);
			int rewritten = 0;
			for (Path file : files) {
				inTime(deadline, timeout);
				if (rewrite(file, old, replacement, target)) {
					rewritten++;
				}
			}
			return rewritten;
		}
		catch (Refused ex) {
			deleteQuietly(target);
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			deleteQuietly(target);
			throw new Refused("copying failed: " + ex.getMessage());
		}
	}

	/**
	 * Replaces the old release's path in a copied file; the copy is the server's alone
	 * until the build hands the release to the app's user.
	 * @return whether it named the old release
	 */
	private static boolean rewrite(Path file, byte[] old, byte[] replacement, Path venv) throws IOException {
		if (file.getFileName().toString().endsWith(".pyc") || Files.size(file) > MAX_REWRITTEN) {
			// Python gives code objects loaded from bytecode the path of their source
			return false;
		}
		byte[] content = Files.readAllBytes(file);
		if (indexOf(content, old, 0) < 0) {
			return false;
		}
		if (indexOf(content, new byte[] { 0 }, 0) >= 0) {
			throw new Refused(venv.relativize(file) + " is a binary file that names the old release");
		}
		Files.write(file, replace(content, old, replacement));
		return true;
	}

	/** A {@code .pth} file the server writes in {@code lib/python*}/site-packages. */
	private static boolean ours(Path venv, Path file) {
		Path relative = venv.relativize(file);
		String name = file.getFileName().toString();
		return relative.getNameCount() == 4 && relative.getName(0).toString().equals("lib")
				&& relative.getName(2).toString().equals("site-packages") && name.startsWith("pyapp-")
				&& name.endsWith(".pth");
	}

	/**
	 * The directories the server writes into after the copy ({@code lib/python*}/
	 * site-packages) are directories, not links the old build made: the server would
	 * follow them.
	 */
	private static void layout(Path venv) throws IOException {
		Path lib = venv.resolve("lib");
		if (!Files.isDirectory(lib, LinkOption.NOFOLLOW_LINKS)) {
			throw new Refused("venv/lib is not a directory");
		}
		try (DirectoryStream<Path> versions = Files.newDirectoryStream(lib, "python*")) {
			for (Path version : versions) {
				if (!Files.isDirectory(version, LinkOption.NOFOLLOW_LINKS)
						|| !Files.isDirectory(version.resolve("site-packages"), LinkOption.NOFOLLOW_LINKS)) {
					throw new Refused("venv/lib/" + version.getFileName() + " or its site-packages is not a directory");
				}
			}
		}
	}

	/**
	 * The server's user id, which owns a sealed release.
	 * @return it, or -1 when it cannot be told
	 */
	static int serverUid() {
		try {
			// /proc/self is the process's own directory, owned by its effective user
			return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return -1;
		}
	}

	/** Whether no one but the server may change a directory. */
	private static void closedToOthers(Path dir, int serverUid) throws Refused {
		if (FileModes.owner(dir) != serverUid || (FileModes.mode(dir) & 0022) != 0) {
			throw new Refused(dir + " is not the server's alone (the release is not sealed)");
		}
	}

	private static void inTime(long deadline, Duration timeout) throws Refused {
		if (System.nanoTime() - deadline > 0) {
			throw new Refused("copying took longer than " + timeout.toSeconds() + " s");
		}
	}

	static byte[] replace(byte[] content, byte[] old, byte[] replacement) {
		int at = indexOf(content, old, 0);
		if (at < 0) {
			return content;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 256);
		int from = 0;
		while (at >= 0) {
			out.write(content, from, at - from);
			out.write(replacement, 0, replacement.length);
			from = at + old.length;
			at = indexOf(content, old, from);
		}
		out.write(content, from, content.length - from);
		return out.toByteArray();
	}

	private static int indexOf(byte[] content, byte[] part, int from) {
		outer: for (int i = from; i <= content.length - part.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (content[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static void deleteQuietly(Path venv) {
		try {
			AtomicFiles.deleteTree(venv);
		}
		catch (RuntimeException ex) {
			// the clean build that follows fails on what is left and says so
		}
	}

	/** Why an environment is not copied. */
	static final class Refused extends IOException {

		Refused(String reason) {
			super(reason);
		}

	}

}
