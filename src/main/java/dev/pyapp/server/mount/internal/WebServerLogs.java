package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.pyapp.server.mount.WebServerKind;

/**
 * What the managed web server writes that the server reads back: its error log and
 * standard output (the end of them for an error, the last error since a start for
 * people), how often lighttpd says it started (it restarts in its own process on a
 * reload), and its pid file.
 */
final class WebServerLogs {

	/** How much of a log's end an error carries. */
	private static final int TAIL = 4000;

	private final WebServerKind kind;

	private final RenderSettings settings;

	WebServerLogs(WebServerKind kind, RenderSettings settings) {
		this.kind = kind;
		this.settings = settings;
	}

	Path errorLog() {
		return this.settings.errorLog(this.kind);
	}

	/** Where the instance's standard output and error go. */
	Path output() {
		return this.settings.directory().resolve("logs").resolve(this.kind.value() + "-stdout.log");
	}

	/**
	 * How far the error log goes now, for {@link #lastError} after a start.
	 * @return its size, 0 if it does not exist
	 */
	long errorLogSize() {
		try {
			return Files.exists(errorLog()) ? Files.size(errorLog()) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * How often lighttpd's error log says it started (it restarts in its own process).
	 * @return the count, 0 for the other kinds
	 */
	int starts() {
		if (this.kind != WebServerKind.LIGHTTPD) {
			return 0;
		}
		try {
			String log = Files.readString(errorLog(), StandardCharsets.UTF_8);
			int count = 0;
			for (int at = log.indexOf(") server started"); at >= 0; at = log.indexOf(") server started", at + 1)) {
				count++;
			}
			return count;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * The last error the web server logged since an offset, for people.
	 * @param since the error log's size before the start
	 * @return its last line, else the last line of its output
	 */
	String lastError(long since) {
		String text = "";
		try {
			if (Files.exists(errorLog())) {
				byte[] all = Files.readAllBytes(errorLog());
				text = new String(all, (int) Math.min(since, all.length), (int) Math.max(0, all.length - since),
						StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			// fall back to its standard output
		}
		if (text.isBlank()) {
			text = tail(output());
		}
		String[] lines = text.strip().split("\n");
		String last = lines[lines.length - 1].strip();
		return last.isEmpty() ? "it exited (see its error log)" : last;
	}

	/** The end of its error log. */
	String errorTail() {
		return tail(errorLog());
	}

	/** The end of its output and of its error log. */
	String outputAndErrorTail() {
		return tail(output()) + tail(errorLog());
	}

	Optional<Long> readPidFile() {
		try {
			return Optional.of(Long.parseLong(Files.readString(this.settings.pidFile(this.kind)).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	boolean pidFileExists() {
		return Files.exists(this.settings.pidFile(this.kind));
	}

	private static String tail(Path file) {
		try {
			String text = Files.readString(file, StandardCharsets.UTF_8);
			return (text.length() > TAIL) ? text.substring(text.length() - TAIL) : text;
		}
		catch (IOException ex) {
			return "";
		}
	}

}
