package dev.pyapp.server.runtime.internal;

import java.io.RandomAccessFile;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * An app's {@code run/} is the app's to write (its daemon's sockets and pid files): what
 * the server (root) writes there must never be a file the app can swap for a symlink
 * before the server sets its mode and content, and what it reads there is read without
 * following links and without reading more than a pid.
 */
class RunDirectoryTests {

	private static final AppId APP = AppId.of("guestbook");

	@TempDir
	Path home;

	@Test
	void thePidFileIsRenamedIntoRunNeverMadeThere() throws Exception {
		Path run = new PyappHome(this.home).app(APP).run();
		List<String> created = new ArrayList<>();
		try (SupervisorFixture supervisor = new SupervisorFixture(this.home, List.of(APP),
				SupervisorFixture.properties(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofMillis(20)));
				WatchService watcher = FileSystems.getDefault().newWatchService()) {
			WatchKey key = run.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
			supervisor.starts.start(APP);
			for (WatchEvent<?> event : key.pollEvents()) {
				created.add(String.valueOf(event.context()));
			}
		}
		// a temporary file made in run/ could be a link to /etc/shadow by the time its
		// mode and content are set
		assertThat(created).containsExactly("app.pid");
		assertThat(Files.readString(run.resolve("app.pid"))).matches("[0-9]+\n");
	}

	@Test
	void aPidFileIsReadWithoutFollowingALinkAndNoFurtherThanAPid() throws Exception {
		Path run = Files.createDirectories(this.home.resolve("run"));
		Files.writeString(run.resolve("app.pid"), "4242\n");
		assertThat(DaemonAdoption.readPid(run.resolve("app.pid"))).isEqualTo(4242L);

		Files.writeString(this.home.resolve("secret"), "4243\n");
		Files.createSymbolicLink(run.resolve("r-1.pid"), this.home.resolve("secret"));
		assertThat(DaemonAdoption.readPid(run.resolve("r-1.pid"))).isNull();

		// a sparse file of 3 GiB: reading it whole is an OutOfMemoryError
		try (RandomAccessFile huge = new RandomAccessFile(run.resolve("r-2.pid").toFile(), "rw")) {
			huge.writeBytes("4244");
			huge.setLength(3L << 30);
		}
		assertThat(DaemonAdoption.readPid(run.resolve("r-2.pid"))).isNull();
	}

	@Test
	void aPidFileTheAppKeepsSwappingForAFifoNeverBlocksTheReader() throws Exception {
		Path run = Files.createDirectories(this.home.resolve("run"));
		Path pidFile = run.resolve("app.pid");
		Files.writeString(pidFile, "4242\n");
		// the app swaps its pid file for a FIFO and back as fast as it can: a check of
		// the
		// file's type before opening it can see the file and the open then meet the FIFO,
		// and opening a FIFO to read waits for a writer (none comes), holding the thread
		// that adopts or stops daemons for good
		Process swapper = new ProcessBuilder("python3", "-c", """
				import os, sys
				run = sys.argv[1]
				while True:
				    with open(os.path.join(run, "f.tmp"), "w") as f:
				        f.write("4242\\n")
				    os.rename(os.path.join(run, "f.tmp"), os.path.join(run, "app.pid"))
				    os.mkfifo(os.path.join(run, "p.tmp"))
				    os.rename(os.path.join(run, "p.tmp"), os.path.join(run, "app.pid"))
				""", run.toString()).redirectErrorStream(true).start();
		try {
			int[] seen = new int[2];
			assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
				long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
				while (System.nanoTime() < end || seen[0] == 0 || seen[1] == 0) {
					Long pid = DaemonAdoption.readPid(pidFile);
					assertThat(pid).isIn(4242L, null);
					seen[(pid != null) ? 0 : 1]++;
				}
			});
			assertThat(swapper.isAlive()).isTrue();
		}
		finally {
			swapper.destroyForcibly().waitFor();
		}
	}

}
