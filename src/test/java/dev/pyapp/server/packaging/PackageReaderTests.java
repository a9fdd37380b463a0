package dev.pyapp.server.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Sha256;
import dev.pyapp.server.packaging.AppManifest.BindKind;
import dev.pyapp.server.packaging.AppManifest.DaemonMethod;
import dev.pyapp.server.packaging.AppManifest.Database;
import dev.pyapp.server.packaging.AppManifest.DatabaseKind;
import dev.pyapp.server.packaging.AppManifest.Dependency;
import dev.pyapp.server.packaging.AppManifest.EntryKind;
import dev.pyapp.server.packaging.AppManifest.Scope;
import dev.pyapp.server.packaging.AppManifest.StaticEntry;
import dev.pyapp.server.packaging.AppManifest.Task;
import dev.pyapp.server.packaging.AppManifest.UpdateStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.pyapp.server.packaging.Packages.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Reading and extracting valid packages. Hostile and invalid ones are in
 * {@link HostileArchiveTests} and {@link ManifestValidationTests}.
 */
class PackageReaderTests {

	@TempDir
	Path temp;

	private final PackageReader reader = Packages.reader();

	@Test
	void readsEveryKeyOfTheSpecExample() {
		AppPackage pkg = this.reader.read(app(Packages.SPEC_EXAMPLE).writeTo(this.temp.resolve("a.pyapp")));

		AppManifest manifest = pkg.manifest();
		assertThat(manifest.format()).isEqualTo(1);
		assertThat(manifest.name()).isEqualTo("guestbook");
		assertThat(manifest.version()).isEqualTo("1.4.0");
		assertThat(manifest.summary()).isEqualTo("A tiny guestbook");
		assertThat(manifest.python()).isEqualTo(">=3.9");
		assertThat(manifest.entry().kind()).isEqualTo(EntryKind.WSGI);
		assertThat(manifest.entry().target()).isEqualTo("guestbook.web:application");
		assertThat(manifest.dependencies()).containsExactly(new Dependency("bottle==0.12.25", Scope.LOCAL),
				new Dependency("markupsafe>=2.1", Scope.SHARED));
		assertThat(manifest.resources().writable()).containsExactly("sessions", "cache");
		assertThat(manifest.resources().databases()).containsExactly(new Database("main", DatabaseKind.SQLITE));
		assertThat(manifest.statics()).containsExactly(new StaticEntry("/static", "static/guestbook"));
		assertThat(manifest.daemon())
			.isEqualTo(new AppManifest.Daemon(DaemonMethod.THREADING, 2, 8, BindKind.SOCKET, "uwsgi"));
		assertThat(manifest.health()).isEqualTo(new AppManifest.Health("/", Duration.ofSeconds(10), null));
		assertThat(manifest.updates())
			.isEqualTo(new AppManifest.Updates(UpdateStrategy.ONE_BRANCH, "main", "v*", true));
		assertThat(manifest.hooks()).containsExactly(
				org.assertj.core.api.Assertions.entry("post-install", "guestbook.hooks:post_install"),
				org.assertj.core.api.Assertions.entry("pre-update", "guestbook.hooks:pre_update"),
				org.assertj.core.api.Assertions.entry("post-update", "guestbook.hooks:post_update"),
				org.assertj.core.api.Assertions.entry("pre-delete", "guestbook.hooks:pre_delete"));
		assertThat(manifest.tasks())
			.containsExactly(new Task("purge-sessions", "*/30 * * * *", "guestbook.tasks:purge"));
		assertThat(pkg.spec()).isNull();
		assertThat(pkg.entries()).isEqualTo(4);
	}

	@Test
	void fillsInTheDefaultsOfOptionalSections() {
		AppManifest manifest = this.reader.read(app(Packages.MINIMAL).writeTo(this.temp.resolve("a.pyapp"))).manifest();

		assertThat(manifest.summary()).isNull();
		assertThat(manifest.python()).isNull();
		assertThat(manifest.dependencies()).isEmpty();
		assertThat(manifest.resources().writable()).isEmpty();
		assertThat(manifest.resources().databases()).isEmpty();
		assertThat(manifest.statics()).isEmpty();
		assertThat(manifest.daemon()).isEqualTo(AppManifest.Daemon.DEFAULT);
		assertThat(manifest.health()).isEqualTo(AppManifest.Health.DEFAULT);
		assertThat(manifest.updates()).isEqualTo(AppManifest.Updates.DEFAULT);
		assertThat(manifest.hooks()).isEmpty();
		assertThat(manifest.tasks()).isEmpty();
	}

	@Test // GH-15: collectstatic creates the directory; the archive had to ship a
			// placeholder
	void acceptsAGeneratedStaticDirectoryTheArchiveDoesNotHold() {
		String metadata = Packages.MINIMAL + """
				static:
				  - url: /static
				    path: collected
				    generated: true
				    exclude: [staticfiles.json, "admin/*.map"]
				""";
		AppManifest manifest = this.reader.read(app(metadata).writeTo(this.temp.resolve("a.pyapp"))).manifest();

		assertThat(manifest.statics()).containsExactly(
				new StaticEntry("/static", "collected", true, java.util.List.of("staticfiles.json", "admin/*.map")));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.reader
				.read(app(metadata.replace("    generated: true\n", "")).writeTo(this.temp.resolve("b.pyapp"))))
			.satisfies((ex) -> assertThat(ex.getProblems()).singleElement()
				.satisfies((problem) -> assertThat(problem.message())
					.endsWith("or generated: true if the hooks create it")));
	}

	@Test // GH-15: an archive ships its own widgets in widgets/
	void resolvesTheSpecWithTheWidgetsThePackageShipsAndChecksThem() {
		String spec = "sections:\n  - name: site\n    fields:\n      - {name: slug, widget: slug, default: my-site}\n";
		PackageReader reader = new PackageReader(new dev.pyapp.server.appconfig.ConfigSpecReader());
		AppPackage pkg = reader.read(app(Packages.MINIMAL).file("configuration.yaml", spec)
			.file("widgets/slug.yaml", "base: text\nvalidation:\n  pattern: \"^[a-z-]+$\"\n")
			.writeTo(this.temp.resolve("a.pyapp")));
		assertThat(pkg.spec().field("site", "slug").orElseThrow().widget()).isEqualTo("slug");

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> reader
				.read(app(Packages.MINIMAL).file("configuration.yaml", spec.replace("slug, default", "slug2, default"))
					.file("widgets/slug.yaml", "base: text\n")
					.file("widgets/text.yaml", "base: textarea\n")
					.writeTo(this.temp.resolve("b.pyapp"))))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path)
				.contains("widgets/text.yaml", "configuration.yaml: sections[0].fields[0].widget"));
	}

	@Test
	void defaultsForProcessesAndAFactoryEntry() {
		String metadata = """
				format: 1
				name: hello
				version: "1.10"
				entry:
				  factory: hello.web:create_app
				dependencies:
				  - requirement: "requests[security] >= 2.8.1, == 2.8.* ; python_version < '3.12'"
				daemon:
				  method: processes
				  bind: port
				health:
				  timeout: 500ms
				  host: library.test
				updates:
				  strategy: latest-tag
				  tag_pattern: "v*"
				  auto: false
				""";
		AppManifest manifest = this.reader.read(app(metadata).writeTo(this.temp.resolve("a.zip"))).manifest();

		assertThat(manifest.version()).isEqualTo("1.10");
		assertThat(manifest.entry()).isEqualTo(new AppManifest.Entry(EntryKind.FACTORY, "hello.web:create_app"));
		assertThat(manifest.dependencies()).extracting(Dependency::scope).containsExactly(Scope.LOCAL);
		assertThat(manifest.daemon()).isEqualTo(new AppManifest.Daemon(DaemonMethod.PROCESSES, 2, 1, BindKind.PORT));
		assertThat(manifest.health()).isEqualTo(new AppManifest.Health("/", Duration.ofMillis(500), "library.test"));
		assertThat(manifest.updates()).isEqualTo(new AppManifest.Updates(UpdateStrategy.LATEST_TAG, null, "v*", false));
	}

	@Test
	void recognisesAZipWhateverItsName() {
		Path file = app(Packages.MINIMAL).writeTo(this.temp.resolve("upload-7f3a"));

		assertThat(this.reader.read(file).manifest().name()).isEqualTo("hello");
	}

	@Test
	void passesTheConfigSpecToTheAppconfigReader() {
		Path file = app(Packages.MINIMAL).file("configuration.yaml", "format: 1\nsections: []\n")
			.writeTo(this.temp.resolve("a.pyapp"));

		assertThat(this.reader.read(file).spec()).isEqualTo(Packages.SPEC);
	}

	@Test
	void reportsTheChecksumSizeAndEntriesOfAnArchive() throws IOException {
		Path file = app(Packages.MINIMAL).writeTo(this.temp.resolve("a.pyapp"));

		AppPackage pkg = this.reader.read(file);

		assertThat(pkg.source()).isEqualTo(file);
		assertThat(pkg.checksum()).hasSize(64).isEqualTo(Sha256.of(file));
		assertThat(pkg.entries()).isEqualTo(4);
		assertThat(pkg.uncompressedSize()).isEqualTo(Packages.MINIMAL.length()
				+ "def application(environ, start_response):\n    pass\n".length() + "body {}\n".length());
	}

	@Test
	void extractsAnArchiveThroughATemporaryDirectory() throws IOException {
		Path file = app(Packages.MINIMAL).directory("src/empty/").writeTo(this.temp.resolve("a.pyapp"));
		Path releases = Files.createDirectories(this.temp.resolve("releases"));
		Path target = releases.resolve("0.1.0-20260101T000000Z");

		this.reader.extract(this.reader.read(file), target);

		assertThat(tree(target)).containsExactly("metadata.yaml", "src/", "src/empty/", "src/hello/",
				"src/hello/__init__.py", "src/hello/web.py", "static/", "static/guestbook/",
				"static/guestbook/site.css");
		assertThat(Files.readString(target.resolve("metadata.yaml"))).isEqualTo(Packages.MINIMAL);
		assertThat(tree(releases)).containsExactly("0.1.0-20260101T000000Z/", "0.1.0-20260101T000000Z/metadata.yaml",
				"0.1.0-20260101T000000Z/src/", "0.1.0-20260101T000000Z/src/empty/", "0.1.0-20260101T000000Z/src/hello/",
				"0.1.0-20260101T000000Z/src/hello/__init__.py", "0.1.0-20260101T000000Z/src/hello/web.py",
				"0.1.0-20260101T000000Z/static/", "0.1.0-20260101T000000Z/static/guestbook/",
				"0.1.0-20260101T000000Z/static/guestbook/site.css");
	}

	@Test
	void keepsTheExecutableBitAndAcceptsSmallFilesThatCompressWell() throws IOException {
		Path file = app(Packages.MINIMAL).entry("src/run.sh", "#!/bin/sh\n", 0100755)
			.file("src/hello/zeros.bin", new byte[1 << 20])
			.writeTo(this.temp.resolve("a.pyapp"));
		Path target = this.temp.resolve("releases/r1");

		this.reader.extract(this.reader.read(file), target);

		assertThat(Files.isExecutable(target.resolve("src/run.sh"))).isTrue();
		assertThat(Files.isExecutable(target.resolve("src/hello/web.py"))).isFalse();
		assertThat(Files.size(target.resolve("src/hello/zeros.bin"))).isEqualTo(1 << 20);
	}

	@Test
	void refusesToExtractOverAnExistingDirectoryAndLeavesItAlone() throws IOException {
		AppPackage pkg = this.reader.read(app(Packages.MINIMAL).writeTo(this.temp.resolve("a.pyapp")));
		Path releases = Files.createDirectories(this.temp.resolve("releases"));
		Path target = Files.createDirectories(releases.resolve("r1"));
		Files.writeString(target.resolve("keep.txt"), "mine");

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.reader.extract(pkg, target))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT));
		assertThat(tree(releases)).containsExactly("r1/", "r1/keep.txt");
	}

	@Test
	void refusesToExtractAnArchiveChangedSinceItWasRead() throws IOException {
		Path file = app(Packages.MINIMAL).writeTo(this.temp.resolve("a.pyapp"));
		AppPackage pkg = this.reader.read(file);
		app(Packages.MINIMAL).file("src/hello/extra.py", "").writeTo(file);
		Path releases = Files.createDirectories(this.temp.resolve("releases"));

		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> this.reader.extract(pkg, releases.resolve("r1")))
			.withMessageContaining("changed since it was read");
		assertThat(tree(releases)).isEmpty();
	}

	@Test
	void readsAGitCheckoutWithoutItsGitDirectory() throws IOException {
		Path checkout = checkout(this.temp.resolve("checkout"));

		AppPackage pkg = this.reader.readDirectory(checkout);

		assertThat(pkg.manifest().name()).isEqualTo("hello");
		assertThat(pkg.source()).isEqualTo(checkout);
		assertThat(pkg.entries()).isEqualTo(5);
		assertThat(pkg.checksum()).hasSize(64);
		Files.writeString(checkout.resolve(".git/HEAD"), "ref: refs/heads/other\n");
		assertThat(this.reader.readDirectory(checkout).checksum()).isEqualTo(pkg.checksum());
		Files.writeString(checkout.resolve("src/hello/web.py"), "# changed\n");
		assertThat(this.reader.readDirectory(checkout).checksum()).isNotEqualTo(pkg.checksum());
	}

	@Test
	void extractsADirectoryWithoutItsGitDirectory() throws IOException {
		Path checkout = checkout(this.temp.resolve("checkout"));
		Path target = this.temp.resolve("releases/r1");

		this.reader.extract(this.reader.readDirectory(checkout), target);

		assertThat(tree(target)).containsExactly("metadata.yaml", "src/", "src/hello/", "src/hello/__init__.py",
				"src/hello/web.py");
		assertThat(tree(target.getParent())).allMatch((path) -> path.startsWith("r1/"));
	}

	@Test
	void readsTheManifestOfAnExtractedRelease() throws IOException {
		Path release = Files.createDirectories(this.temp.resolve("release"));
		Files.writeString(release.resolve("metadata.yaml"), Packages.SPEC_EXAMPLE);

		assertThat(this.reader.readManifest(release).tasks()).extracting(Task::name).containsExactly("purge-sessions");
	}

	@Test
	void readManifestRefusesAReleaseWithoutMetadata() {
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> this.reader.readManifest(this.temp))
			.satisfies((ex) -> assertThat(ex.getProblems()).singleElement()
				.satisfies((problem) -> assertThat(problem.path()).isEqualTo("metadata.yaml")));
	}

	@Test
	void readsTheGuestbookExample() {
		Path guestbook = Path.of("examples/dist/guestbook.pyapp");
		assumeThat(guestbook).as("built by examples/build.py in generate-test-resources").exists();

		AppPackage pkg = this.reader.read(guestbook);

		assertThat(pkg.manifest().name()).isEqualTo("guestbook");
		assertThat(pkg.manifest().version()).isEqualTo("1.0.0");
		assertThat(pkg.manifest().hooks()).containsOnlyKeys(AppManifest.HOOK_NAMES);
		assertThat(pkg.manifest().statics()).containsExactly(new StaticEntry("/static", "static/guestbook"));
		assertThat(pkg.spec()).isEqualTo(Packages.SPEC);
	}

	private static Path checkout(Path root) throws IOException {
		Files.createDirectories(root.resolve(".git/objects"));
		Files.writeString(root.resolve(".git/HEAD"), "ref: refs/heads/main\n");
		Files.createDirectories(root.resolve("src/hello"));
		Files.writeString(root.resolve("metadata.yaml"), Packages.MINIMAL);
		Files.writeString(root.resolve("src/hello/__init__.py"), "");
		Files.writeString(root.resolve("src/hello/web.py"), "def application(environ, start_response):\n    pass\n");
		return root;
	}

	/** The paths below a directory, sorted, directories with a trailing slash. */
	static List<String> tree(Path root) throws IOException {
		try (Stream<Path> paths = Files.walk(root)) {
			return paths.filter((path) -> !path.equals(root))
				.map((path) -> root.relativize(path) + (Files.isDirectory(path) ? "/" : ""))
				.sorted()
				.toList();
		}
	}

}
