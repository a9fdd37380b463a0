package dev.pyapp.server.logs.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogLevel;

/**
 * Turns the lines an app process writes to stdout or stderr into records: a line of
 * gunicorn's own log ({@code [time] [pid] [LEVEL] message}) becomes one record at its
 * level with logger {@code gunicorn}; a line uWSGI writes about itself when it starts or
 * stops is INFO with logger {@code uwsgi}; a Python traceback, with the chained ones and
 * the indented lines that follow a line, is folded into the record it belongs to (its
 * {@code exception}), so one traceback is one record, not one per line.
 */
public final class OutputFolder {

	static final String TRACEBACK = "Traceback (most recent call last):";

	private static final List<String> CHAINS = List.of(
			"During handling of the above exception, another exception occurred:",
			"The above exception was the direct cause of the following exception:");

	/**
	 * gunicorn's error log format:
	 * {@code [%(asctime)s] [%(process)d] [%(levelname)s] %(message)s}.
	 */
	private static final Pattern GUNICORN = Pattern.compile(
			"^\\[(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] \\[(\\d{1,10})\\] \\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\\] (.*)$");

	/**
	 * The lines uWSGI writes about itself when it starts, reloads and stops (Debian's
	 * 2.0.21): its banner, the sockets, pid file and workers it sets up and ends, the
	 * hooks it runs (the server's own master-start hook) and the graceful shutdown that
	 * hook turns TERM into (with uWSGI's date before it). They are news, not warnings;
	 * anything else uWSGI writes (an app that does not load, a worker that dies) is not
	 * among them and stays a warning.
	 */
	private static final Pattern UWSGI = Pattern.compile("^(?:\\*\\*\\* Starting uWSGI .*"
			+ "|compiled with version: .*|os: .*|nodename: .*|machine: .*|clock source: .*|pcre jit .*"
			+ "|detected number of CPU cores: \\d+|current working directory: .*|detected binary path: .*"
			+ "|chdir\\(\\) to .*|your processes number limit is \\d+|your memory page size is \\d+ bytes"
			+ "|detected max file descriptor number: \\d+|lock engine: .*|thunder lock: .*"
			+ "|uwsgi socket \\d+ bound to .*|Python version: .*|PEP 405 virtualenv detected: .*"
			+ "|Set PythonHome to .*|Python main interpreter initialized at .*|python threads support enabled"
			+ "|your server socket listen backlog is limited to \\d+ connections"
			+ "|your mercy for graceful operations on workers is \\d+ seconds|mapped \\d+ bytes .*"
			+ "|\\*\\*\\* Operational MODE: .*|\\*\\*\\* uWSGI is running in multiple interpreter mode \\*\\*\\*"
			+ "|spawned uWSGI (?:master|worker) .*|WSGI app \\d+ \\(mountpoint='.*'\\) ready in .*"
			+ "|Gracefully killing worker \\d+ .*|\\.\\.\\.gracefully killing workers\\.\\.\\."
			+ "|SIGINT/SIGTERM received\\.\\.\\.killing workers\\.\\.\\.|worker \\d+ buried after \\d+ seconds"
			+ "|goodbye to uWSGI\\.|VACUUM: .*|uWSGI running as root, you can use --uid/--gid/--chroot options"
			+ "|writing pidfile to .*|running \"[^\"]*\" \\([a-z-]+\\)\\.\\.\\."
			+ "|binary reloading uWSGI\\.\\.\\.|closing all non-uwsgi socket fds > \\d+ \\(max_fd = \\d+\\)\\.\\.\\."
			+ "|found fd \\d+ mapped to socket \\d+ \\(.*\\)|running /\\S*/uwsgi(?:-core)?"
			+ "|uwsgi socket \\d+ inherited .*|gracefully \\(RE\\)spawned uWSGI master process \\(pid: \\d+\\)"
			+ "|(?:[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\d{4} - )?graceful shutdown triggered\\.\\.\\.)$");

	/** The last line of a traceback: the exception's (qualified) name and its message. */
	private static final Pattern SUMMARY = Pattern.compile("^[A-Za-z_][\\w.]{0,200}(: .*)?$");

	private static final DateTimeFormatter GUNICORN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");

	private OutputFolder() {
	}

	/**
	 * Groups lines into records.
	 * @param lines the lines, without line breaks
	 * @param stderr whether they come from stderr (else stdout)
	 * @param complete whether no more lines will follow (else a traceback still open at
	 * the end is left for the next call)
	 * @return the groups, and how many of the lines they use
	 */
	public static Folded fold(List<String> lines, boolean stderr, boolean complete) {
		List<Group> groups = new ArrayList<>();
		Builder current = null;
		int used = 0;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (current != null && current.accepts(line)) {
				current.add(line);
				continue;
			}
			if (current != null) {
				groups.add(current.build(stderr));
				used = current.end;
			}
			if (line.isBlank()) {
				current = null;
				used = i + 1;
				continue;
			}
			current = new Builder(line, i);
		}
		if (current != null) {
			if (complete || !current.open()) {
				groups.add(current.build(stderr));
				used = lines.size();
			}
		}
		else {
			used = lines.size();
		}
		return new Folded(groups, used);
	}

	/**
	 * The groups of a call to {@link #fold}.
	 *
	 * @param groups the records found
	 * @param used how many lines they use; the rest is an open traceback to read again
	 */
	public record Folded(List<Group> groups, int used) {
	}

	/**
	 * One record's worth of lines.
	 *
	 * @param level its level
	 * @param logger {@code gunicorn}, {@code uwsgi}, {@code stdout} or {@code stderr}
	 * @param message the first line (the exception's summary for a bare traceback)
	 * @param exception the folded lines, or {@code null}
	 * @param pid the pid of a gunicorn line, or {@code null}
	 * @param time the time of a gunicorn line, or {@code null}
	 */
	public record Group(LogLevel level, String logger, String message, @Nullable String exception,
			@Nullable Integer pid, @Nullable Instant time) {
	}

	private static final class Builder {

		private final String first;

		private final List<String> rest = new ArrayList<>();

		private final @Nullable Matcher gunicorn;

		/** Inside a traceback: its frames, until the summary line. */
		private boolean inTraceback;

		/** After a summary line: a blank line and a chaining sentence may follow. */
		private boolean afterSummary;

		private int end;

		Builder(String first, int index) {
			this.first = first;
			Matcher matcher = GUNICORN.matcher(first);
			this.gunicorn = matcher.matches() ? matcher : null;
			this.inTraceback = first.equals(TRACEBACK);
			this.end = index + 1;
		}

		boolean accepts(String line) {
			if (this.inTraceback) {
				// frames are indented; the summary line ends the traceback; anything else
				// (a traceback cut short) starts a record of its own
				return line.startsWith(" ") || line.startsWith("\t") || SUMMARY.matcher(line).matches();
			}
			if (line.startsWith(" ") || line.startsWith("\t")) {
				return !this.afterSummary || line.isBlank();
			}
			if (line.equals(TRACEBACK)) {
				// a traceback belongs to the line before it when that line is an error of
				// gunicorn's ("Exception in worker process") or follows a chained one
				return this.afterSummary || (this.gunicorn != null && this.rest.isEmpty()
						&& (this.gunicorn.group(3).equals("ERROR") || this.gunicorn.group(3).equals("CRITICAL")));
			}
			if (this.afterSummary) {
				return line.isBlank() || CHAINS.contains(line);
			}
			return false;
		}

		void add(String line) {
			this.rest.add(line);
			this.end++;
			if (line.equals(TRACEBACK)) {
				this.inTraceback = true;
				this.afterSummary = false;
			}
			else if (this.inTraceback && !line.isEmpty() && !Character.isWhitespace(line.charAt(0))
					&& SUMMARY.matcher(line).matches()) {
				this.inTraceback = false;
				this.afterSummary = true;
			}
			else if (CHAINS.contains(line)) {
				this.afterSummary = true;
			}
		}

		/** Whether a traceback was begun and has not reached its summary line yet. */
		boolean open() {
			return this.inTraceback
					|| (this.afterSummary && !this.rest.isEmpty() && (this.rest.get(this.rest.size() - 1).isBlank()
							|| CHAINS.contains(this.rest.get(this.rest.size() - 1))));
		}

		Group build(boolean stderr) {
			List<String> folded = new ArrayList<>(this.rest);
			while (!folded.isEmpty() && folded.get(folded.size() - 1).isBlank()) {
				folded.remove(folded.size() - 1);
			}
			if (this.gunicorn != null) {
				return new Group(LogLevel.valueOf(this.gunicorn.group(3)), "gunicorn", this.gunicorn.group(4),
						folded.isEmpty() ? null : String.join("\n", folded), Integer.valueOf(this.gunicorn.group(2)),
						time(this.gunicorn.group(1)));
			}
			if (stderr && folded.isEmpty() && UWSGI.matcher(this.first).matches()) {
				return new Group(LogLevel.INFO, "uwsgi", this.first, null, null, null);
			}
			LogLevel level = stderr ? LogLevel.WARNING : LogLevel.INFO;
			String logger = stderr ? "stderr" : "stdout";
			if (this.first.equals(TRACEBACK)) {
				// a bare traceback: its last line says what happened
				String summary = folded.isEmpty() ? this.first : folded.get(folded.size() - 1);
				List<String> all = new ArrayList<>();
				all.add(this.first);
				all.addAll(folded);
				return new Group(level, logger, summary, String.join("\n", all), null, null);
			}
			return new Group(level, logger, this.first, folded.isEmpty() ? null : String.join("\n", folded), null,
					null);
		}

		private static @Nullable Instant time(String text) {
			try {
				return OffsetDateTime.parse(text, GUNICORN_TIME).toInstant();
			}
			catch (DateTimeParseException ex) {
				return null;
			}
		}

	}

}
