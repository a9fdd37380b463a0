package dev.pyapp.server.runtime.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;

/**
 * The files of an app's daemons the supervisor reads and writes: the app's directories
 * they write to, the end of their stderr since a start, and pid files.
 */
public final class DaemonFiles {

	private DaemonFiles() {
	}

	/**
	 * The last lines a daemon wrote to stderr since it started (all of the file if it was
	 * emptied since): from its release's {@code logs/<release>.stderr.log}, or from
	 * {@code logs/stderr.log} for a daemon a server before those files started.
	 * @param paths the app's paths
	 * @param daemon the daemon
	 * @return up to 4 KiB of text
	 */
	static String stderrTail(AppPaths paths, Daemon daemon) {
		Path stderr = stderrLog(paths, daemon.release());
		if (!Files.exists(stderr)) {
			stderr = paths.stderrLog();
		}
		try (RandomAccessFile file = new RandomAccessFile(stderr.toFile(), "r")) {
			// a file shorter than where the daemon's output began was emptied or had
			// its start taken since (pyapp.logs.output-max-size): all of it is the
			// daemon's; one as long shows less of the daemon's own, never another's
			long start = (daemon.stderrOffset() <= file.length()) ? daemon.stderrOffset() : 0;
			long from = Math.max(start, file.length() - 4096);
			byte[] buffer = new byte[(int) Math.max(0, file.length() - from)];
			file.seek(from);
			file.readFully(buffer);
			return new String(buffer, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * Creates the directories a daemon writes to, and its release's output files in
	 * {@code logs/} as the server's own ({@code 0600}, whatever the umask the server was
	 * started with: the daemon's output is appended to them, which would create them with
	 * it).
	 * @param paths the app's paths
	 * @param release the daemon's release
	 */
	static void createDirectories(AppPaths paths, String release) {
		try {
			for (Path dir : new Path[] { paths.run(), paths.logs(), paths.tmp(), paths.data(), paths.config() }) {
				Files.createDirectories(dir);
			}
			for (Path log : new Path[] { stdoutLog(paths, release), stderrLog(paths, release) }) {
				try {
					Files.createFile(log, PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_ONLY));
				}
				catch (FileAlreadyExistsException ex) {
					// kept as it is: the output of earlier daemons, or a link we
					// never follow
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the directories of " + paths.root(), ex);
		}
	}

	/**
	 * Where a release's daemons write their standard output: a file per release, so that
	 * every line is filed under the release of the daemon that wrote it (a candidate
	 * starts beside the live daemon, a replaced one stops after the switch).
	 * @param paths the app's paths
	 * @param release the release
	 * @return {@code logs/<release>.stdout.log}
	 */
	static Path stdoutLog(AppPaths paths, String release) {
		return paths.stdoutLog(release);
	}

	/**
	 * Where a release's daemons write their standard error.
	 * @param paths the app's paths
	 * @param release the release
	 * @return {@code logs/<release>.stderr.log}
	 */
	static Path stderrLog(AppPaths paths, String release) {
		return paths.stderrLog(release);
	}

	/**
	 * The size of a file, 0 if it does not exist (where a daemon's stderr starts).
	 * @param file the file
	 * @return its size
	 */
	static long size(Path file) {
		try {
			return Files.exists(file) ? Files.size(file) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	public static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// a stale pid file is harmless: adoption verifies the process behind it
		}
	}

}
