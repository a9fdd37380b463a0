package dev.pyapp.server.logs.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.core.AppPaths;

/**
 * One output file of an app, and what the last look at it found: made once per file while
 * its app's {@code logs/} lists it.
 */
final class OutputFile {

	private final String key;

	private final String stream;

	private final Path path;

	/**
	 * The release whose daemons write it, or {@code null} for the file of daemons of any
	 * release (a server before the per-release files).
	 */
	private final @Nullable String release;

	/** When it was last looked at for a removed release ({@link System#nanoTime}). */
	private long checked;

	private @Nullable Object lastKey;

	private String lastKeyText = "";

	OutputFile(String key, String stream, Path path, @Nullable String release) {
		this.key = key;
		this.stream = stream;
		this.path = path;
		this.release = release;
	}

	/** Its key in the offsets ({@link OutputOffsets}). */
	String key() {
		return this.key;
	}

	/** {@code stdout} or {@code stderr}. */
	String stream() {
		return this.stream;
	}

	Path path() {
		return this.path;
	}

	/** The file a rotation renamed it to: {@code <name>.1}. */
	Path rotated() {
		return this.path.resolveSibling(this.path.getFileName() + ".1");
	}

	@Nullable String release() {
		return this.release;
	}

	/**
	 * The release its records are filed under: the one its name says, or for
	 * {@code stdout.log} and {@code stderr.log} (written by the daemons a server before
	 * the per-release files started, of any release) the live one.
	 * @param app the app's directory
	 */
	@Nullable String recordRelease(Path app) {
		if (this.release != null) {
			return this.release;
		}
		try {
			return Files.readSymbolicLink(new AppPaths(app).current()).getFileName().toString();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return null;
		}
	}

	/** Its attributes, or {@code null} if it does not exist. */
	@Nullable BasicFileAttributes attributes() throws IOException {
		try {
			return Files.readAttributes(this.path, BasicFileAttributes.class);
		}
		catch (NoSuchFileException ex) {
			// seldom: a file is looked at only while logs/ lists it
			return null;
		}
	}

	/** The file key's text, made once per file rather than on every look. */
	String fileKey(@Nullable Object key) {
		if (key == null || !key.equals(this.lastKey)) {
			this.lastKey = key;
			this.lastKeyText = String.valueOf(key);
		}
		return this.lastKeyText;
	}

	/**
	 * Whether it is time to look again whether its release was removed: the first time,
	 * then at most once per interval (which starts now when it is).
	 */
	boolean removedCheckDue(Duration every) {
		long now = System.nanoTime();
		if (this.checked != 0 && now - this.checked < every.toNanos()) {
			return false;
		}
		this.checked = now;
		return true;
	}

}
