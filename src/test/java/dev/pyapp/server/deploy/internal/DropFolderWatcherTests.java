package dev.pyapp.server.deploy.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drop folder with a fake installer: when a file is taken, what is never taken, and
 * where files end up.
 */
public class DropFolderWatcherTests {

	@TempDir
	Path dropbox;

	private final FakeHandler handler = new FakeHandler();

	private DropFolderWatcher watcher;

	@BeforeEach
	void setUp() {
		this.watcher = watcher(Duration.ofSeconds(30));
	}

	@AfterEach
	void tearDown() {
		this.watcher.stop();
	}

	@Test
	void takesAFileWrittenSlowlyOnceAndOnlyWhenComplete() throws Exception {
		// no rescan during the test: only the watch events and the tick can take it
		this.watcher.stop();
		this.watcher = watcher(Duration.ofSeconds(30), Duration.ofMinutes(10));
		this.watcher.start();
		byte[] archive = archive("hello", "1.0", 256 * 1024);
		Path file = this.dropbox.resolve("hello.pyapp");
		int pieces = 4;
		int piece = archive.length / pieces + 1;
		for (int offset = 0; offset < archive.length; offset += piece) {
			try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
				out.write(archive, offset, Math.min(piece, archive.length - offset));
			}
			if (offset + piece < archive.length) {
				// longer than the settle time: only the unreadable zip holds it back
				await().during(Duration.ofMillis(400))
					.atMost(Duration.ofSeconds(2))
					.until(() -> this.handler.installs.isEmpty());
			}
		}

		await().atMost(Duration.ofSeconds(10)).until(() -> this.handler.installs.size() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.watcher.results().size() == 1);
		Install install = this.handler.installs.get(0);
		assertThat(install.sha256()).isEqualTo(sha256(archive));
		Path done = this.dropbox.resolve(".done/hello.pyapp");
		assertThat(done).hasBinaryContent(archive);
		// moved, never written: its time is the last piece's (read here, since the
		// watcher may take the file from the drop folder before this thread looks)
		Instant complete = Files.getLastModifiedTime(done).toInstant();
		assertThat(install.at()).isAfterOrEqualTo(complete);
		assertThat(this.watcher.results().get(0).completed()).isEqualTo(complete);
		assertThat(file).doesNotExist();
		assertThat(Files.readString(this.dropbox.resolve(".done/hello.pyapp.result.txt"))).contains("result: installed")
			.contains("summary: installed hello 1.0")
			.contains("sha256: " + sha256(archive));
		// settle and a tick (about 250 ms), with room for a busy machine: not the rescan
		assertThat(this.watcher.results().get(0).latency()).isLessThan(Duration.ofSeconds(5));
		await().during(Duration.ofMillis(300)).until(() -> this.handler.installs.size() == 1);
	}

	@Test // SPEC §10: the server's own, whatever the umask it was started with
	void createsItsFoldersForTheServerOnly() throws IOException {
		this.watcher.start();
		for (String name : new String[] { ".work", ".done", ".failed" }) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.dropbox.resolve(name))))
				.as(name)
				.isEqualTo("rwx------");
		}
	}

	@Test
	void refusedFileLandsInFailedWithEveryReason() throws Exception {
		this.watcher.start();
		Files.write(this.dropbox.resolve("bad.pyapp"), archive("bad", "1.0", 0));

		await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(this.dropbox.resolve(".failed/bad.pyapp")));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Files.exists(this.dropbox.resolve(".failed/bad.pyapp.result.txt")));
		String result = Files.readString(this.dropbox.resolve(".failed/bad.pyapp.result.txt"));
		assertThat(PosixFilePermissions
			.toString(Files.getPosixFilePermissions(this.dropbox.resolve(".failed/bad.pyapp.result.txt"))))
			.isEqualTo("rw-------");
		assertThat(result).contains("result: failed")
			.contains("metadata.yaml: version: '1.0' is not allowed here")
			.contains("src: the archive has no src/ folder");
		assertThat(this.dropbox.resolve("bad.pyapp")).doesNotExist();
		assertThat(this.handler.installs).hasSize(1);
	}

	@Test
	void fileThatNeverBecomesAZipIsRefusedAfterTheGiveUpTime() throws Exception {
		this.watcher.stop();
		this.watcher = watcher(Duration.ofSeconds(1));
		this.watcher.start();
		Files.writeString(this.dropbox.resolve("notes.zip"), "not a zip at all");

		await().atMost(Duration.ofSeconds(10))
			.until(() -> Files.exists(this.dropbox.resolve(".failed/notes.zip.result.txt")));
		assertThat(Files.readString(this.dropbox.resolve(".failed/notes.zip.result.txt")))
			.contains("notes.zip: not a zip archive");
		assertThat(this.handler.installs).isEmpty();
	}

	@Test
	void takesFilesDroppedWhileStoppedAndInterruptedOnesAtStart() throws Exception {
		byte[] first = archive("one", "1.0", 0);
		byte[] second = archive("two", "1.0", 0);
		Files.write(this.dropbox.resolve("one.pyapp"), first);
		Files.createDirectories(this.dropbox.resolve(".work"));
		Files.write(this.dropbox.resolve(".work/two.zip"), second);

		this.watcher.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.handler.installs.size() == 2);
		assertThat(this.handler.installs).extracting(Install::sha256)
			.containsExactlyInAnyOrder(sha256(first), sha256(second));
		await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(this.dropbox.resolve(".done/two.zip")));
		assertThat(this.dropbox.resolve(".work/two.zip")).doesNotExist();
	}

	@Test
	void sameFileDroppedTwiceIsANoOp() throws Exception {
		this.watcher.start();
		byte[] archive = archive("hello", "1.0", 0);
		Files.write(this.dropbox.resolve("hello.pyapp"), archive);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.watcher.results().size() == 1);

		Files.write(this.dropbox.resolve("hello.pyapp"), archive);

		await().atMost(Duration.ofSeconds(10)).until(() -> this.watcher.results().size() == 2);
		assertThat(this.handler.installs).hasSize(1);
		assertThat(this.watcher.results().get(1).outcome()).isEqualTo(DropResult.Outcome.UNCHANGED);
		// the earlier file is kept; the second one gets a timestamp in its name
		try (var done = Files.list(this.dropbox.resolve(".done"))) {
			assertThat(done.map((p) -> p.getFileName().toString()).filter((n) -> n.endsWith(".result.txt"))).hasSize(2)
				.anySatisfy((name) -> assertThat(Files.readString(this.dropbox.resolve(".done").resolve(name)))
					.contains("result: unchanged"));
		}
	}

	@Test
	void ignoresPartFilesDotfilesAndOtherNames() throws Exception {
		this.watcher.start();
		byte[] archive = archive("hello", "1.0", 0);
		Files.write(this.dropbox.resolve("hello.pyapp.part"), archive);
		Files.write(this.dropbox.resolve(".hello.pyapp"), archive);
		Files.write(this.dropbox.resolve("hello.tar"), archive);

		await().during(Duration.ofMillis(600))
			.atMost(Duration.ofSeconds(2))
			.until(() -> this.handler.installs.isEmpty());
		Files.move(this.dropbox.resolve("hello.pyapp.part"), this.dropbox.resolve("hello.pyapp"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.handler.installs.size() == 1);
		assertThat(this.dropbox.resolve(".hello.pyapp")).exists();
		assertThat(this.dropbox.resolve("hello.tar")).exists();
	}

	private DropFolderWatcher watcher(Duration giveUp) {
		return watcher(giveUp, Duration.ofSeconds(5));
	}

	private DropFolderWatcher watcher(Duration giveUp, Duration rescan) {
		return new DropFolderWatcher(this.dropbox, this.handler,
				new DropboxProperties(true, Duration.ofMillis(200), Duration.ofMillis(50), rescan, giveUp),
				Clock.systemUTC());
	}

	/** A zip with metadata.yaml and src/, plus incompressible padding. */
	public static byte[] archive(String name, String version, int padding) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			zip.putNextEntry(new ZipEntry("metadata.yaml"));
			zip.write(("format: 1\nname: " + name + "\nversion: " + version + "\nentry:\n  wsgi: hello:application\n")
				.getBytes(StandardCharsets.UTF_8));
			zip.putNextEntry(new ZipEntry("src/hello.py"));
			zip.write(("def application(environ, start_response):\n"
					+ "    start_response('200 OK', [('Content-Type', 'text/plain')])\n" + "    return [b'" + name
					+ "']\n")
				.getBytes(StandardCharsets.UTF_8));
			if (padding > 0) {
				byte[] noise = new byte[padding];
				new Random(42).nextBytes(noise);
				zip.putNextEntry(new ZipEntry("static/noise.bin"));
				zip.write(noise);
			}
		}
		return bytes.toByteArray();
	}

	static String sha256(byte[] content) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
	}

	record Install(String origin, String sha256, Instant at) {
	}

	/** Installs everything except files named {@code bad*}; remembers what is live. */
	static class FakeHandler implements DropHandler {

		final List<Install> installs = new CopyOnWriteArrayList<>();

		final Set<String> live = ConcurrentHashMap.newKeySet();

		@Override
		public @Nullable String liveReleaseWithChecksum(String checksum) {
			return this.live.contains(checksum) ? "hello 1.0 (release 1.0-x)" : null;
		}

		@Override
		public Installed install(Path file, String origin) {
			try {
				String checksum = sha256(Files.readAllBytes(file));
				this.installs.add(new Install(origin, checksum, Instant.now()));
				if (origin.startsWith("bad")) {
					throw PyappException.invalid("invalid archive",
							List.of(new Problem("metadata.yaml: version", "'1.0' is not allowed here"),
									new Problem("src", "the archive has no src/ folder")));
				}
				this.live.add(checksum);
				String name = origin.substring(0, origin.indexOf('.'));
				return new Installed(false, "installed " + name + " 1.0 (release 1.0-x)");
			}
			catch (PyappException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
