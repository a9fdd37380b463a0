package dev.pyapp.server.logs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.logs.internal.DeployLogListener;

import org.springframework.stereotype.Component;

/**
 * Why a deploy failed, from what the release itself printed: its stderr and its log
 * records at WARNING or above, without the server's own {@code pyapp.deploy} steps. The
 * root cause is the last Python exception line ({@code ModuleNotFoundError: No module
 * named 'x'}), else the last line printed.
 * <p>
 * The answer for a release is remembered, also when it printed nothing: {@code apps.get}
 * asks for the cause of an app's newest release on every call when that release failed,
 * and the log store has no index to answer it from. A remembered answer is dropped as
 * soon as a record of that release at WARNING or above is stored, so it is never older
 * than the store.
 */
@Component
public class DeployDiagnosis {

	/** How many lines of the end of the output the excerpt keeps. */
	static final int EXCERPT_LINES = 40;

	/** How long a traceback at the end of the output may be to be kept whole. */
	static final int TRACEBACK_LINES = 100;

	private static final int RECORDS = 200;

	private static final Pattern EXCEPTION_LINE = Pattern.compile(
			"^\\s*(?:[A-Za-z_][A-Za-z0-9_]*\\.)*[A-Za-z_][A-Za-z0-9_]*(?:Error|Exception|Exit|Interrupt)(?::.*)?$");

	// what a worker that is stopped while it loads the app prints: uWSGI stops on SIGINT,
	// gunicorn's worker exits from its signal handler (which the shim reports as an exit)
	private static final Pattern STOPPED_LINE = Pattern.compile(
			"^\\s*(?:KeyboardInterrupt|SystemExit)\\b|the app exited while it was loaded \\(SystemExit: (?:0|None)\\)");

	private static final int MAX_REMEMBERED = 1000;

	private final LogCollector collector;

	// by app/release: the cause, or empty when the release printed nothing (yet)
	private final Map<String, Optional<Cause>> remembered = new ConcurrentHashMap<>();

	// bumped before a stored record drops a remembered answer, so that an answer read
	// while such a record was being stored is not kept
	private final AtomicLong printed = new AtomicLong();

	DeployDiagnosis(LogCollector collector) {
		this.collector = collector;
		collector.addStoredListener(this::stored);
	}

	private void stored(List<LogRecord> records) {
		for (LogRecord record : records) {
			if (record.release() != null && record.app() != null
					&& record.level().number() >= LogLevel.WARNING.number()) {
				this.printed.incrementAndGet();
				this.remembered.remove(key(record.app(), record.release()));
			}
		}
	}

	/**
	 * The cause of a release's failure. Records still on their way to the store are
	 * waited for up to {@code wait}.
	 * @param app the app
	 * @param release the release that failed
	 * @param wait how long to wait for the first of its records to be stored
	 * @return the cause, or empty when the release printed nothing at WARNING or above
	 */
	public Optional<Cause> cause(AppId app, String release, Duration wait) {
		String key = key(app.value(), release);
		Optional<Cause> known = this.remembered.get(key);
		// nothing printed so far still waits for what is on its way
		if (known != null && (known.isPresent() || wait.isZero())) {
			return known;
		}
		long printedBefore = this.printed.get();
		Optional<Cause> cause = read(app, release, wait);
		if (this.remembered.size() >= MAX_REMEMBERED) {
			this.remembered.clear();
		}
		this.remembered.put(key, cause);
		if (this.printed.get() != printedBefore) {
			// a record may have been stored after the read and before the put
			this.remembered.remove(key, cause);
		}
		return cause;
	}

	private Optional<Cause> read(AppId app, String release, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		List<LogRecord> records = read(app, release);
		while (records.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			records = read(app, release);
		}
		return cause(records);
	}

	static Optional<Cause> cause(List<LogRecord> oldestFirst) {
		List<String> lines = new ArrayList<>();
		for (LogRecord record : oldestFirst) {
			lines.addAll(List.of(record.message().split("\\R")));
			if (record.exception() != null && !record.exception().isBlank()) {
				lines.addAll(List.of(record.exception().strip().split("\\R")));
			}
		}
		lines.removeIf(String::isBlank);
		if (lines.isEmpty()) {
			return Optional.empty();
		}
		int cause = causeLine(lines);
		String summary = lines.get((cause >= 0) ? cause : lines.size() - 1).strip();
		// the cause's traceback whole when it is not too long, else the end of the output
		int from = Math.max(0, lines.size() - EXCERPT_LINES);
		for (int i = (cause >= 0) ? cause : lines.size() - 1; i >= Math.max(0, lines.size() - TRACEBACK_LINES); i--) {
			if (lines.get(i).contains("Traceback (most recent call last)")) {
				from = Math.min(from, i);
				break;
			}
		}
		List<String> excerpt = lines.subList(from, lines.size());
		return Optional.of(new Cause(summary, String.join("\n", excerpt), oldestFirst.size()));
	}

	/**
	 * The line of the root cause: the last exception line, unless it is what stopping the
	 * daemon raised in a worker still loading the app (a {@code KeyboardInterrupt}, a
	 * {@code SystemExit}, the shim's "exited while it was loaded") and an earlier
	 * exception line is the failure that had it stopped; -1 when there is none.
	 */
	private static int causeLine(List<String> lines) {
		int last = -1;
		for (int i = lines.size() - 1; i >= 0; i--) {
			if (!EXCEPTION_LINE.matcher(lines.get(i)).matches()) {
				continue;
			}
			if (!STOPPED_LINE.matcher(lines.get(i)).find()) {
				return i;
			}
			if (last < 0) {
				last = i;
			}
		}
		return last;
	}

	private static String key(String app, String release) {
		return app + "/" + release;
	}

	private List<LogRecord> read(AppId app, String release) {
		List<LogRecord> records = new ArrayList<>(this.collector.store()
			.find(new LogQuery(app.value(), LogLevel.WARNING, null, null, null, null, null, RECORDS, null, release))
			.records());
		records.removeIf((record) -> DeployLogListener.LOGGER.equals(record.logger()));
		Collections.reverse(records);
		return records;
	}

	/**
	 * What a failed release printed.
	 *
	 * @param summary the root cause in one line
	 * @param excerpt the last lines it printed: from its last traceback on (when that is
	 * at most {@value #TRACEBACK_LINES} lines from the end), else the last
	 * {@value #EXCERPT_LINES}
	 * @param records how many records they came from
	 */
	public record Cause(String summary, String excerpt, int records) {
	}

}
