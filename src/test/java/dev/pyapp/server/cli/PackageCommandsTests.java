package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code init} and {@code package}: offline, with the server's own packaging rules.
 */
class PackageCommandsTests {

	@TempDir
	Path directory;

	private CliRun pyapp(String... args) {
		return CliRun.run(Map.of(), this.directory, args);
	}

	@ParameterizedTest(name = "{0}") // GH-15
	@ValueSource(strings = { "wsgi", "flask", "django" })
	void aNewProjectOfEachTemplatePackagesAsItIs(String template) throws IOException {
		CliRun init = pyapp("init", "my-" + template, "--template", template);
		assertThat(init.exitCode()).as(init.err()).isZero();
		assertThat(init.out()).startsWith("wrote a " + template + " project for my-" + template);

		CliRun packaged = pyapp("package", "my-" + template);

		assertThat(packaged.exitCode()).as(packaged.err()).isZero();
		assertThat(packaged.out()).startsWith("packaged my-" + template + " 0.1.0: ");
		Path archive = this.directory.resolve("my-" + template + "-0.1.0.pyapp");
		try (ZipFile zip = new ZipFile(archive.toFile())) {
			assertThat(zip.getEntry("metadata.yaml")).isNotNull();
			assertThat(zip.getEntry("configuration.yaml")).isNotNull();
			assertThat(zip.getEntry(".pyappignore")).isNull();
		}
		String metadata = Files.readString(this.directory.resolve("my-" + template + "/metadata.yaml"));
		assertThat(metadata).contains("name: my-" + template).contains("kind: sqlite");
		assertThat(Files.readString(this.directory.resolve("my-" + template + "/configuration.yaml")))
			.contains("name: secret_key")
			.contains("widget: secret");
	}

	@Test
	void theDjangoProjectCollectsItsStaticFilesAndReadsItsHostsAndOriginsFromTheConfiguration() throws IOException {
		pyapp("init", "library", "--template", "django");
		Path project = this.directory.resolve("library");

		assertThat(Files.readString(project.resolve("metadata.yaml"))).contains("generated: true")
			.contains("exclude: [staticfiles.json]")
			.contains("pre-update: library.hooks:pre_update");
		assertThat(Files.readString(project.resolve("configuration.yaml"))).contains("item: host_pattern")
			.contains("item: origin_pattern");
		String settings = Files.readString(project.resolve("src/library/settings.py"));
		assertThat(settings).contains("STATIC_URL = \"static/\"")
			.contains("ALLOWED_HOSTS = ")
			.contains("CSRF_TRUSTED_ORIGINS = ")
			.contains("library.middleware.MountCookiePath");
		assertThat(Files.readString(project.resolve("src/library/hooks.py"))).contains("call_command(\"migrate\"")
			.contains("call_command(\"collectstatic\"");
		assertThat(project.resolve("src/manage.py")).isExecutable();
	}

	@Test
	void leavesOutWhatIsIgnoredAndTheDefaults() throws IOException {
		pyapp("init", "site", "--template", "wsgi");
		Path project = this.directory.resolve("site");
		Files.createDirectories(project.resolve(".git"));
		Files.writeString(project.resolve(".git/config"), "x");
		Files.createDirectories(project.resolve("src/site/__pycache__"));
		Files.writeString(project.resolve("src/site/__pycache__/web.cpython-311.pyc"), "x");
		Files.createDirectories(project.resolve("venv/bin"));
		Files.writeString(project.resolve("venv/bin/python"), "x");
		Files.writeString(project.resolve("src/local.sqlite3"), "x");
		Files.writeString(project.resolve(".pyappignore"), "*.sqlite3\n/notes.txt\n",
				java.nio.file.StandardOpenOption.APPEND);
		Files.writeString(project.resolve("notes.txt"), "x");
		Files.createDirectories(project.resolve("src/docs"));
		Files.writeString(project.resolve("src/docs/notes.txt"), "kept: the pattern is anchored at the root");

		CliRun packaged = pyapp("package", "site", "-o", "out/site.pyapp");

		assertThat(packaged.exitCode()).as(packaged.err()).isZero();
		try (ZipFile zip = new ZipFile(this.directory.resolve("out/site.pyapp").toFile())) {
			assertThat(zip.stream().map(java.util.zip.ZipEntry::getName).toList()).containsExactly("configuration.yaml",
					"metadata.yaml", "src/docs/notes.txt", "src/site/__init__.py", "src/site/hooks.py",
					"src/site/settings.py", "src/site/web.py", "static/style.css");
		}
	}

	@Test // a requirements.txt nothing installs: said, the archive still made
	void warnsOfARequirementsFileThatNamesWhatMetadataDoesNotDeclare() throws IOException {
		pyapp("init", "site", "--template", "flask");
		Path project = this.directory.resolve("site");
		Files.writeString(project.resolve("requirements.txt"),
				"# pinned\nFlask==3.0.3\nsqlalchemy>=2  # the ORM\n-r more.txt\nfastapi\n\nuvicorn[standard]\n");

		CliRun packaged = pyapp("package", "site", "-o", "site.pyapp");

		assertThat(packaged.exitCode()).isEqualTo(0);
		assertThat(this.directory.resolve("site.pyapp")).isRegularFile();
		assertThat(packaged.err()).isEqualTo("warning: requirements.txt is not read (an app's dependencies are what "
				+ "metadata.yaml declares): declare fastapi, uvicorn[standard] under dependencies: in metadata.yaml\n");
		Files.writeString(project.resolve("requirements.txt"), "flask\n");
		assertThat(pyapp("package", "site", "-o", "site.pyapp").err()).isEmpty();
	}

	@Test // a Flask project with app.py beside metadata.yaml: "src/: missing" and no more
	void aProjectWithoutSrcIsToldWhichOfItsModulesToMoveThere() throws IOException {
		Path project = Files.createDirectories(this.directory.resolve("flat"));
		Files.writeString(project.resolve("metadata.yaml"),
				"format: 1\nname: flat\nversion: 0.1.0\nentry:\n  wsgi: app:app\n");
		Files.writeString(project.resolve("app.py"), "app = None\n");
		Files.createDirectories(project.resolve("views"));
		Files.writeString(project.resolve("views/__init__.py"), "");

		CliRun packaged = pyapp("package", "flat");

		assertThat(packaged.exitCode()).isEqualTo(1);
		assertThat(packaged.err()).contains("src/: missing; every package needs a src/ directory at its root with "
				+ "the application's source (move app.py, views/ into src/: the entry in metadata.yaml names modules "
				+ "as they are found there)");
		assertThat(this.directory.resolve("flat-0.1.0.pyapp")).doesNotExist();
	}

	@Test // GH-15: the server's rules and messages, offline
	void refusesAProjectWithEveryProblemTheServerWouldReportAndWritesNothing() throws IOException {
		pyapp("init", "site", "--template", "wsgi");
		Path project = this.directory.resolve("site");
		Files.writeString(project.resolve("metadata.yaml"),
				Files.readString(project.resolve("metadata.yaml")).replace("version: 0.1.0", "version: one"));
		Files.writeString(project.resolve("configuration.yaml"), "      - {name: x, widget: nope}\n",
				java.nio.file.StandardOpenOption.APPEND);

		CliRun packaged = pyapp("package", "site");

		assertThat(packaged.exitCode()).isEqualTo(1);
		assertThat(packaged.err().lines().toList())
			.contains("  metadata.yaml: version: expected a PEP 440 version such as '1.4.0'; found 'one'")
			.anySatisfy((line) -> assertThat(line)
				.startsWith("  configuration.yaml: sections[0].fields[2].widget: unknown widget 'nope'"));
		try (var files = Files.list(this.directory)) {
			assertThat(files.map((file) -> file.getFileName().toString()).toList()).containsExactly("site");
		}
	}

	@Test // SPEC §10: a name the rules refuse is reported as the server reports it
	void refusesABadNameWithTheServersMessageAndEveryOtherProblem() throws IOException {
		pyapp("init", "site", "--template", "wsgi");
		Path project = this.directory.resolve("site");
		Files.writeString(project.resolve("metadata.yaml"),
				Files.readString(project.resolve("metadata.yaml"))
					.replace("name: site", "name: My_Site")
					.replace("version: 0.1.0", "version: one"));

		CliRun packaged = pyapp("package", "site");

		assertThat(packaged.exitCode()).isEqualTo(1);
		assertThat(packaged.err().lines().toList())
			.anySatisfy((line) -> assertThat(line).startsWith("  metadata.yaml: name: expected a lowercase letter")
				.contains("found 'My_Site'"))
			.contains("  metadata.yaml: version: expected a PEP 440 version such as '1.4.0'; found 'one'");
		try (var files = Files.list(this.directory)) {
			assertThat(files.map((file) -> file.getFileName().toString()).toList()).containsExactly("site");
		}
	}

	@Test // SPEC §7: a directory named on the command line that is wrong is a usage error
	void packageOfAMissingDirectoryOrOneWithoutMetadataIsAUsageError() throws IOException {
		CliRun missing = pyapp("package", "nope");
		assertThat(missing.exitCode()).isEqualTo(2);
		assertThat(missing.err())
			.isEqualTo("error: cannot read " + this.directory.resolve("nope") + ": no such directory\n");
		Files.writeString(this.directory.resolve("file.txt"), "x");
		CliRun file = pyapp("package", "file.txt");
		assertThat(file.exitCode()).isEqualTo(2);
		assertThat(file.err()).endsWith("file.txt: it is a file, not a directory\n");
		Files.createDirectories(this.directory.resolve("empty"));
		CliRun empty = pyapp("package", "empty");
		assertThat(empty.exitCode()).isEqualTo(2);
		assertThat(empty.err()).startsWith("error: " + this.directory.resolve("empty") + " has no metadata.yaml");
		assertThat(this.directory.resolve("empty")).isEmptyDirectory();
	}

	@Test
	void initRefusesAnUnknownTemplateABadNameAndADirectoryInUse() throws IOException {
		assertThat(pyapp("init", "x", "--template", "rails").exitCode()).isEqualTo(2);
		assertThat(pyapp("init", "x", "--template", "wsgi", "--name", "9lives").exitCode()).isEqualTo(2);
		Files.createDirectories(this.directory.resolve("used"));
		Files.writeString(this.directory.resolve("used/file"), "x");
		CliRun inUse = pyapp("init", "used", "--template", "wsgi");
		assertThat(inUse.exitCode()).isEqualTo(2);
		assertThat(inUse.err()).contains("exists and is not empty");
		assertThat(InitCommand.nameOf(Path.of("/tmp/My Site_2"))).isEqualTo("my-site-2");
		assertThat(List.of(pyapp("init", "named", "--template", "wsgi", "--name", "blog").out()))
			.allSatisfy((out) -> assertThat(out).contains("project for blog"));
	}

}
