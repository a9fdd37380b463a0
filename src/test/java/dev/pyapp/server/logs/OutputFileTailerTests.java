package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * How the tailer spreads its pass over the apps: a part of them each tick, every app once
 * a round, a missing output file looked for only when its directory changed.
 */
class OutputFileTailerTests {

	@TempDir
	Path dir;

	private final List<LogRecord> records = new ArrayList<>();

	private OutputFileTailer tailer;

	@BeforeEach
	void tailer() {
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		this.tailer = new OutputFileTailer(new PyappHome(this.dir), collector, Duration.ofMillis(100));
	}

	@Test
	void eachTickReadsThePartOfTheAppsWhoseNamesHashToIt() throws IOException {
		List<String> names = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			String name = String.format(Locale.ROOT, "app%02d", i);
			names.add(name);
			write(name, "stdout.log", "hello from " + name + "\n");
		}
		Set<String> read = new TreeSet<>();
		for (int part = 0; part < OutputFileTailer.SLICES; part++) {
			this.records.clear();
			this.tailer.poll(part);
			Set<String> expected = new TreeSet<>();
			for (String name : names) {
				if (Math.floorMod(name.hashCode(), OutputFileTailer.SLICES) == part) {
					expected.add(name);
				}
			}
			assertThat(this.records).extracting(LogRecord::app).containsExactlyInAnyOrderElementsOf(expected);
			read.addAll(expected);
		}
		// every app once a round, none twice
		assertThat(read).containsExactlyInAnyOrderElementsOf(names);
		this.records.clear();
		this.tailer.poll();
		assertThat(this.records).isEmpty();
	}

	@Test
	void theOffsetsAreSavedOnceARoundWhenTheyChanged() throws IOException {
		String name = "gb";
		write(name, "stderr.log", "a warning\n");
		int part = Math.floorMod(name.hashCode(), OutputFileTailer.SLICES);
		Path offsets = this.dir.resolve("run/log-offsets.json");
		for (int i = 0; i < OutputFileTailer.SLICES - 1; i++) {
			this.tailer.poll(i);
		}
		if (part < OutputFileTailer.SLICES - 1) {
			assertThat(this.records).hasSize(1);
			assertThat(offsets).doesNotExist();
		}
		this.tailer.poll(OutputFileTailer.SLICES - 1);
		assertThat(this.records).hasSize(1);
		assertThat(offsets).exists();
		assertThat(Files.readString(offsets)).contains("gb/stderr");
	}

	@Test
	void anOutputFileMadeLaterIsReadInTheNextRound() throws IOException {
		Path logs = Files.createDirectories(this.dir.resolve("apps/gb/logs"));
		settle(logs);
		this.tailer.poll();
		assertThat(this.records).isEmpty();

		Files.writeString(logs.resolve("stdout.log"), "started\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("started");
	}

	@Test
	void aMissingOutputFileIsLookedForOnlyWhenItsDirectoryChanged() throws IOException {
		Path logs = Files.createDirectories(this.dir.resolve("apps/gb/logs"));
		FileTime settled = settle(logs);
		this.tailer.poll();

		// made without the directory's time changing (as within one tick of a coarse
		// clock): not looked for
		Files.writeString(logs.resolve("stdout.log"), "started\n");
		Files.setLastModifiedTime(logs, settled);
		this.tailer.poll();
		assertThat(this.records).isEmpty();

		// the next change of the directory shows it
		Files.writeString(logs.resolve("stderr.log"), "a warning\n");
		this.tailer.poll();
		assertThat(this.records).extracting(LogRecord::message).containsExactlyInAnyOrder("started", "a warning");
	}

	@Test
	void aRecentDirectoryTimeIsNotTrusted() throws IOException {
		Path logs = Files.createDirectories(this.dir.resolve("apps/gb/logs"));
		FileTime recent = FileTime.from(Instant.now());
		Files.setLastModifiedTime(logs, recent);
		this.tailer.poll();

		Files.writeString(logs.resolve("stdout.log"), "started\n");
		Files.setLastModifiedTime(logs, recent);
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("started");
	}

	@Test
	void anAppInstalledAfterTheListingIsRead() throws IOException {
		write("first", "stdout.log", "one\n");
		this.tailer.poll();
		settle(this.dir.resolve("apps"));
		this.tailer.poll();

		write("second", "stdout.log", "two\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("one", "two");
	}

	@Test
	void anAppWithoutALogsDirectoryIsReadOnceItHasOne() throws IOException {
		Files.createDirectories(this.dir.resolve("apps/gb"));
		this.tailer.poll();
		this.tailer.poll();

		write("gb", "stdout.log", "started\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("started");
	}

	@Test
	void anOutputFileStillBeingWrittenIsReadEveryRound() throws IOException {
		write("gb", "stdout.log", "one\n");
		this.tailer.poll();
		Files.writeString(this.dir.resolve("apps/gb/logs/stdout.log"), "two\n", StandardOpenOption.APPEND);
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("one", "two");
	}

	private void write(String app, String file, String text) throws IOException {
		Path logs = Files.createDirectories(this.dir.resolve("apps").resolve(app).resolve("logs"));
		Files.writeString(logs.resolve(file), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	/** Sets a directory's time older than the tailer trusts. */
	private static FileTime settle(Path directory) throws IOException {
		FileTime old = FileTime.from(Instant.now().minusMillis(OutputFileTailer.SETTLED_MILLIS + 5000));
		Files.setLastModifiedTime(directory, old);
		return old;
	}

}
