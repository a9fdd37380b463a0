package dev.pyapp.server.scm.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.jgit.lib.EmptyProgressMonitor;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;

/**
 * Cancels a clone or fetch once the mirror on disk grows past the archive size limit
 * (JGit asks {@link #isCancelled()} while it receives objects), so a huge repository
 * cannot fill the disk before any check runs.
 */
public final class SizeBoundMonitor extends EmptyProgressMonitor {

	private static final long CHECK_EVERY_NANOS = 250_000_000L;

	private final Path directory;

	private final long limit;

	private long lastCheck;

	private volatile long size;

	private volatile boolean exceeded;

	public SizeBoundMonitor(Path directory, long limit) {
		this.directory = directory;
		this.limit = limit;
	}

	@Override
	public boolean isCancelled() {
		long now = System.nanoTime();
		if (!this.exceeded && now - this.lastCheck >= CHECK_EVERY_NANOS) {
			this.lastCheck = now;
			this.size = sizeOf(this.directory);
			this.exceeded = this.size > this.limit;
		}
		return this.exceeded;
	}

	/**
	 * Refuses the repository if it grew past the limit.
	 * @param url the repository, for the message
	 * @throws PyappException ({@code INVALID}) if it did
	 */
	public void check(String url) {
		if (this.exceeded || sizeOf(this.directory) > this.limit) {
			throw PyappException.invalid("repository too large",
					List.of(new Problem("git.url", "the repository " + url + " takes more than " + this.limit
							+ " bytes; the limit is pyapp.packaging.max-uncompressed-size")));
		}
	}

	private static long sizeOf(Path directory) {
		if (!Files.isDirectory(directory)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			return files.mapToLong(SizeBoundMonitor::length).sum();
		}
		catch (IOException | UncheckedIOException ex) {
			// a pack file renamed while we looked: count it the next time
			return 0;
		}
	}

	private static long length(Path file) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			return attributes.isRegularFile() ? attributes.size() : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

}
