package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the start of a file that a daemon appends to, without losing what it appends
 * meanwhile: {@code fallocate(2)} with {@code FALLOC_FL_COLLAPSE_RANGE} (through
 * util-linux's {@code fallocate}, as Java has no call for it) takes the file's lock, as
 * every {@code O_APPEND} write does, and shifts what follows the range to the file's
 * start in one step. Emptying the file instead ({@code ftruncate}) loses what the daemon
 * writes between the last read and the truncation, and nothing else lets a reader take
 * the start of a file another process appends to. Only whole blocks of the file system
 * can be removed, and not the file's last byte; ext4 and XFS do it, tmpfs, btrfs and NFS
 * do not ({@link #removeStart} answers {@code -1} there).
 */
public final class OutputTrimmer {

	private static final Logger logger = LoggerFactory.getLogger(OutputTrimmer.class);

	private final NodeShell shell;

	private volatile boolean warned;

	public OutputTrimmer(NodeShell shell) {
		this.shell = shell;
	}

	/**
	 * Removes whole blocks from the start of a file, no more than a number of bytes and
	 * always less than the whole file.
	 * @param file the file (in a directory only the server writes)
	 * @param most the most bytes to remove
	 * @param size the file's size when the caller looked (it only grows but by this call)
	 * @return the bytes removed (a multiple of the block size, {@code 0} when less than a
	 * block may go), or {@code -1} if the file system cannot remove a file's start
	 */
	public long removeStart(Path file, long most, long size) {
		long block;
		try {
			block = Files.getFileStore(file).getBlockSize();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return unsupported(file, ex.toString());
		}
		// the range may not reach the file's end (EINVAL)
		long length = (Math.min(most, size - 1) / block) * block;
		if (length <= 0) {
			return 0;
		}
		ExecResult result;
		try {
			result = this.shell.exec(
					ExecRequest
						.of("fallocate", "--collapse-range", "--offset", "0", "--length", Long.toString(length),
								file.toString())
						.withTimeout(Duration.ofSeconds(30)));
		}
		catch (PyappException ex) {
			return unsupported(file, ex.getMessage());
		}
		if (!result.succeeded()) {
			return unsupported(file, result.output().strip());
		}
		return length;
	}

	private long unsupported(Path file, String why) {
		if (!this.warned) {
			this.warned = true;
			logger.warn("Cannot remove the start of {} ({}): output files are emptied instead, and what a daemon "
					+ "writes in the instant between the last read and the truncation is lost", file, why);
		}
		else {
			logger.debug("Cannot remove the start of {}: {}", file, why);
		}
		return -1;
	}

}
