package dev.pyapp.server.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Sha256;
import dev.pyapp.server.packaging.internal.PackagingProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.util.unit.DataSize;

import static dev.pyapp.server.packaging.Packages.MINIMAL;
import static dev.pyapp.server.packaging.Packages.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Archives an attacker or a careless developer might send (SPEC §1, "What is rejected
 * before anything is written"). Each is refused with the problem named, by {@code read}
 * and by {@code extract}, and nothing is written anywhere.
 */
class HostileArchiveTests {

	/** Small limits, so that the limit cases stay fast. */
	private static final PackagingProperties LIMITS = new PackagingProperties(20, DataSize.ofMegabytes(8), 200,
			DataSize.ofMegabytes(1), 50, DataSize.ofKilobytes(64));

	private static final String WITH_STATIC = MINIMAL + "static:\n  - url: /static\n    path: static/missing\n";

	private static final String BILLION_LAUGHS = MINIMAL + """
			lol1: &lol1 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
			lol2: &lol2 [*lol1,*lol1,*lol1,*lol1,*lol1,*lol1,*lol1,*lol1,*lol1,*lol1]
			lol3: &lol3 [*lol2,*lol2,*lol2,*lol2,*lol2,*lol2,*lol2,*lol2,*lol2,*lol2]
			lol4: &lol4 [*lol3,*lol3,*lol3,*lol3,*lol3,*lol3,*lol3,*lol3,*lol3,*lol3]
			lol5: &lol5 [*lol4,*lol4,*lol4,*lol4,*lol4,*lol4,*lol4,*lol4,*lol4,*lol4]
			lol6: &lol6 [*lol5,*lol5,*lol5,*lol5,*lol5,*lol5,*lol5,*lol5,*lol5,*lol5]
			lol7: &lol7 [*lol6,*lol6,*lol6,*lol6,*lol6,*lol6,*lol6,*lol6,*lol6,*lol6]
			lol8: &lol8 [*lol7,*lol7,*lol7,*lol7,*lol7,*lol7,*lol7,*lol7,*lol7,*lol7]
			lol9: &lol9 [*lol8,*lol8,*lol8,*lol8,*lol8,*lol8,*lol8,*lol8,*lol8,*lol8]
			""";

	@TempDir
	Path temp;

	private Path archives;

	private Path releases;

	private final PackageReader reader = new PackageReader(LIMITS, Packages.specReader());

	/**
	 * @param name what the archive holds
	 * @param archive adds the hostile part to a valid package ({@code app(MINIMAL)})
	 * @param path the expected problem's path
	 * @param message the start of the expected problem's message (all of it unless it
	 * holds figures that depend on zlib)
	 */
	record Case(String name, UnaryOperator<TestZip> archive, String path, String message) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Case> hostileArchives() {
		return Stream.of(
				new Case("an entry escaping the root", (zip) -> zip.file("../evil.py", "x"), "../evil.py",
						"escapes the archive root; expected a path inside it"),
				new Case("an entry escaping the root from a folder", (zip) -> zip.file("src/../../evil.py", "x"),
						"src/../../evil.py", "escapes the archive root; expected a path inside it"),
				new Case("an absolute entry", (zip) -> zip.file("/etc/cron.d/evil", "x"), "/etc/cron.d/evil",
						"an absolute path; expected a path relative to the archive root"),
				new Case("a drive letter", (zip) -> zip.file("C:/Windows/evil.dll", "x"), "C:/Windows/evil.dll",
						"starts with a drive letter; expected a path relative to the archive root"),
				new Case("a drive-relative entry", (zip) -> zip.file("c:evil.py", "x"), "c:evil.py",
						"starts with a drive letter; expected a path relative to the archive root"),
				new Case("backslashes", (zip) -> zip.file("src\\..\\..\\evil.py", "x"), "src\\..\\..\\evil.py",
						"contains a backslash; expected '/' as the only separator"),
				new Case("a control character", (zip) -> zip.file("src/evil\u0007.py", "x"), "src/evil\u0007.py",
						"contains control characters"),
				new Case("a symlink entry", (zip) -> zip.entry("src/hello/passwd", "/etc/passwd", TestZip.SYMLINK_MODE),
						"src/hello/passwd", "a symbolic link; an archive may hold only files and directories"),
				new Case("a fifo entry", (zip) -> zip.entry("src/hello/fifo", "", 010644), "src/hello/fifo",
						"a special file (device, fifo or socket); an archive may hold only files and directories"),
				new Case("a duplicate entry", (zip) -> zip.file("src/hello/web.py", "evil = 1\n"), "src/hello/web.py",
						"duplicate entry; each path may appear once"),
				new Case("a duplicate after normalisation", (zip) -> zip.file("src/./hello//x/../web.py", "evil = 1\n"),
						"src/./hello//x/../web.py",
						"duplicate entry: the same path as 'src/hello/web.py' once normalised"),
				new Case("a file that is also a directory", (zip) -> zip.file("src/hello/web.py/inner.py", "x"),
						"src/hello/web.py", "is a file, but 'src/hello/web.py/inner.py' puts something inside it"),
				new Case("more entries than allowed", HostileArchiveTests::manyEntries, "archive",
						"has 21 entries; the limit is 20 (pyapp.packaging.max-entries)"),
				new Case("a zip bomb (5 MB of zeros)", (zip) -> zip.file("src/hello/zeros.bin", new byte[5 << 20]),
						"src/hello/zeros.bin", "compressed more than 200 to 1"),
				new Case("an entry declaring 3 GiB", // GH-13 (16)
						(zip) -> zip.lying("src/hello/small.txt", new byte[4096], 3L << 30, -1), "src/hello/small.txt",
						"declares 3221225472 bytes uncompressed; the archive may inflate to 8388608 bytes at most"),
				new Case("an entry declaring less than it holds", // GH-13 (16)
						(zip) -> zip
							.lying("src/hello/more.txt", "x".repeat(4096).getBytes(StandardCharsets.UTF_8), 100, -1),
						"src/hello/more.txt", "corrupt"),
				new Case("an entry declaring more than it holds", // GH-13 (16)
						(zip) -> zip.lying("src/hello/less.txt", "x".repeat(100).getBytes(StandardCharsets.UTF_8), 4096,
								-1),
						"src/hello/less.txt", "corrupt: declares 4096 bytes uncompressed but holds 100"),
				new Case("an entry with the wrong CRC", // GH-13 (16)
						(zip) -> zip.lying("src/hello/crc.txt", "x".repeat(100).getBytes(StandardCharsets.UTF_8), -1,
								12345),
						"src/hello/crc.txt", "corrupt"),
				new Case("more bytes than allowed in total", HostileArchiveTests::incompressible, "src/hello/blob7.bin",
						"declares 1048576 bytes uncompressed; the archive may inflate to 8388608 bytes at most"),
				new Case("a billion laughs in metadata.yaml", (zip) -> app(BILLION_LAUGHS), "metadata.yaml",
						"anchors and aliases are expanded past the limit of 50 (a 'billion laughs' document); "
								+ "expected plain YAML"),
				new Case("a metadata.yaml too large", (zip) -> app(MINIMAL + "#".repeat(70_000) + "\n"),
						"metadata.yaml", "larger than 65536 bytes; expected a small text file"),
				new Case("a metadata.yaml not in UTF-8", (zip) -> new TestZip().file("src/hello/web.py", "")
					.file("metadata.yaml", (MINIMAL + "summary: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1)),
						"metadata.yaml", "not UTF-8 text"),
				new Case("no metadata.yaml",
						(zip) -> new TestZip().file("metadata.yml", MINIMAL).file("src/hello/web.py", ""),
						"metadata.yaml", "missing; every package needs a metadata.yaml at its root"),
				new Case("the app in a folder",
						(zip) -> new TestZip().file("guestbook/metadata.yaml", MINIMAL).file("guestbook/src/a.py", ""),
						"metadata.yaml",
						"missing; every package needs a metadata.yaml at its root (found "
								+ "'guestbook/metadata.yaml': archive the folder's content, not the folder)"),
				new Case("an invalid metadata.yaml", (zip) -> app(MINIMAL.replace("name: hello", "name: Hello")),
						"metadata.yaml: name",
						"expected a lowercase letter followed by at most 39 lowercase letters, digits or '-' "
								+ "(^[a-z][a-z0-9-]{0,39}$); found 'Hello'"),
				new Case("no src/", (zip) -> new TestZip().file("metadata.yaml", MINIMAL).file("hello/web.py", "x"),
						"src/",
						"missing; every package needs a src/ directory at its root with the application's source"),
				new Case("a static path missing from the archive", (zip) -> app(WITH_STATIC),
						"metadata.yaml: static[0].path",
						"'static/missing' does not exist in the package; expected a directory (or file) relative to "
								+ "the archive root"),
				new Case("two config specs",
						(zip) -> zip.file("configuration.yaml", "format: 1\n").file("configuration.ini", "[site]\n"),
						"configuration.ini",
						"both configuration.yaml and configuration.ini are present; expected at most one"),
				new Case("an invalid config spec", (zip) -> zip.file("configuration.yaml", "widget: nope\n"),
						"configuration.yaml: sections[0].fields[0].widget", "unknown widget 'nope'"));
	}

	private static TestZip manyEntries(TestZip zip) {
		for (int i = 0; i < 17; i++) {
			zip.file("src/hello/m" + i + ".py", "");
		}
		return zip;
	}

	/** 10 files of 1 MiB of random bytes: incompressible, so only the total counts. */
	private static TestZip incompressible(TestZip zip) {
		Random random = new Random(42);
		byte[] block = new byte[1 << 20];
		random.nextBytes(block);
		TestZip big = new TestZip().file("metadata.yaml", MINIMAL).file("src/hello/__init__.py", "");
		for (int i = 0; i < 10; i++) {
			big.stored("src/hello/blob" + i + ".bin", block);
		}
		return big;
	}

	@BeforeEach
	void directories() throws IOException {
		this.archives = Files.createDirectories(this.temp.resolve("uploads"));
		this.releases = Files.createDirectories(this.temp.resolve("apps/hello/releases"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileArchives")
	void refusesAndWritesNothing(Case hostile) throws IOException {
		Path archive = hostile.archive().apply(app(MINIMAL)).writeTo(this.archives.resolve("hostile.pyapp"));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.reader.read(archive))
			.satisfies((ex) -> assertRefused(ex, hostile));
		AppPackage forged = new AppPackage(archive, Packages.reader().readManifest(release(MINIMAL)), null,
				Sha256.of(archive), 1, 1);
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.reader.extract(forged, this.releases.resolve("0.1.0-20260101T000000Z")))
			.satisfies((ex) -> assertRefused(ex, hostile));
		assertThat(PackageReaderTests.tree(this.temp)).containsExactly("apps/", "apps/hello/", "apps/hello/releases/",
				"release/", "release/metadata.yaml", "uploads/", "uploads/hostile.pyapp");
	}

	private static void assertRefused(PyappException ex, Case hostile) {
		assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
		assertThat(ex.getProblems()).anySatisfy((problem) -> {
			assertThat(problem.path()).isEqualTo(hostile.path());
			assertThat(problem.message()).startsWith(hostile.message());
		});
	}

	@Test
	void refusesAFileThatIsNoZip() throws IOException {
		Path archive = Files.writeString(this.archives.resolve("notes.pyapp"), "just text, no zip\n");

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.reader.read(archive))
			.satisfies((ex) -> assertThat(ex.getProblems()).containsExactly(
					new Problem("archive", "not a zip archive (.pyapp or .zip): no end of central directory record")));
	}

	@Test
	void refusesATruncatedZip() throws IOException {
		Path archive = app(MINIMAL).writeTo(this.archives.resolve("a.pyapp"));
		byte[] bytes = Files.readAllBytes(archive);
		Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length - 30));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.reader.read(archive))
			.satisfies((ex) -> assertThat(ex.getProblems()).singleElement()
				.satisfies((problem) -> assertThat(problem.path()).isEqualTo("archive")));
	}

	@Test
	void reportsEveryProblemAtOnce() {
		Path archive = new TestZip().file("metadata.yaml", MINIMAL.replace("name: hello", "name: 1x"))
			.file("../evil.py", "x")
			.entry("link", "/etc/passwd", TestZip.SYMLINK_MODE)
			.writeTo(this.archives.resolve("a.pyapp"));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.reader.read(archive))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path)
				.containsExactly("../evil.py", "link", "src/", "metadata.yaml: name"))
			.withMessageStartingWith("invalid package: ../evil.py: escapes the archive root")
			.withMessageEndingWith("(and 3 more problems)");
	}

	@Test
	void refusesASymlinkInASourceDirectoryAndCopiesNothing() throws IOException {
		Path checkout = Files.createDirectories(this.temp.resolve("checkout/src/hello"));
		Files.writeString(this.temp.resolve("checkout/metadata.yaml"), MINIMAL);
		Files.createSymbolicLink(checkout.resolve("secrets"), Path.of("/etc"));

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.reader.readDirectory(this.temp.resolve("checkout")))
			.satisfies((ex) -> assertThat(ex.getProblems()).containsExactly(new Problem("src/hello/secrets",
					"a symbolic link; a package may hold only files and directories")));
		assertThat(PackageReaderTests.tree(this.releases)).isEmpty();
	}

	/** A release directory holding only the given metadata, to forge packages from. */
	private Path release(String metadata) throws IOException {
		Path release = Files.createDirectories(this.temp.resolve("release"));
		Files.writeString(release.resolve("metadata.yaml"), metadata);
		return release;
	}

}
