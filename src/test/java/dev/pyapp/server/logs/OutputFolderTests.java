package dev.pyapp.server.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.logs.internal.LogStore;
import dev.pyapp.server.logs.internal.OutputFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * What becomes of the lines an app writes to stdout and stderr: gunicorn's lines at their
 * level, tracebacks folded into one record.
 */
class OutputFolderTests {

	private static final String GUNICORN_START = "[2024-05-01 12:00:00 +0000] [4242] [INFO] Starting gunicorn 23.0.0";

	private static final List<String> CHAINED = List.of("Traceback (most recent call last):",
			"  File \"app.py\", line 3, in handler", "    raise KeyError(\"k\")", "KeyError: 'k'", "",
			"During handling of the above exception, another exception occurred:", "",
			"Traceback (most recent call last):", "  File \"app.py\", line 5, in handler", "RuntimeError: wrapped");

	@TempDir
	Path dir;

	@Test // GH-15: every gunicorn line was stored twice, once as a WARNING from stderr
	void storesAGunicornLineOnceAtItsOwnLevel() {
		OutputFolder.Folded folded = OutputFolder.fold(List.of(GUNICORN_START,
				"[2024-05-01 12:00:01 +0000] [4243] [WARNING] Worker with pid 4243 was terminated due to signal 9"),
				true, false);

		assertThat(folded.groups()).containsExactly(
				new OutputFolder.Group(LogLevel.INFO, "gunicorn", "Starting gunicorn 23.0.0", null, 4242,
						Instant.parse("2024-05-01T12:00:00Z")),
				new OutputFolder.Group(LogLevel.WARNING, "gunicorn",
						"Worker with pid 4243 was terminated due to signal 9", null, 4243,
						Instant.parse("2024-05-01T12:00:01Z")));
		assertThat(folded.used()).isEqualTo(2);
	}

	@Test // a new user's trial: every uWSGI start wrote ~30 WARNING records
	void storesUwsgisOwnStartAndStopLinesAsInfoAndEverythingElseAsItWas() {
		List<String> banner = List.of("*** Starting uWSGI 2.0.21-debian (64bit) on [Fri Dec  4 15:31:19 2026] ***",
				"compiled with version: 12.2.0 on 19 May 2023 13:59:29", "os: Linux-6.18.44 #1 SMP PREEMPT_DYNAMIC @0",
				"nodename: vm", "machine: x86_64", "clock source: unix", "pcre jit disabled",
				"detected number of CPU cores: 2", "current working directory: /srv/app",
				"detected binary path: /usr/bin/uwsgi-core", "chdir() to /srv/app",
				"your processes number limit is 96367", "your memory page size is 4096 bytes",
				"detected max file descriptor number: 20000", "lock engine: pthread robust mutexes",
				"thunder lock: disabled (you can enable it with --thunder-lock)",
				"uwsgi socket 0 bound to UNIX address /srv/app/run/app.sock fd 3",
				"Python version: 3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]",
				"PEP 405 virtualenv detected: /srv/app/venv", "Set PythonHome to /srv/app/venv",
				"Python main interpreter initialized at 0x7fdd59560018", "python threads support enabled",
				"your server socket listen backlog is limited to 100 connections",
				"your mercy for graceful operations on workers is 60 seconds",
				"mapped 312864 bytes (305 KB) for 8 cores", "*** Operational MODE: preforking+threaded ***",
				"spawned uWSGI master process (pid: 4511)", "spawned uWSGI worker 1 (pid: 4512, cores: 4)",
				"WSGI app 0 (mountpoint='') ready in 0 seconds on interpreter 0x7fdd59560018 pid: 4512 (default app)",
				"SIGINT/SIGTERM received...killing workers...", "worker 1 buried after 1 seconds", "goodbye to uWSGI.",
				"VACUUM: unix socket /srv/app/run/app.sock removed.");
		List<String> lines = new ArrayList<>(banner);
		lines.add("*** WARNING: you are running uWSGI as root !!! (use the --uid flag) *** ");
		lines.add("unable to load app 0 (mountpoint='') (callable not found or import error)");

		List<OutputFolder.Group> groups = OutputFolder.fold(lines, true, true).groups();

		assertThat(groups).hasSize(banner.size() + 2);
		assertThat(groups.subList(0, banner.size())).allSatisfy((group) -> {
			assertThat(group.level()).isEqualTo(LogLevel.INFO);
			assertThat(group.logger()).isEqualTo("uwsgi");
		});
		assertThat(groups.subList(0, banner.size())).extracting(OutputFolder.Group::message).isEqualTo(banner);
		assertThat(groups.subList(banner.size(), groups.size())).allSatisfy((group) -> {
			assertThat(group.level()).isEqualTo(LogLevel.WARNING);
			assertThat(group.logger()).isEqualTo("stderr");
		});
		// the same words on stdout are the app's
		assertThat(OutputFolder.fold(List.of("os: the app's own line"), false, true).groups())
			.extracting(OutputFolder.Group::logger)
			.containsExactly("stdout");
	}

	@Test // a Flask-Login trial: every uWSGI start and stop still wrote 2 or 3 WARNING
			// records
	void storesUwsgisPidFileItsHooksAndItsGracefulShutdownAsInfo() {
		// as uWSGI 2.0.21 wrote them for a daemon of the server (its master-start hook
		// makes TERM the graceful shutdown)
		List<String> own = List.of("writing pidfile to /srv/pyapp/apps/shop/run/r-4462aaea.pid",
				"running \"unix_signal:15 gracefully_kill_them_all\" (master-start)...",
				"Sat Dec  5 04:49:44 2026 - graceful shutdown triggered...",
				"Mon Dec 14 23:05:01 2026 - graceful shutdown triggered...");
		List<String> lines = new ArrayList<>(own);
		lines.add("Sat Dec  5 04:49:44 2026 - the app's own line");
		lines.add("graceful shutdown triggered... and more");

		List<OutputFolder.Group> groups = OutputFolder.fold(lines, true, true).groups();

		assertThat(groups).extracting(OutputFolder.Group::message).isEqualTo(lines);
		assertThat(groups.subList(0, own.size())).allSatisfy((group) -> {
			assertThat(group.level()).isEqualTo(LogLevel.INFO);
			assertThat(group.logger()).isEqualTo("uwsgi");
		});
		assertThat(groups.subList(own.size(), groups.size())).allSatisfy((group) -> {
			assertThat(group.level()).isEqualTo(LogLevel.WARNING);
			assertThat(group.logger()).isEqualTo("stderr");
		});
	}

	@Test // the run audit: every graceful reload (a config.set) wrote 6 WARNING records
	void storesUwsgisGracefulReloadLinesAsInfo() {
		// as uWSGI 2.0.21 wrote them at a SIGHUP, between burying the workers and its
		// banner
		List<String> own = List.of("binary reloading uWSGI...",
				"closing all non-uwsgi socket fds > 2 (max_fd = 4096)...",
				"found fd 3 mapped to socket 0 (/srv/pyapp/apps/shop/run/r-1bdd9cfc.sock)",
				"running /usr/bin/uwsgi-core",
				"uwsgi socket 0 inherited UNIX address /srv/pyapp/apps/shop/run/r-1bdd9cfc.sock fd 3",
				"gracefully (RE)spawned uWSGI master process (pid: 2)");
		List<String> lines = new ArrayList<>(own);
		lines.add("running /srv/app/migrate.sh");
		lines.add("found fd 3 somewhere");

		List<OutputFolder.Group> groups = OutputFolder.fold(lines, true, true).groups();

		assertThat(groups).extracting(OutputFolder.Group::message).isEqualTo(lines);
		assertThat(groups.subList(0, own.size())).allSatisfy((group) -> {
			assertThat(group.level()).isEqualTo(LogLevel.INFO);
			assertThat(group.logger()).isEqualTo("uwsgi");
		});
		assertThat(groups.subList(own.size(), groups.size())).allSatisfy((group) -> {
			assertThat(group.level()).isEqualTo(LogLevel.WARNING);
			assertThat(group.logger()).isEqualTo("stderr");
		});
	}

	@Test // GH-15: one traceback on stderr became ~80 WARNING records
	void foldsAChainedTracebackIntoOneRecordNamedByItsLastLine() {
		List<String> lines = new ArrayList<>(CHAINED);
		lines.add("plain stderr line");
		OutputFolder.Folded folded = OutputFolder.fold(lines, true, false);

		assertThat(folded.groups()).hasSize(2);
		OutputFolder.Group traceback = folded.groups().get(0);
		assertThat(traceback.level()).isEqualTo(LogLevel.WARNING);
		assertThat(traceback.logger()).isEqualTo("stderr");
		assertThat(traceback.message()).isEqualTo("RuntimeError: wrapped");
		assertThat(traceback.exception()).isEqualTo(String.join("\n", CHAINED));
		assertThat(folded.groups().get(1).message()).isEqualTo("plain stderr line");
		assertThat(folded.used()).isEqualTo(lines.size());
	}

	@Test
	void foldsTheTracebackOfAGunicornErrorIntoItsRecord() {
		OutputFolder.Folded folded = OutputFolder.fold(List.of(GUNICORN_START,
				"[2024-05-01 12:00:00 +0000] [4250] [ERROR] Exception in worker process",
				"Traceback (most recent call last):", "  File \"/x/gunicorn/arbiter.py\", line 609, in spawn_worker",
				"ModuleNotFoundError: No module named 'missing'",
				"[2024-05-01 12:00:00 +0000] [4250] [INFO] Worker exiting (pid: 4250)"), true, false);

		assertThat(folded.groups()).extracting(OutputFolder.Group::message)
			.containsExactly("Starting gunicorn 23.0.0", "Exception in worker process", "Worker exiting (pid: 4250)");
		OutputFolder.Group error = folded.groups().get(1);
		assertThat(error.level()).isEqualTo(LogLevel.ERROR);
		assertThat(error.exception()).startsWith("Traceback (most recent call last):")
			.endsWith("ModuleNotFoundError: No module named 'missing'");
	}

	@Test
	void leavesATracebackStillBeingWrittenForTheNextRead() {
		OutputFolder.Folded folded = OutputFolder.fold(
				List.of("starting", "Traceback (most recent call last):", "  File \"app.py\", line 3, in handler"),
				true, false);

		assertThat(folded.groups()).extracting(OutputFolder.Group::message).containsExactly("starting");
		assertThat(folded.used()).isEqualTo(1);
		assertThat(OutputFolder.fold(List.of("Traceback (most recent call last):", "  File \"app.py\""), true, true)
			.groups()).hasSize(1);
	}

	@Test
	void keepsStdoutLinesAsInfoAndIndentedLinesWithTheirLine() {
		OutputFolder.Folded folded = OutputFolder.fold(List.of("config:", "  debug: true", "", "done"), false, false);

		assertThat(folded.groups()).containsExactly(
				new OutputFolder.Group(LogLevel.INFO, "stdout", "config:", "  debug: true", null, null),
				new OutputFolder.Group(LogLevel.INFO, "stdout", "done", null, null, null));
	}

	@Test // CI: a test's home was re-created under its deletion by a server still polling
	void theTailerCreatesNothingWhereThereAreNoApps() throws IOException {
		PyappHome home = new PyappHome(this.dir);
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		OutputFileTailer tailer = new OutputFileTailer(home, collector, Duration.ofMillis(100));
		try (var listing = Files.list(this.dir)) {
			List<Path> before = listing.toList();
			tailer.poll();
			try (var after = Files.list(this.dir)) {
				assertThat(after.toList()).containsExactlyInAnyOrderElementsOf(before);
			}
		}
		assertThat(this.dir.resolve("apps")).doesNotExist();
	}

	@Test
	void theTailerStoresATracebackWrittenInTwoPartsAsOneRecord() throws IOException {
		PyappHome home = new PyappHome(this.dir);
		LogCollector collector = new LogCollector(mock(LogStore.class), LogFixtures.properties(),
				this.dir.resolve("spill.jsonl"));
		List<LogRecord> records = new ArrayList<>();
		collector.addListener(records::add);
		OutputFileTailer tailer = new OutputFileTailer(home, collector, Duration.ofMillis(100));
		Path stderr = Files.createDirectories(this.dir.resolve("apps/gb/logs")).resolve("stderr.log");

		Files.writeString(stderr, String.join("\n", CHAINED.subList(0, 6)) + "\n");
		tailer.poll();
		assertThat(records).isEmpty();
		Files.writeString(stderr, String.join("\n", CHAINED.subList(6, CHAINED.size())) + "\n",
				java.nio.file.StandardOpenOption.APPEND);
		tailer.poll();

		assertThat(records).hasSize(1);
		assertThat(records.get(0).message()).isEqualTo("RuntimeError: wrapped");
		assertThat(records.get(0).app()).isEqualTo("gb");
		assertThat(records.get(0).exception()).contains("KeyError: 'k'");
	}

}
