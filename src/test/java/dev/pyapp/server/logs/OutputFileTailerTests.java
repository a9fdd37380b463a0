package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.OutputTrimmer;
import dev.pyapp.server.nodes.LocalNodeShell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * How the tailer spreads its pass over the apps: a part of them each tick, every app once
 * a round, a missing output file looked for only when its directory changed; and which
 * release each line is filed under.
 */
class OutputFileTailerTests {

	@TempDir
	Path dir;

	private final List<LogRecord> records = new ArrayList<>();

	private static final String OLD = "1.0.0-20261205T190000Z";

	private static final String NEW = "1.1.0-20261205T200000Z";

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

	@Test // SPEC §10: the release of a record is where it came in, never the live one
	void eachLineHasTheReleaseOfTheDaemonThatWroteIt() throws IOException {
		AppPaths paths = app("gb", OLD, NEW);
		link(paths, OLD);
		write("gb", OLD + ".stdout.log", "serving the old release\n");
		// the new release's daemon starts beside the live one, before the switch
		write("gb", NEW + ".stdout.log", "the new release imported\n");
		write("gb", NEW + ".stderr.log", "*** Starting uWSGI 2.0.28 (64bit) on [Sat Dec  5 20:00:00 2026] ***\n");
		this.tailer.poll();
		link(paths, NEW);
		// the old one stops after the switch
		write("gb", OLD + ".stderr.log", "goodbye to uWSGI.\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message, LogRecord::release, LogRecord::logger)
			.containsExactlyInAnyOrder(tuple("serving the old release", OLD, "stdout"),
					tuple("the new release imported", NEW, "stdout"),
					tuple("*** Starting uWSGI 2.0.28 (64bit) on [Sat Dec  5 20:00:00 2026] ***", NEW, "uwsgi"),
					tuple("goodbye to uWSGI.", OLD, "uwsgi"));
		assertThat(Files.readString(this.dir.resolve("run/log-offsets.json"))).contains("gb/" + OLD + ".stderr.log");
	}

	@Test // an adopted daemon writes on to its release's files after a server restart
	void aRestartedServerGoesOnReadingEachReleasesFilesWhereItStopped() throws IOException {
		AppPaths paths = app("gb", OLD, NEW);
		link(paths, OLD);
		write("gb", NEW + ".stdout.log", "before the restart\n");
		// a round saves the offsets
		this.tailer.poll();
		write("gb", NEW + ".stdout.log", "after the restart\n");
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill2.jsonl"));
		List<LogRecord> restarted = new ArrayList<>();
		collector.addListener(restarted::add);
		OutputFileTailer tailer = new OutputFileTailer(new PyappHome(this.dir), collector, Duration.ofMillis(100));
		tailer.start();
		try {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(restarted).extracting(LogRecord::message, LogRecord::release)
					.containsExactly(tuple("after the restart", NEW)));
		}
		finally {
			tailer.stop();
		}
		assertThat(this.records).extracting(LogRecord::message).containsExactly("before the restart");
	}

	@Test
	void theLiveDaemonsPidIsGivenOnlyToTheLinesOfItsRelease() throws IOException {
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		collector.addListener(this.records::add);
		OutputFileTailer tailer = new OutputFileTailer(new PyappHome(this.dir), collector, Duration.ofMillis(100),
				1024 * 1024, (name, release) -> NEW.equals(release) ? 4242 : null,
				new OutputTrimmer(LocalNodeShell.unisolated()));
		link(app("gb", OLD, NEW), NEW);
		write("gb", OLD + ".stdout.log", "old\n");
		write("gb", NEW + ".stdout.log", "new\n");
		tailer.poll();

		assertThat(this.records).extracting(LogRecord::message, LogRecord::pid)
			.containsExactlyInAnyOrder(tuple("old", null), tuple("new", 4242));
	}

	@Test // a server before the per-release files: its adopted daemons write on to these
	void theFilesOfDaemonsOfAnyReleaseAreFiledUnderTheLiveOne() throws IOException {
		link(app("gb", OLD), OLD);
		write("gb", "stdout.log", "started\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message, LogRecord::release)
			.containsExactly(tuple("started", OLD));
	}

	@Test
	void theFilesOfARemovedReleaseAreDeletedOnceRead() throws IOException {
		AppPaths paths = app("gb", OLD, NEW);
		link(paths, NEW);
		write("gb", OLD + ".stdout.log", "goodbye\n");
		write("gb", NEW + ".stdout.log", "hello\n");
		this.tailer.poll();
		this.tailer.poll();
		assertThat(paths.stdoutLog(OLD)).exists();

		// looked for every pass rather than every 30 s
		this.tailer.removedCheck = Duration.ZERO;
		Files.delete(paths.release(OLD));
		this.tailer.poll();
		this.tailer.poll();

		assertThat(paths.stdoutLog(OLD)).doesNotExist();
		assertThat(paths.stdoutLog(NEW)).exists();
		assertThat(this.records).extracting(LogRecord::message).containsExactlyInAnyOrder("goodbye", "hello");
		assertThat(Files.readString(this.dir.resolve("run/log-offsets.json"))).doesNotContain(OLD)
			.contains("gb/" + NEW + ".stdout.log");
	}

	@Test
	void aFileThatShrankWasTruncatedAndIsReadFromItsStart() throws IOException {
		write("gb", "stdout.log", "one\ntwo\n");
		this.tailer.poll();
		Files.writeString(this.dir.resolve("apps/gb/logs/stdout.log"), "three\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("one", "two", "three");
	}

	@Test
	void aRotatedFileHasTheRestOfTheOldOneReadFromItsDotOneFileFirst() throws IOException {
		write("gb", "stdout.log", "one\n");
		this.tailer.poll();
		write("gb", "stdout.log", "two\n");
		Path logs = this.dir.resolve("apps/gb/logs");
		Files.move(logs.resolve("stdout.log"), logs.resolve("stdout.log.1"));
		write("gb", "stdout.log", "three\n");
		this.tailer.poll();

		assertThat(this.records).extracting(LogRecord::message).containsExactly("one", "two", "three");
	}

	@Test
	void anUnfinishedLineWaitsUnlessItIsLongerThanALineMayBe() throws IOException {
		write("gb", "stdout.log", "x".repeat(1000));
		this.tailer.poll();
		assertThat(this.records).isEmpty();

		write("gb", "stdout.log", "x".repeat(70 * 1024));
		this.tailer.poll();

		// stored as it is (then cut to the longest message a record keeps)
		assertThat(this.records).singleElement()
			.satisfies((record) -> assertThat(record.message())
				.isEqualTo("x".repeat(LogSocketServer.MAX_MESSAGE) + " [truncated]"));
	}

	private AppPaths app(String name, String... releases) throws IOException {
		AppPaths paths = new AppPaths(this.dir.resolve("apps").resolve(name));
		for (String release : releases) {
			Files.createDirectories(paths.release(release));
		}
		return paths;
	}

	/** Switches the app's {@code current} link, as an upgrade or a rollback does. */
	private static void link(AppPaths paths, String release) throws IOException {
		Path link = paths.root().resolve("current.new");
		Files.createSymbolicLink(link, Path.of("releases", release));
		Files.move(link, paths.current(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
