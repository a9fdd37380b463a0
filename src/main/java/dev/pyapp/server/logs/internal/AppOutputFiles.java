package dev.pyapp.server.logs.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.core.AppPaths;

/**
 * One app's directory and output files, made once per app: {@code <release>.stdout.log}
 * (INFO records, logger {@code stdout}) and {@code <release>.stderr.log} (WARNING, logger
 * {@code stderr}) in {@code apps/<name>/logs/}, one pair per release's daemons, and the
 * {@code stdout.log} and {@code stderr.log} of daemons a server before those started.
 * <p>
 * A look costs one {@code stat} of {@code logs/}; the directory is listed again only when
 * it changed (creating, renaming or deleting a file in it changes its time), or while its
 * time is too recent to be trusted (its granularity could hide a second change).
 */
public final class AppOutputFiles {

	private static final String STDOUT_SUFFIX = "." + AppPaths.STDOUT_LOG;

	private static final String STDERR_SUFFIX = "." + AppPaths.STDERR_LOG;

	private final Path dir;

	private final String name;

	private final File logs;

	private final int part;

	/** The output files in {@code logs/} by name, as listed last. */
	private final Map<String, OutputFile> files = new LinkedHashMap<>();

	/** The time of {@code logs/} when it was listed last, {@code -1} before. */
	private long listed = -1;

	/**
	 * @param dir the app's directory, {@code apps/<name>}
	 * @param part the part of a round in which the app is looked at
	 */
	public AppOutputFiles(Path dir, int part) {
		this.dir = dir;
		this.name = dir.getFileName().toString();
		this.logs = new AppPaths(dir).logs().toFile();
		this.part = part;
	}

	/** The part of a round in which the app is looked at. */
	public int part() {
		return this.part;
	}

	Path dir() {
		return this.dir;
	}

	/**
	 * Lists {@code logs/} again if it changed since, or if its time is not older than a
	 * time from which it is trusted.
	 * @param settled the time ({@link System#currentTimeMillis()}) before which a
	 * directory's time is trusted
	 */
	void listIfChanged(long settled) throws IOException {
		long logsTime = this.logs.lastModified();
		if (logsTime != this.listed || (logsTime != 0 && logsTime >= settled)) {
			// files are made and deleted only in logs/, which changes its time
			list(logsTime);
		}
	}

	/** The output files as listed last. */
	List<OutputFile> files() {
		return List.copyOf(this.files.values());
	}

	/** Drops a file that was deleted from the list. */
	void forget(OutputFile file) {
		this.files.remove(file.path().getFileName().toString());
	}

	/**
	 * Lists the output files in {@code logs/}: {@code <release>.stdout.log} and
	 * {@code <release>.stderr.log} of each release's daemons, and the {@code stdout.log}
	 * and {@code stderr.log} of daemons a server before those started.
	 */
	private void list(long time) throws IOException {
		Map<String, OutputFile> listed = new LinkedHashMap<>();
		if (time != 0) {
			try (DirectoryStream<Path> files = Files.newDirectoryStream(this.logs.toPath())) {
				for (Path file : files) {
					String fileName = file.getFileName().toString();
					OutputFile known = this.files.get(fileName);
					OutputFile output = (known != null) ? known : outputFile(file, fileName);
					if (output != null) {
						listed.put(fileName, output);
					}
				}
			}
			catch (NoSuchFileException | NotDirectoryException ex) {
				// gone since its time was taken: nothing to read
			}
		}
		this.files.clear();
		this.files.putAll(listed);
		this.listed = time;
	}

	private @Nullable OutputFile outputFile(Path file, String fileName) {
		if (fileName.equals(AppPaths.STDOUT_LOG) || fileName.equals(AppPaths.STDERR_LOG)) {
			String stream = fileName.equals(AppPaths.STDERR_LOG) ? "stderr" : "stdout";
			// the key offsets were saved under before the per-release files
			return new OutputFile(this.name + "/" + stream, stream, file, null);
		}
		for (String suffix : new String[] { STDOUT_SUFFIX, STDERR_SUFFIX }) {
			if (fileName.endsWith(suffix) && fileName.length() > suffix.length()) {
				String release = fileName.substring(0, fileName.length() - suffix.length());
				String stream = suffix.equals(STDERR_SUFFIX) ? "stderr" : "stdout";
				return new OutputFile(this.name + "/" + fileName, stream, file, release);
			}
		}
		// a rotated file (read with its live one), or another log
		return null;
	}

}
