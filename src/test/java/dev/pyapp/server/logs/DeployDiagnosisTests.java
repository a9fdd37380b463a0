package dev.pyapp.server.logs;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.logs.internal.LogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

class DeployDiagnosisTests {

	@Test
	void theRootCauseIsTheLastExceptionLineOfWhatTheReleasePrinted() {
		List<LogRecord> records = List.of(stderr("[INFO] Booting worker with pid: 42"),
				stderr("Traceback (most recent call last):"), stderr("  File \"/srv/web.py\", line 17, in <module>"),
				stderr("    import guestbook_reports"),
				stderr("ModuleNotFoundError: No module named 'guestbook_reports'"),
				stderr("[ERROR] Worker (pid:42) exited with code 3"), stderr("[ERROR] Reason: Worker failed to boot."));
		DeployDiagnosis.Cause cause = DeployDiagnosis.cause(records).orElseThrow();
		assertThat(cause.summary()).isEqualTo("ModuleNotFoundError: No module named 'guestbook_reports'");
		assertThat(cause.excerpt()).startsWith("[INFO] Booting worker").endsWith("Worker failed to boot.");
		assertThat(cause.records()).isEqualTo(7);
	}

	@Test // UiBrowserIT, once: "Cause: KeyboardInterrupt:", from a respawned worker that
			// was loading the app when the failed candidate was stopped
	void whatStoppingAWorkerThatWasLoadingRaisedIsNotTheCause() {
		List<LogRecord> records = new ArrayList<>(List.of(stderr("Traceback (most recent call last):"),
				stderr("    import guestbook_reports"),
				stderr("ModuleNotFoundError: No module named 'guestbook_reports'"),
				stderr("Traceback (most recent call last):"), stderr("  File \"<frozen importlib._bootstrap>\""),
				stderr("KeyboardInterrupt"), stderr("SIGINT/SIGTERM received...killing workers...")));
		DeployDiagnosis.Cause cause = DeployDiagnosis.cause(records).orElseThrow();
		assertThat(cause.summary()).isEqualTo("ModuleNotFoundError: No module named 'guestbook_reports'");
		assertThat(cause.excerpt()).startsWith("Traceback (most recent call last):\n    import guestbook_reports")
			.endsWith("killing workers...");
		// gunicorn's worker exits from its signal handler, which the shim reports
		records.set(5, stderr("RuntimeError: the app exited while it was loaded (SystemExit: 0)"));
		assertThat(DeployDiagnosis.cause(records).orElseThrow().summary())
			.isEqualTo("ModuleNotFoundError: No module named 'guestbook_reports'");
		// the only exception: it is the cause (an app that exits at import)
		assertThat(DeployDiagnosis.cause(records.subList(3, 7)).orElseThrow().summary())
			.isEqualTo("RuntimeError: the app exited while it was loaded (SystemExit: 0)");
	}

	@Test
	void aFoldedTracebackCountsAndTheExcerptKeepsTheEnd() {
		List<LogRecord> records = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			records.add(stderr("line " + i));
		}
		records.add(new LogRecord(1, Instant.now(), "a", "r", LogLevel.ERROR, "app", "Unhandled",
				"Traceback (most recent call last):\n  File \"x\"\nValueError: bad value\n", 1, "t", null));
		DeployDiagnosis.Cause cause = DeployDiagnosis.cause(records).orElseThrow();
		assertThat(cause.summary()).isEqualTo("ValueError: bad value");
		assertThat(cause.excerpt().split("\n")).hasSize(DeployDiagnosis.EXCERPT_LINES);
		assertThat(cause.excerpt()).endsWith("ValueError: bad value").doesNotContain("line 20\n");
	}

	@Test
	void aLongTracebackNearTheEndIsKeptWhole() {
		List<LogRecord> records = new ArrayList<>();
		records.add(stderr("[INFO] Booting worker with pid: 42"));
		records.add(stderr("Traceback (most recent call last):"));
		for (int i = 0; i < 60; i++) {
			records.add(stderr("  File \"/srv/m" + i + ".py\", line 1, in <module>"));
		}
		records.add(stderr("ImportError: cannot import name 'x'"));
		DeployDiagnosis.Cause cause = DeployDiagnosis.cause(records).orElseThrow();
		assertThat(cause.excerpt()).startsWith("Traceback (most recent call last):")
			.endsWith("ImportError: cannot import name 'x'");
		assertThat(cause.excerpt().split("\n")).hasSize(62);
	}

	@Test
	void withoutAnExceptionTheLastLineIsTheCauseAndNothingPrintedIsNoCause() {
		assertThat(
				DeployDiagnosis.cause(List.of(stderr("address in use"), stderr("giving up"))).orElseThrow().summary())
			.isEqualTo("giving up");
		assertThat(DeployDiagnosis.cause(List.of())).isEmpty();
	}

	@Test
	void aReleaseThatPrintedNothingIsAskedOfTheStoreOnce(@TempDir Path dir) {
		LogStore store = mock(LogStore.class);
		given(store.find(any())).willReturn(new LogPage(List.of(), null));
		DeployDiagnosis diagnosis = new DeployDiagnosis(
				new LogCollector(store, LogFixtures.properties(), dir.resolve("spill.jsonl")));
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).isEmpty();
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).isEmpty();
		verify(store, times(1)).find(any());
	}

	@Test
	void aRememberedCauseIsDroppedWhenARecordOfTheReleaseIsStored(@TempDir Path dir) {
		LogStore store = mock(LogStore.class);
		given(store.find(any())).willReturn(new LogPage(List.of(), null));
		LogCollector collector = new LogCollector(store, LogFixtures.properties(), dir.resolve("spill.jsonl"));
		DeployDiagnosis diagnosis = new DeployDiagnosis(collector);
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).isEmpty();
		// another release's output, or a record below WARNING, changes nothing
		collector.stored(List.of(
				new LogRecord(2, Instant.now(), "a", "other", LogLevel.ERROR, "stderr", "boom", null, 1, "t", null),
				new LogRecord(3, Instant.now(), "a", "r", LogLevel.INFO, "stdout", "hi", null, 1, "t", null)));
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).isEmpty();
		verify(store, times(1)).find(any());
		LogRecord printed = stderr("ModuleNotFoundError: No module named 'x'");
		given(store.find(any())).willReturn(new LogPage(List.of(printed), null));
		collector.stored(List.of(printed));
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).map(DeployDiagnosis.Cause::summary)
			.contains("ModuleNotFoundError: No module named 'x'");
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).isPresent();
		verify(store, times(2)).find(any());
	}

	@Test
	void aCallerThatWaitsForOutputReadsAgainWhenNothingWasPrinted(@TempDir Path dir) {
		LogStore store = mock(LogStore.class);
		given(store.find(any())).willReturn(new LogPage(List.of(), null));
		DeployDiagnosis diagnosis = new DeployDiagnosis(
				new LogCollector(store, LogFixtures.properties(), dir.resolve("spill.jsonl")));
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ZERO)).isEmpty();
		LogRecord printed = stderr("giving up");
		given(store.find(any())).willReturn(new LogPage(List.of(printed), null));
		assertThat(diagnosis.cause(AppId.of("a"), "r", Duration.ofSeconds(3))).map(DeployDiagnosis.Cause::summary)
			.contains("giving up");
	}

	private static LogRecord stderr(String line) {
		return new LogRecord(1, Instant.now(), "a", "r", LogLevel.WARNING, "stderr", line, null, 1, "t", null);
	}

}
