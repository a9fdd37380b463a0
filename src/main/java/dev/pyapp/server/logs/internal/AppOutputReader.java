package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.logs.LogCollector;

/**
 * Reads what is new in an app's output files ({@link AppOutputFiles}) into log records,
 * one file at a time ({@link OutputFileReader}), keeping how far each was read
 * ({@link OutputOffsets}). A look costs one {@code stat} of the app's {@code logs/}
 * directory and one per output file. The files of a release that was removed are deleted
 * once read to their end. Not thread-safe: one thread (the tailer's) looks.
 */
public final class AppOutputReader {

	private static final Logger logger = LoggerFactory.getLogger(AppOutputReader.class);

	private final OutputOffsets offsets;

	private final OpenTracebacks tracebacks = new OpenTracebacks();

	private final OutputFileReader reader;

	/**
	 * @param offsetsFile where the offsets are kept ({@code run/log-offsets.json})
	 * @param maxSize the bound of an output file's size
	 * ({@code pyapp.logs.output-max-size})
	 * @param pids the pid for a record without one, by the app's name and the release of
	 * the file's daemons ({@code null} for a file of daemons of any release)
	 * @param maxMessage the longest message a record keeps; longer ones are cut
	 * @param maxException the longest exception a record keeps; longer ones are cut
	 */
	public AppOutputReader(LogCollector collector, Path offsetsFile, long maxSize,
			BiFunction<String, @Nullable String, @Nullable Integer> pids, OutputTrimmer trimmer, int maxMessage,
			int maxException) {
		this.offsets = new OutputOffsets(offsetsFile);
		OutputBound bound = new OutputBound(maxSize, trimmer, collector, pids, this.offsets, this.tracebacks);
		this.reader = new OutputFileReader(collector, pids, this.offsets, this.tracebacks, bound, maxMessage,
				maxException);
	}

	/** Adds the offsets saved before, if any; an unreadable file is ignored. */
	public void loadOffsets() {
		this.offsets.load();
	}

	/** Saves the offsets if they changed since they were saved. */
	public void saveOffsetsIfChanged() {
		this.offsets.saveIfChanged();
	}

	/**
	 * Reads what is new in an app's output files, listing its {@code logs/} again first
	 * if it changed.
	 * @param settled the time ({@link System#currentTimeMillis()}) before which a
	 * directory's time is trusted
	 * @param removedCheck how often an idle release's output file is looked at for a
	 * removed release
	 */
	public void look(AppOutputFiles app, long settled, Duration removedCheck) throws IOException {
		app.listIfChanged(settled);
		for (OutputFile file : app.files()) {
			BasicFileAttributes attributes = file.attributes();
			if (attributes == null || !attributes.isRegularFile()) {
				// gone: dropped from the list when logs/ is listed again
				continue;
			}
			boolean read = this.reader.read(app.dir(), file, attributes);
			if (read) {
				this.offsets.changed();
			}
			if (!read && file.release() != null) {
				deleteIfRemoved(app, file, removedCheck);
			}
		}
	}

	/**
	 * Deletes the output files of a release that was removed once they are read to their
	 * end (no daemon of a removed release runs, and none is started again), looking
	 * whether it was at most every {@code removedCheck} (one {@code stat}).
	 */
	private void deleteIfRemoved(AppOutputFiles app, OutputFile file, Duration removedCheck) {
		if (!file.removedCheckDue(removedCheck)) {
			return;
		}
		String release = file.release();
		if (release == null || this.tracebacks.contains(file.key())
				|| Files.exists(app.dir().resolve("releases").resolve(release))) {
			return;
		}
		try {
			Files.deleteIfExists(file.path());
			Files.deleteIfExists(file.rotated());
		}
		catch (IOException ex) {
			logger.warn("Cannot delete {} of a removed release: {}", file.path(), ex.toString());
			return;
		}
		app.forget(file);
		this.offsets.remove(file.key());
	}

}
