package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;

import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.logs.internal.LogsProperties;

/**
 * One sender's connection to an app's log socket: the incomplete line it has sent so far
 * and the release its first batch named. Used by one {@link LogSocketLoop} thread only.
 */
final class LogConnection {

	private static final int MIN_BUFFER = 8 * 1024;

	private static final long REPORT_EVERY_NANOS = 10_000_000_000L;

	private final LogSocketServer.Listener listener;

	private final SocketChannel channel;

	private final LogSocketServer server;

	private final LogsProperties.Socket limits;

	private final LogSocketServer.Counters counters;

	private byte @Nullable [] partial;

	private int partialLength;

	private long partialSince;

	/** Dropping the rest of a line, up to its newline. */
	private boolean skipping;

	private long skipped;

	private String cutReason = "";

	private @Nullable String release;

	private boolean releaseDecided;

	private long lastCutReport;

	/** The pid the sender reported last, and the pid the server sees for it. */
	private int reportedPid = -1;

	private int pid;

	private @Nullable UserPrincipal peer;

	private boolean peerRead;

	private boolean reportedCut;

	LogConnection(LogSocketServer.Listener listener, SocketChannel channel, LogSocketServer server) {
		this.listener = listener;
		this.channel = channel;
		this.server = server;
		this.limits = server.limits();
		this.counters = server.counters();
	}

	SocketChannel channel() {
		return this.channel;
	}

	AppId app() {
		return this.listener.app();
	}

	LogSocketServer.Listener listener() {
		return this.listener;
	}

	/**
	 * The user the connecting process runs as ({@code SO_PEERCRED}), or {@code null} if
	 * the platform does not tell.
	 */
	@Nullable UserPrincipal peer() {
		if (!this.peerRead) {
			this.peerRead = true;
			try {
				this.peer = this.channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
			}
			catch (IOException | UnsupportedOperationException ex) {
				this.peer = null;
			}
		}
		return this.peer;
	}

	/**
	 * The pid the server saw for a reported pid, if this connection reported it last.
	 */
	@Nullable Integer knownPid(int reported) {
		return (reported == this.reportedPid) ? this.pid : null;
	}

	void rememberPid(int reported, int pid) {
		this.reportedPid = reported;
		this.pid = pid;
	}

	@Nullable String release() {
		return this.release;
	}

	boolean releaseDecided() {
		return this.releaseDecided;
	}

	void decideRelease(@Nullable String release) {
		this.release = release;
		this.releaseDecided = true;
	}

	/**
	 * Takes the bytes of one read: every complete line becomes a batch, the rest waits.
	 */
	void consume(byte[] bytes, int length) {
		int start = 0;
		for (int i = 0; i < length; i++) {
			if (bytes[i] != '\n') {
				continue;
			}
			if (this.skipping) {
				this.skipped += i - start;
				endCut();
			}
			else if (this.partialLength > 0) {
				if (append(bytes, start, i - start)) {
					this.server.batch(this, this.partial, 0, this.partialLength);
					releasePartial();
				}
				else {
					endCut();
				}
			}
			else if (i - start > this.limits.maxLine().toBytes()) {
				this.skipped = i - start;
				this.cutReason = overMaxLine();
				endCut();
			}
			else if (i > start) {
				this.server.batch(this, bytes, start, i - start);
			}
			start = i + 1;
		}
		if (start < length) {
			if (this.skipping) {
				this.skipped += length - start;
			}
			else {
				append(bytes, start, length - start);
			}
		}
	}

	/**
	 * Adds bytes to the incomplete line.
	 * @return false if the line is dropped instead (too long, or no buffer space left)
	 */
	private boolean append(byte[] bytes, int offset, int length) {
		long needed = (long) this.partialLength + length;
		if (needed > this.limits.maxLine().toBytes()) {
			startCut(needed, overMaxLine());
			return false;
		}
		int capacity = (this.partial != null) ? this.partial.length : 0;
		if (capacity < needed) {
			int grown = (int) Math.min(this.limits.maxLine().toBytes(),
					Math.max(needed, Math.max(MIN_BUFFER, capacity * 2L)));
			long growth = grown - capacity;
			if (this.counters.buffered.addAndGet(growth) > this.limits.maxBuffered().toBytes()) {
				this.counters.buffered.addAndGet(-growth);
				startCut(needed, "the log intake's buffers are full (pyapp.logs.socket.max-buffered)");
				return false;
			}
			this.partial = (this.partial != null) ? Arrays.copyOf(this.partial, grown) : new byte[grown];
		}
		if (this.partialLength == 0) {
			this.partialSince = System.nanoTime();
		}
		System.arraycopy(bytes, offset, this.partial, this.partialLength, length);
		this.partialLength = (int) needed;
		return true;
	}

	private String overMaxLine() {
		return "over the limit of " + this.limits.maxLine().toBytes() + " bytes per batch (pyapp.logs.socket.max-line)";
	}

	private void startCut(long bytesSoFar, String reason) {
		this.skipping = true;
		this.skipped = bytesSoFar;
		this.cutReason = reason;
		releasePartial();
	}

	private void endCut() {
		this.server.cut(this, this.skipped, this.cutReason);
		this.skipping = false;
		this.skipped = 0;
	}

	/** Drops an incomplete line older than the line timeout, freeing its buffer. */
	void expire(long now) {
		if (this.partialLength > 0 && now - this.partialSince > this.limits.lineTimeout().toNanos()) {
			startCut(this.partialLength, "incomplete for longer than " + this.limits.lineTimeout().toSeconds()
					+ " s (pyapp.logs.socket.line-timeout)");
		}
	}

	/**
	 * Whether a dropped batch is worth a record in the app's log: at most one every ten
	 * seconds per connection, so that a sender cannot flood the log with them.
	 */
	boolean mayReportCut(long now) {
		if (this.reportedCut && now - this.lastCutReport < REPORT_EVERY_NANOS) {
			return false;
		}
		this.reportedCut = true;
		this.lastCutReport = now;
		return true;
	}

	private void releasePartial() {
		if (this.partial != null) {
			this.counters.buffered.addAndGet(-this.partial.length);
			this.partial = null;
		}
		this.partialLength = 0;
	}

	void closed() {
		releasePartial();
		this.server.closed(this.listener);
	}

}
