package dev.pyapp.server.logs;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.Mockito.mock;

/**
 * What an app's output can do to the tailer: its files are bounded in size (an app cannot
 * fill the disk by writing), and the records' pid comes from the supervisor, not from the
 * app's writable {@code run/app.pid}.
 */
class OutputFileBoundTests {

	private static final long BOUND = 64 * 1024;

	private static final int PID = 4242;

	@TempDir
	Path dir;

	private final List<LogRecord> records = new ArrayList<>();

	private OutputFileTailer tailer;

	private Path stdout;

	@BeforeEach
	void tailer() throws IOException {
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		this.tailer = new OutputFileTailer(new PyappHome(this.dir), collector, Duration.ofMillis(100), BOUND,
				(name) -> name.equals("gb") ? PID : null);
		this.stdout = Files.createDirectories(this.dir.resolve("apps/gb/logs")).resolve("stdout.log");
	}

	@Test
	void aFileReadToItsEndIsEmptiedOnceItReachesTheBoundAndTheDaemonWritesOnAtItsStart() throws IOException {
		// as the daemon holds it: opened for appending before the truncation
		try (OutputStream daemon = new FileOutputStream(this.stdout.toFile(), true)) {
			daemon.write(lines("before", (int) (BOUND / 100) + 10));
			daemon.flush();
			this.tailer.poll();
			assertThat(this.records).hasSize((int) (BOUND / 100) + 10)
				.allSatisfy((record) -> assertThat(record.message()).startsWith("before"));
			assertThat(this.stdout).isEmptyFile();

			daemon.write("after the truncation\n".getBytes(StandardCharsets.UTF_8));
			daemon.flush();
		}
		this.records.clear();
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("after the truncation");
		assertThat(Files.readString(this.stdout)).isEqualTo("after the truncation\n");
	}

	@Test
	void aFileUnderTheBoundIsKept() throws IOException {
		Files.write(this.stdout, lines("line", 10));
		this.tailer.poll();

		assertThat(this.records).hasSize(10);
		assertThat(Files.size(this.stdout)).isEqualTo(10 * 100);
	}

	@Test
	void whatIsLeftUnreadBeyondTheBoundIsDroppedAndSaid() throws IOException {
		// more than one pass reads (4 MiB) plus the bound
		int lines = (4 * 1024 * 1024 + 2 * (int) BOUND) / 100;
		Files.write(this.stdout, lines("flood", lines));
		this.tailer.poll();

		List<LogRecord> warnings = this.records.stream()
			.filter((record) -> record.logger().equals("pyapp.logs"))
			.toList();
		assertThat(warnings).singleElement().satisfies((warning) -> {
			assertThat(warning.level()).isEqualTo(LogLevel.WARNING);
			assertThat(warning.app()).isEqualTo("gb");
			assertThat(warning.message())
				.startsWith(((long) lines * 100 - (this.records.size() - 1) * 100L)
						+ " bytes of stdout were dropped unread")
				.contains("pyapp.logs.output-max-size (65536 bytes)");
		});
		assertThat(this.stdout).isEmptyFile();
	}

	@Test
	void aRecordWithoutAPidGetsTheLiveDaemonsFromTheSupervisorNotFromRunAppPid() throws Exception {
		Path run = Files.createDirectories(this.dir.resolve("apps/gb/run"));
		// the app can make its run/app.pid a FIFO: reading it would block the tailer
		Process mkfifo = new ProcessBuilder("mkfifo", run.resolve("app.pid").toString()).start();
		assertThat(mkfifo.waitFor()).isZero();
		Files.writeString(this.stdout, "hello\n");

		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> this.tailer.poll());

		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.message()).isEqualTo("hello");
			assertThat(record.pid()).isEqualTo(PID);
		});
	}

	/** Lines of 100 bytes each, newline included. */
	private static byte[] lines(String prefix, int count) {
		StringBuilder text = new StringBuilder(count * 100);
		for (int i = 0; i < count; i++) {
			String line = prefix + " " + i + " ";
			text.append(line).append("x".repeat(99 - line.length())).append('\n');
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

}
