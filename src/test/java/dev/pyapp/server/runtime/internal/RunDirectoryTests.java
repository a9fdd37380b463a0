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
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.FifoSwaps;
import dev.pyapp.server.core.PyappHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

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
			run.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
			supervisor.starts.start(APP);
			// the JDK's watcher delivers inotify events from a thread of its own: they
			// come in order, but after start returns
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!created.contains("app.pid") && System.nanoTime() < deadline) {
				WatchKey signalled = watcher.poll(100, TimeUnit.MILLISECONDS);
				if (signalled != null) {
					for (WatchEvent<?> event : signalled.pollEvents()) {
						created.add(String.valueOf(event.context()));
					}
					signalled.reset();
				}
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
		Path pidFile = Files.createDirectories(this.home.resolve("run")).resolve("app.pid");
		// the thread that adopts or stops daemons reads it, holding the app's monitor
		FifoSwaps.race(pidFile, "4242\n", () -> {
			Long pid = DaemonAdoption.readPid(pidFile);
			assertThat(pid).isIn(4242L, null);
			return pid != null;
		});
	}

}
