package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;

/**
 * The bound on an output file's size, {@code pyapp.logs.output-max-size}, so that an app
 * cannot fill the disk through its output. A file that large and read to its end has what
 * was read taken off its start ({@link OutputTrimmer}: its daemon writes with
 * {@code O_APPEND} and goes on at the new end, and what it writes meanwhile stays), and
 * when that much is left unread, because a process writes faster than a pass reads, the
 * unread part is dropped and a WARNING record (logger {@code pyapp.logs}) says how many
 * bytes. On a file system that cannot take a file's start (tmpfs, btrfs) the file is
 * emptied instead, and what the daemon writes in the instant between the size check and
 * the truncation is lost.
 */
final class OutputBound {

	private final long maxSize;

	private final OutputTrimmer trimmer;

	private final LogCollector collector;

	private final BiFunction<String, @Nullable String, @Nullable Integer> pids;

	private final OutputOffsets offsets;

	private final OpenTracebacks tracebacks;

	OutputBound(long maxSize, OutputTrimmer trimmer, LogCollector collector,
			BiFunction<String, @Nullable String, @Nullable Integer> pids, OutputOffsets offsets,
			OpenTracebacks tracebacks) {
		this.maxSize = maxSize;
		this.trimmer = trimmer;
		this.collector = collector;
		this.pids = pids;
		this.offsets = offsets;
		this.tracebacks = tracebacks;
	}

	/** Whether a file of this size is to be bounded. */
	boolean reached(long size) {
		return size >= this.maxSize;
	}

	/**
	 * Takes the start off an output file that reached {@code pyapp.logs.output-max-size},
	 * up to what was read, or up to its end if that much of it was left unread (then the
	 * unread part is dropped and a WARNING record says how much): whole blocks, with
	 * {@link OutputTrimmer}, so that what the daemon appends meanwhile stays (less than a
	 * block of what was read stays too). Where the file system cannot, the file is
	 * emptied, and what the daemon writes between the size read here and the truncation
	 * is lost.
	 * @param app the app's directory
	 * @param fileKey the file's identity, as its offset has it
	 * @param read the bytes of the file read so far
	 */
	void bound(Path app, OutputFile output, String fileKey, long read) throws IOException {
		long unread;
		long removed;
		// logs/ is the server's (0700): the app cannot put a link or a FIFO in the
		// file's place; its daemon only holds the file open
		try (FileChannel channel = FileChannel.open(output.path(), StandardOpenOption.WRITE,
				LinkOption.NOFOLLOW_LINKS)) {
			long size = channel.size();
			unread = size - read;
			if (unread > 0 && unread < this.maxSize) {
				// read on first: an app writing in bursts loses nothing
				return;
			}
			removed = this.trimmer.removeStart(output.path(), (unread > 0) ? size : read, size);
			if (removed < 0) {
				channel.truncate(0);
				removed = read + unread;
			}
		}
		if (removed == 0) {
			return;
		}
		long dropped = Math.max(0, removed - read);
		// after a drop, the next pass may begin inside a line: it is stored as a line
		this.offsets.put(output.key(), new OutputOffsets.Position(fileKey, Math.max(0, read - removed)));
		this.tracebacks.remove(output.key());
		this.offsets.changed();
		if (dropped > 0) {
			String name = app.getFileName().toString();
			String stream = output.stream();
			this.collector.collect(List
				.of(new LogRecord(0, Instant.now(), name, output.recordRelease(app), LogLevel.WARNING, "pyapp.logs",
						dropped + " bytes of " + stream + " were dropped unread: the app wrote them faster than "
								+ stream + ".log is read, and pyapp.logs.output-max-size (" + this.maxSize
								+ " bytes) bounds what may wait",
						null, this.pids.apply(name, output.release()), null, null)));
		}
	}

}
