package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What became of one file dropped into {@code PYAPP_HOME/dropbox/}; written beside the
 * file in {@code .done/} or {@code .failed/} as {@code <file>.result.txt}.
 *
 * @param file the name it was dropped under
 * @param checksum its SHA-256, hex, or {@code null} if it could not be read
 * @param outcome what happened
 * @param summary what was installed, or why not
 * @param errors every error, for a refused file
 * @param log what the failing step printed, or {@code null}
 * @param completed when the file was last modified: when it was complete
 * @param pickedUp when the watcher took it
 * @param installStarted when the install began, or {@code null} if none did
 * @param finished when it was done
 * @param movedTo where the file is now
 */
record DropResult(String file, @Nullable String checksum, Outcome outcome, String summary, List<String> errors,
		@Nullable String log, Instant completed, Instant pickedUp, @Nullable Instant installStarted, Instant finished,
		Path movedTo) {

	/**
	 * The pick-up latency: from the file being complete to its install starting (or to it
	 * being picked up, when nothing was installed).
	 * @return the latency
	 */
	Duration latency() {
		Instant start = (this.installStarted != null) ? this.installStarted : this.pickedUp;
		return Duration.between(this.completed, start);
	}

	String text() {
		StringBuilder text = new StringBuilder();
		text.append("file: ").append(this.file).append('\n');
		text.append("sha256: ").append((this.checksum != null) ? this.checksum : "-").append('\n');
		text.append("result: ").append(this.outcome.value).append('\n');
		text.append("summary: ").append(this.summary).append('\n');
		text.append("completed: ").append(this.completed).append('\n');
		text.append("picked-up: ").append(this.pickedUp).append('\n');
		if (this.installStarted != null) {
			text.append("install-started: ").append(this.installStarted).append('\n');
		}
		text.append("latency-ms: ").append(latency().toMillis()).append('\n');
		text.append("finished: ").append(this.finished).append('\n');
		if (!this.errors.isEmpty()) {
			text.append("errors:\n");
			this.errors.forEach((error) -> text.append("  - ").append(error.replace("\n", "\n    ")).append('\n'));
		}
		if (this.log != null && !this.log.isBlank()) {
			text.append("log:\n");
			this.log.lines().forEach((line) -> text.append("  ").append(line).append('\n'));
		}
		return text.toString();
	}

	enum Outcome {

		/** Installed a new app. */
		INSTALLED("installed"),

		/** Upgraded an installed app to a new release. */
		UPGRADED("upgraded"),

		/** The same bytes are already the live release of an app: nothing to do. */
		UNCHANGED("unchanged"),

		/** Refused, or a step of the install failed. */
		FAILED("failed");

		final String value;

		Outcome(String value) {
			this.value = value;
		}

	}

}
