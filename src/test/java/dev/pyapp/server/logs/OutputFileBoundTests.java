package dev.pyapp.server.logs;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.OutputTrimmer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
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
	void aFileReadToItsEndLosesWhatWasReadOnceItReachesTheBoundAndTheDaemonWritesOnAtItsEnd() throws IOException {
		// as the daemon holds it: opened for appending before the bound
		try (OutputStream daemon = new FileOutputStream(this.stdout.toFile(), true)) {
			daemon.write(lines("before", (int) (BOUND / 100) + 10));
			daemon.flush();
			this.tailer.poll();
			assertThat(this.records).hasSize((int) (BOUND / 100) + 10)
				.allSatisfy((record) -> assertThat(record.message()).startsWith("before"));
			// whole blocks of what was read are taken (or all of it where the file
			// system cannot take a file's start)
			assertThat(Files.size(this.stdout)).isLessThan(4096);

			daemon.write("after the bound\n".getBytes(StandardCharsets.UTF_8));
			daemon.flush();
		}
		this.records.clear();
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("after the bound");
		assertThat(Files.readString(this.stdout)).endsWith("x\nafter the bound\n");
	}

	@Test
	void whatTheDaemonWritesWhileTheFileIsEmptiedIsNotLost() throws Exception {
		// a daemon writing a line (one write(2), O_APPEND) every few microseconds while
		// passes read the file and bound it, dozens of times
		int total = 150_000;
		Thread daemon = new Thread(() -> {
			try (OutputStream out = new FileOutputStream(this.stdout.toFile(), true)) {
				for (int i = 0; i < total; i++) {
					out.write(String.format("%07d\n", i).getBytes(StandardCharsets.US_ASCII));
					long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(20_000);
					while (System.nanoTime() < until) {
						Thread.onSpinWait();
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		daemon.start();
		while (daemon.isAlive()) {
			this.tailer.poll();
		}
		daemon.join();
		long written = total * 8L;
		// until all of it is read, or nothing more came for 2 s (a loss never comes)
		long[] last = { -1, System.nanoTime() };
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.pollInSameThread()
			.pollInterval(Duration.ofMillis(10))
			.until(() -> {
				this.tailer.poll();
				long now = accounted();
				if (now != last[0]) {
					last[0] = now;
					last[1] = System.nanoTime();
				}
				return now >= written || System.nanoTime() - last[1] > Duration.ofSeconds(2).toNanos();
			});

		// every byte is in a record, or in a WARNING that says it was dropped (when the
		// passes fell that far behind)
		assertThat(accounted()).as("bytes in records or said dropped, of %d written", written).isEqualTo(written);
		assertThat(Files.size(this.stdout)).isLessThan(BOUND + 64 * 1024);
	}

	/**
	 * The bytes of stdout's records (a newline each) and the bytes said to be dropped.
	 */
	private long accounted() {
		return this.records.stream()
			.filter((record) -> record.logger().equals("stdout"))
			.mapToLong((record) -> record.message().length() + 1)
			.sum() + dropped();
	}

	private long dropped() {
		return this.records.stream()
			.filter((record) -> record.logger().equals("pyapp.logs"))
			.mapToLong((record) -> Long.parseLong(record.message().substring(0, record.message().indexOf(' '))))
			.sum();
	}

	@Test
	void whereTheFileSystemCannotTakeAFilesStartTheFileIsEmptied() throws IOException {
		OutputTrimmer cannot = mock(OutputTrimmer.class);
		given(cannot.removeStart(any(), anyLong(), anyLong())).willReturn(-1L);
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		OutputFileTailer tailer = new OutputFileTailer(new PyappHome(this.dir), collector, Duration.ofMillis(100),
				BOUND, (name) -> null, cannot);
		Files.write(this.stdout, lines("before", (int) (BOUND / 100) + 10));

		tailer.poll();

		assertThat(this.records).hasSize((int) (BOUND / 100) + 10);
		assertThat(this.stdout).isEmptyFile();
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
		// whole blocks are taken: less than one of the unread part stays, to be read
		long left = Files.size(this.stdout);
		assertThat(left).isLessThan(4096);
		assertThat(warnings).singleElement().satisfies((warning) -> {
			assertThat(warning.level()).isEqualTo(LogLevel.WARNING);
			assertThat(warning.app()).isEqualTo("gb");
			assertThat(warning.message())
				.startsWith(((long) lines * 100 - (this.records.size() - 1) * 100L - left)
						+ " bytes of stdout were dropped unread")
				.contains("pyapp.logs.output-max-size (65536 bytes)");
		});
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
