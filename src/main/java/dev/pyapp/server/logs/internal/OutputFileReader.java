package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogRecord;

/**
 * Reads what is new in one output file into log records: whole lines from the offset read
 * so far ({@link OutputOffsets}), at most {@link #CHUNK} a pass, a traceback folded into
 * one record ({@link OutputFolder}; an open one waits for its end, see
 * {@link OpenTracebacks}), a line longer than {@link #MAX_LINE} stored in pieces. A file
 * that shrank was truncated and is read from its start, and a file replaced by a new one
 * (rotation) has the rest of the old one read from {@code <name>.1} first. A file that
 * reached its bound is then bounded ({@link OutputBound}).
 * <p>
 * Each release's daemons have files of their own, so every record has the release of the
 * daemon that wrote it (SPEC §10), also while a candidate starts beside the live daemon
 * or a replaced one stops after the switch; {@code stdout.log} and {@code stderr.log},
 * written by the daemons a server before those files started (still running, adopted),
 * are filed under the live release. Gunicorn's and uWSGI's own lines on stderr get their
 * level and logger {@code gunicorn} or {@code uwsgi}. A record without a pid of its own
 * gets the one the pid function gives for the app and release.
 */
final class OutputFileReader {

	/** The most read of one file in one pass. */
	private static final int CHUNK = 4 * 1024 * 1024;

	/** A line longer than this is stored in pieces rather than waited for. */
	private static final int MAX_LINE = 64 * 1024;

	private final LogCollector collector;

	private final BiFunction<String, @Nullable String, @Nullable Integer> pids;

	private final OutputOffsets offsets;

	private final OpenTracebacks tracebacks;

	private final OutputBound bound;

	private final int maxMessage;

	private final int maxException;

	/**
	 * @param pids the pid for a record without one, by the app's name and the release of
	 * the file's daemons ({@code null} for a file of daemons of any release)
	 * @param maxMessage the longest message a record keeps; longer ones are cut
	 * @param maxException the longest exception a record keeps; longer ones are cut
	 */
	OutputFileReader(LogCollector collector, BiFunction<String, @Nullable String, @Nullable Integer> pids,
			OutputOffsets offsets, OpenTracebacks tracebacks, OutputBound bound, int maxMessage, int maxException) {
		this.collector = collector;
		this.pids = pids;
		this.offsets = offsets;
		this.tracebacks = tracebacks;
		this.bound = bound;
		this.maxMessage = maxMessage;
		this.maxException = maxException;
	}

	/**
	 * Reads what is new in a file and collects it, then bounds the file if it reached its
	 * bound.
	 * @param app the app's directory
	 * @param attributes the file's attributes as just read
	 * @return whether its offset changed (to be saved)
	 */
	boolean read(Path app, OutputFile output, BasicFileAttributes attributes) throws IOException {
		String key = output.key();
		Path file = output.path();
		String fileKey = output.fileKey(attributes.fileKey());
		OutputOffsets.Position position = this.offsets.get(key);
		long offset = 0;
		if (position != null && position.fileKey().equals(fileKey)) {
			offset = position.offset();
			if (attributes.size() < offset) {
				// truncated: what is there now was written after the truncation
				offset = 0;
			}
			else if (attributes.size() == offset) {
				return false;
			}
		}
		else if (position != null) {
			readRotated(app, output, position);
		}
		long consumed = consume(app, output, file, offset, attributes.size(), false,
				this.tracebacks.waitedEnough(key, offset));
		if (consumed == 0) {
			// an open traceback waits for its last line (see OpenTracebacks)
			this.tracebacks.leftAt(key, offset);
		}
		else {
			this.tracebacks.remove(key);
		}
		long read = offset + consumed;
		this.offsets.put(key, new OutputOffsets.Position(fileKey, read));
		if (this.bound.reached(attributes.size())) {
			this.bound.bound(app, output, fileKey, read);
		}
		return consumed > 0 || position == null || !position.fileKey().equals(fileKey);
	}

	/** The rest of a file that was renamed to {@code <name>.1} since the last pass. */
	private void readRotated(Path app, OutputFile output, OutputOffsets.Position position) throws IOException {
		Path rotated = output.rotated();
		try {
			BasicFileAttributes attributes = Files.readAttributes(rotated, BasicFileAttributes.class);
			if (String.valueOf(attributes.fileKey()).equals(position.fileKey())) {
				long offset = position.offset();
				while (offset < attributes.size()) {
					long consumed = consume(app, output, rotated, offset, attributes.size(), true, true);
					if (consumed == 0) {
						break;
					}
					offset += consumed;
				}
			}
		}
		catch (NoSuchFileException ex) {
			// rotated away without a .1 file: what was not read yet is gone
		}
	}

	/**
	 * Reads whole lines from an offset and collects them.
	 * @param file the file to read: the output file or its rotated one
	 * @param complete whether nothing more will be written to the file, so that a last
	 * line without a line break is complete too
	 * @param flushOpen whether an open traceback at the end is stored as it is rather
	 * than left for the next pass
	 * @return the number of bytes consumed
	 */
	private long consume(Path app, OutputFile output, Path file, long offset, long size, boolean complete,
			boolean flushOpen) throws IOException {
		int length = (int) Math.min(CHUNK, size - offset);
		if (length <= 0) {
			return 0;
		}
		ByteBuffer buffer = ByteBuffer.allocate(length);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			channel.position(offset);
			while (buffer.hasRemaining() && channel.read(buffer) > 0) {
				// read until the buffer is full or the file ends
			}
		}
		byte[] bytes = buffer.array();
		int read = buffer.position();
		int usable = read;
		while (usable > 0 && bytes[usable - 1] != '\n') {
			usable--;
		}
		if (usable == 0) {
			if (read == 0) {
				return 0;
			}
			if (read < MAX_LINE && !complete) {
				return 0;
			}
			usable = read;
		}
		return collect(app, output, bytes, usable, complete || flushOpen);
	}

	/**
	 * Folds whole lines into records and collects them.
	 * @return the bytes used: an open traceback at the end is left for the next pass
	 */
	private int collect(Path app, OutputFile output, byte[] bytes, int length, boolean complete) {
		String stream = output.stream();
		List<String> lines = new ArrayList<>();
		List<Integer> ends = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < length; i++) {
			if (bytes[i] == '\n' || i == length - 1) {
				int end = (bytes[i] == '\n') ? i : i + 1;
				if (end > start && bytes[end - 1] == '\r') {
					end--;
				}
				lines.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
				ends.add(i + 1);
				start = i + 1;
			}
		}
		OutputFolder.Folded folded = OutputFolder.fold(lines, stream.equals("stderr"), complete);
		String name = app.getFileName().toString();
		String release = output.recordRelease(app);
		Integer pid = this.pids.apply(name, output.release());
		Instant now = Instant.now();
		List<LogRecord> records = new ArrayList<>();
		for (OutputFolder.Group group : folded.groups()) {
			String message = group.message();
			if (message.length() > this.maxMessage) {
				message = message.substring(0, this.maxMessage) + " [truncated]";
			}
			String exception = group.exception();
			if (exception != null && exception.length() > this.maxException) {
				exception = exception.substring(0, this.maxException) + " [truncated]";
			}
			records.add(new LogRecord(0, (group.time() != null) ? group.time() : now, name, release, group.level(),
					group.logger(), message, exception, (group.pid() != null) ? group.pid() : pid, null, null));
		}
		if (!records.isEmpty()) {
			this.collector.collect(records);
		}
		return (folded.used() == 0) ? 0 : ends.get(folded.used() - 1);
	}

}
