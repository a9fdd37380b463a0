package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedPackagesTests {

	@TempDir
	Path dir;

	@Test
	void movesNewDistributionsIn() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		Path staging = staged("one", "markupsafe", "2.1.5");

		shared.merge("alpha", staging);

		assertThat(shared.installed()).containsEntry("markupsafe", "2.1.5");
		assertThat(this.dir.resolve("sp/markupsafe/__init__.py")).exists();
	}

	@Test
	void refusesToReplaceAVersionAnotherAppUses() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));

		assertThatThrownBy(() -> shared.merge("beta", staged("two", "markupsafe", "3.0.2")))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT))
			.hasMessageContaining("'beta' needs markupsafe 3.0.2")
			.hasMessageContaining("markupsafe 2.1.5 is installed for alpha");
		assertThat(shared.installed()).containsEntry("markupsafe", "2.1.5");
	}

	@Test
	void refusesTheSameVersionWithOtherCode() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.3"));
		String registry = Files.readString(this.dir.resolve("sp/.pyapp-shared.json"));
		Path doctored = staged("two", "markupsafe", "2.1.3");
		Files.writeString(doctored.resolve("markupsafe/__init__.py"), "import os; os.system('id')\n");

		assertThatThrownBy(() -> shared.merge("beta", doctored))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT))
			.hasMessage("shared dependency conflict in server-packages: 'beta' brings markupsafe 2.1.3 with other "
					+ "files than the markupsafe 2.1.3 installed for alpha (markupsafe/__init__.py) (install it with "
					+ "scope: local instead)");
		assertThat(this.dir.resolve("sp/markupsafe/__init__.py")).content().isEqualTo("VERSION = '2.1.3'\n");
		assertThat(this.dir.resolve("sp/.pyapp-shared.json")).content().isEqualTo(registry);
	}

	@Test
	void refusesTheSameVersionWithAFileMoreOrLess() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "foo", "1.0", "foo/__init__.py", "foo/extra.py"));
		// a dist-info file that no RECORD lists is copied in too: it counts
		Path unlisted = staged("two", "foo", "1.0", "foo/__init__.py", "foo/extra.py");
		Files.writeString(unlisted.resolve("foo-1.0.dist-info/entry_points.txt"), "[console_scripts]\n");

		assertThatThrownBy(() -> shared.merge("beta", staged("three", "foo", "1.0", "foo/__init__.py")))
			.hasMessageContaining(
					"'beta' brings foo 1.0 with other files than the foo 1.0 installed for alpha (foo/extra.py)");
		assertThatThrownBy(() -> shared.merge("beta", unlisted))
			.hasMessageContaining("installed for alpha (*.dist-info/entry_points.txt)");
		assertThat(this.dir.resolve("sp/foo/extra.py")).exists();
		assertThat(this.dir.resolve("sp/foo-1.0.dist-info/entry_points.txt")).doesNotExist();
	}

	@Test
	void sharesTheSameVersionWithTheSameCode() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.3"));

		shared.merge("beta", staged("two", "markupsafe", "2.1.3"));

		assertThat(this.dir.resolve("sp/.pyapp-shared.json")).content()
			.isEqualTo("{\"markupsafe\":{\"version\":\"2.1.3\",\"apps\":[\"alpha\",\"beta\"]}}");
	}

	@Test
	void sharesTheSameVersionWhenOnlyWhatPipWritesPerInstallDiffers() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge(ServerPackages.SERVER,
				pipInstalled("one", "MarkupSafe", "# compiled for alpha", "/usr/bin/python3"));
		Path other = pipInstalled("two", "markupsafe", "# compiled for beta", "/opt/python/bin/python3.11");
		Path distInfo = other.resolve("markupsafe-2.1.3.dist-info");
		Files.writeString(distInfo.resolve("REQUESTED"), "");
		Files.writeString(distInfo.resolve("direct_url.json"), "{\"url\": \"file:///srv/deps\"}");
		Files.writeString(distInfo.resolve("INSTALLER"), "uv\n");
		Files.writeString(distInfo.resolve("RECORD"), Files.readString(distInfo.resolve("RECORD"))
				+ "markupsafe-2.1.3.dist-info/REQUESTED,,\nmarkupsafe-2.1.3.dist-info/direct_url.json,,\n");

		shared.merge("beta", other);

		assertThat(this.dir.resolve("sp/.pyapp-shared.json")).content()
			.isEqualTo("{\"markupsafe\":{\"version\":\"2.1.3\",\"apps\":[\"beta\",\"pyapp-server\"]}}");
		// the server compiles what it copied: pip's bytecode is for the staged
		// sources' mtimes, not the copies'
		assertThat(this.dir.resolve("sp/markupsafe/__pycache__")).doesNotExist();
		assertThat(this.dir.resolve("sp/MarkupSafe-2.1.3.dist-info/INSTALLER")).content().isEqualTo("pip\n");
	}

	@Test
	void copiesNoBytecodeAnAppsPipCompiled() throws IOException {
		// an unchecked hash-based .pyc (PEP 552) runs instead of its source, unseen
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));

		shared.merge("alpha", pipInstalled("one", "markupsafe", "# not the source's code", "/usr/bin/python3"));

		assertThat(this.dir.resolve("sp/markupsafe/__init__.py")).exists();
		assertThat(this.dir.resolve("sp/markupsafe/__pycache__")).doesNotExist();
	}

	@Test
	void hasTheSourcesItCopiedInCompiled() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		List<Set<String>> compiled = new ArrayList<>();

		shared.merge("alpha", staged("one", "foo", "1.0", "foo/__init__.py", "foo/data.txt", "foo/sub/mod.py"),
				compiled::add);
		shared.merge("alpha", staged("two", "bar", "1.0", "bar.py"), compiled::add);

		assertThat(compiled).containsExactly(Set.of("foo/__init__.py", "foo/sub/mod.py"), Set.of("bar.py"));
	}

	@Test
	void hasTheSourcesOfACopyItSharesCompiledToo() throws IOException {
		// the other app's interpreter may be another Python version: bytecode is per
		// version (__init__.cpython-312.pyc)
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.3"));
		List<Set<String>> compiled = new ArrayList<>();

		shared.merge("beta", staged("two", "markupsafe", "2.1.3"), compiled::add);
		shared.compile(List.of("markupsafe", "unknown"), compiled::add);

		assertThat(compiled).containsExactly(Set.of("markupsafe/__init__.py"), Set.of("markupsafe/__init__.py"));
	}

	@Test
	void leavesNoBytecodeOfASourceItReplacesOrRemoves() throws IOException {
		// timestamp-based bytecode (mtime and size of its source) would be taken for a
		// new source with the same of both
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "foo", "1.0", "foo/__init__.py", "foo/old.py", "foo/old_more.py"));
		Path cache = Files.createDirectories(this.dir.resolve("sp/foo/__pycache__"));
		for (String name : List.of("__init__.cpython-311.pyc", "__init__.cpython-312.opt-1.pyc", "old.cpython-311.pyc",
				"old.pypy310.pyc", "old_more.cpython-311.pyc")) {
			Files.writeString(cache.resolve(name), "compiled before");
		}

		shared.merge("alpha", staged("two", "foo", "2.0", "foo/__init__.py", "foo/old_more.py"));

		assertThat(this.dir.resolve("sp/foo/old.py")).doesNotExist();
		assertThat(this.dir.resolve("sp/foo/old_more.py")).exists();
		assertThat(cache).doesNotExist();

		// a source no RECORD lists, replaced by one a distribution brings
		Files.writeString(this.dir.resolve("sp/foo/unlisted.py"), "# left behind\n");
		Files.createDirectories(cache);
		Files.writeString(cache.resolve("unlisted.cpython-311.pyc"), "compiled before");
		Files.writeString(cache.resolve("unrelated.cpython-311.pyc"), "no source");

		shared.merge("alpha", staged("three", "foo", "3.0", "foo/__init__.py", "foo/unlisted.py"));

		assertThat(this.dir.resolve("sp/foo/unlisted.py")).content().isEqualTo("# foo 3.0\n");
		assertThat(cache).isDirectoryContaining((path) -> path.endsWith("unrelated.cpython-311.pyc"))
			.isDirectoryNotContaining((path) -> path.endsWith("unlisted.cpython-311.pyc"));
	}

	@Test
	void letsAnAppReplaceTheSameVersionOnlyItUsesWithOtherCode() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "foo", "1.0", "foo/__init__.py", "foo/old.py"));

		shared.merge("alpha", staged("two", "foo", "1.0", "foo/__init__.py", "foo/new.py"));

		assertThat(this.dir.resolve("sp/foo/old.py")).doesNotExist();
		assertThat(this.dir.resolve("sp/foo/new.py")).exists();
	}

	@Test
	void letsAnAppReplaceAVersionOnlyItUses() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));

		shared.merge("alpha", staged("two", "markupsafe", "3.0.2"));

		assertThat(shared.installed()).containsEntry("markupsafe", "3.0.2").hasSize(1);
	}

	@Test
	void aForgottenAppNoLongerHoldsAVersion() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));
		shared.forget("alpha");

		shared.merge("beta", staged("two", "markupsafe", "3.0.2"));

		assertThat(shared.installed()).containsEntry("markupsafe", "3.0.2");
	}

	@Test
	void refusesADistributionWithFilesUnderAnotherDistributionsName() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));
		Path evil = staged("two", "evil", "1.0", "markupsafe/__init__.py", "evil/__init__.py");

		assertThatThrownBy(() -> shared.merge("beta", evil)).isInstanceOfSatisfying(PyappException.class, (ex) -> {
			assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
			assertThat(ex.getProblems()).singleElement()
				.satisfies((problem) -> assertThat(problem.message())
					.isEqualTo("evil 1.0 ships files under 'markupsafe', which belongs to markupsafe 2.1.5 in "
							+ "server-packages"));
		});
		assertThat(this.dir.resolve("sp/markupsafe/__init__.py")).content().isEqualTo("VERSION = '2.1.5'\n");
		assertThat(this.dir.resolve("sp/evil")).doesNotExist();
	}

	@Test
	void refusesFilesUnderTheServersOwnPackages() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge(ServerPackages.SERVER, staged("gunicorn", "gunicorn", "26.2.0"));

		for (String top : new String[] { "gunicorn/app.py", "pyapp_runtime/run.py", "uwsgidecorators.py" }) {
			Path evil = staged("evil-" + top.hashCode(), "evil", "1.0", top, "evil/__init__.py");
			assertThatThrownBy(() -> shared.merge("beta", evil)).isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getProblems()).singleElement()
						.satisfies((problem) -> assertThat(problem.message()).startsWith("evil 1.0 ships files under '")
							.contains("which belongs to the server's own")));
		}
		assertThat(shared.installed()).containsOnlyKeys("gunicorn");
	}

	@Test
	void anUpgradeRemovesOnlyTheFilesItsOldVersionListedAndNoOtherDistributionDoes() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("foo1", "foo", "1.0", "foo/__init__.py", "foo/old.py"));
		shared.merge("alpha", staged("bar1", "bar", "1.0", "bar/__init__.py"));
		// a RECORD that claims another distribution's file (as the old code would have
		// deleted the whole top-level directory of)
		Path record = this.dir.resolve("sp/foo-1.0.dist-info/RECORD");
		Files.writeString(record, Files.readString(record) + "bar/__init__.py,,\n");

		shared.merge("alpha", staged("foo2", "foo", "2.0", "foo/__init__.py", "foo/new.py"));

		assertThat(shared.installed()).containsEntry("foo", "2.0").containsEntry("bar", "1.0");
		assertThat(this.dir.resolve("sp/bar/__init__.py")).exists();
		assertThat(this.dir.resolve("sp/foo/old.py")).doesNotExist();
		assertThat(this.dir.resolve("sp/foo/new.py")).exists();
		assertThat(this.dir.resolve("sp/foo-1.0.dist-info")).doesNotExist();
	}

	@Test
	void sharesANamespacePackageWhenNoFileIsInCommon() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge("alpha", staged("one", "zope-interface", "6.0", "zope/interface/__init__.py"));

		shared.merge("beta", staged("two", "zope-event", "5.0", "zope/event/__init__.py"));

		assertThat(shared.installed()).containsKeys("zope-interface", "zope-event");
		assertThat(this.dir.resolve("sp/zope/interface/__init__.py")).exists();
		assertThat(this.dir.resolve("sp/zope/event/__init__.py")).exists();
	}

	@Test
	void showsAnAppTheServersPackagesAndItsOwnSharedOnesOnly() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		shared.merge(ServerPackages.SERVER, staged("server", "gunicorn", "26.2.0"));
		shared.merge("alpha", staged("one", "markupsafe", "2.1.5"));
		// a top-level module that code imports when it is there (gunicorn does)
		shared.merge("beta", staged("two", "hostile-shared", "1.0", "setproctitle.py"));

		assertThat(shared.visibleTo("alpha"))
			.contains("gunicorn", "gunicorn-26.2.0.dist-info", "pyapp_runtime", "__pycache__", "markupsafe",
					"markupsafe-2.1.5.dist-info")
			.doesNotContain("setproctitle.py", "hostile-shared-1.0.dist-info");
		assertThat(shared.visibleTo("beta")).contains("gunicorn", "setproctitle.py", "hostile-shared-1.0.dist-info")
			.doesNotContain("markupsafe");
	}

	@Test
	void copiesOnlyListedRegularFilesWithTheServersModes() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		Path staging = staged("one", "foo", "1.0", "foo/__init__.py", "foo/link.py", "../outside.py");
		Files.delete(staging.resolve("foo/link.py"));
		Files.createSymbolicLink(staging.resolve("foo/link.py"), Path.of("/etc/hostname"));
		Files.setPosixFilePermissions(staging.resolve("foo/__init__.py"),
				java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));

		shared.merge("alpha", staging);

		assertThat(this.dir.resolve("sp/foo/link.py")).doesNotExist();
		assertThat(this.dir.resolve("outside.py")).doesNotExist();
		assertThat(java.nio.file.attribute.PosixFilePermissions
			.toString(Files.getPosixFilePermissions(this.dir.resolve("sp/foo/__init__.py")))).isEqualTo("rw-r--r--");
	}

	@Test
	void copiesNothingAStagingDirectoryLinksToOutsideIt() throws IOException {
		// the staging directory is in the app's tmp/, written by the app's user: a
		// directory there may be a link to a host directory the server can read
		Path host = Files.createDirectories(this.dir.resolve("etc"));
		Files.writeString(host.resolve("shadow"), "root:$6$secret");
		Files.writeString(host.resolve("evil.py"), "host");
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		Path staging = staged("evil", "evil", "1.0", "evil/__init__.py", "etc/shadow", "evil/etc/shadow");
		Files.delete(staging.resolve("evil/etc/shadow"));
		Files.delete(staging.resolve("evil/etc"));
		Files.createSymbolicLink(staging.resolve("evil/etc"), host);
		Files.delete(staging.resolve("etc/shadow"));
		Files.delete(staging.resolve("etc"));
		Files.createSymbolicLink(staging.resolve("etc"), host);
		Files.createSymbolicLink(staging.resolve("evil-1.0.dist-info/shadow"), host.resolve("shadow"));

		shared.merge("alpha", staging);

		assertThat(this.dir.resolve("sp/evil/__init__.py")).exists();
		assertThat(this.dir.resolve("sp/etc")).doesNotExist();
		assertThat(this.dir.resolve("sp/evil/etc")).doesNotExist();
		assertThat(this.dir.resolve("sp/evil-1.0.dist-info/shadow")).doesNotExist();
	}

	@Test
	void aRecordLargerThanAnyRealOneIsRefusedNotReadWhole() throws IOException {
		SharedPackages shared = new SharedPackages(Files.createDirectories(this.dir.resolve("sp")));
		Path staging = staged("huge", "huge", "1.0", "huge/__init__.py");
		// a sparse RECORD of 3 GiB, written by the app's user: reading it whole is an
		// OutOfMemoryError in the server
		try (RandomAccessFile record = new RandomAccessFile(staging.resolve("huge-1.0.dist-info/RECORD").toFile(),
				"rw")) {
			record.setLength(3L << 30);
		}
		assertThatThrownBy(() -> shared.merge("alpha", staging)).hasMessageContaining("RECORD")
			.hasStackTraceContaining("is larger than 16777216 bytes");
		assertThat(this.dir.resolve("sp/huge")).doesNotExist();
	}

	/**
	 * markupsafe 2.1.3 as {@code pip install --target} leaves it: bytecode in
	 * {@code __pycache__/} listed without a hash, INSTALLER, a console script in
	 * {@code bin/} naming pip's interpreter.
	 */
	private Path pipInstalled(String name, String project, String bytecode, String interpreter) throws IOException {
		Path staging = Files.createDirectories(this.dir.resolve("staging-" + name));
		Path distInfo = Files.createDirectories(staging.resolve(project + "-2.1.3.dist-info"));
		Files.writeString(distInfo.resolve("METADATA"), "Metadata-Version: 2.1\nName: MarkupSafe\nVersion: 2.1.3\n\n");
		Files.writeString(distInfo.resolve("INSTALLER"), "pip\n");
		Files.createDirectories(staging.resolve("markupsafe/__pycache__"));
		Files.writeString(staging.resolve("markupsafe/__init__.py"), "VERSION = '2.1.3'\n");
		Files.writeString(staging.resolve("markupsafe/__pycache__/__init__.cpython-311.pyc"), bytecode);
		Files.createDirectories(staging.resolve("bin"));
		Files.writeString(staging.resolve("bin/markup"), "#!" + interpreter + "\nimport markupsafe\n");
		Files.writeString(distInfo.resolve("RECORD"),
				String.join("\n", distInfo.getFileName() + "/INSTALLER,sha256=x,4",
						distInfo.getFileName() + "/METADATA,sha256=y,50", distInfo.getFileName() + "/RECORD,,",
						"../../bin/markup,sha256=z,40", "bin/markup,sha256=z,40", "markupsafe/__init__.py,sha256=w,18",
						"markupsafe/__pycache__/__init__.cpython-311.pyc,,", ""));
		return staging;
	}

	private Path staged(String name, String project, String version, String... files) throws IOException {
		Path staging = Files.createDirectories(this.dir.resolve("staging-" + name));
		Path distInfo = Files.createDirectories(staging.resolve(project + "-" + version + ".dist-info"));
		Files.writeString(distInfo.resolve("METADATA"),
				"Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n\nbody\n");
		StringBuilder record = new StringBuilder();
		for (String file : files) {
			record.append(file).append(",,\n");
			Path path = staging.resolve(file).normalize();
			if (path.startsWith(staging)) {
				Files.createDirectories(path.getParent());
				Files.writeString(path, "# " + project + " " + version + "\n");
			}
		}
		record.append(distInfo.getFileName()).append("/METADATA,,\n");
		Files.writeString(distInfo.resolve("RECORD"), record.toString());
		return staging;
	}

	private Path staged(String name, String project, String version) throws IOException {
		Path staging = Files.createDirectories(this.dir.resolve("staging-" + name));
		Path distInfo = Files.createDirectories(staging.resolve(project + "-" + version + ".dist-info"));
		Files.writeString(distInfo.resolve("METADATA"),
				"Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n\nbody\n");
		Files.writeString(distInfo.resolve("RECORD"),
				project + "/__init__.py,,\n" + distInfo.getFileName() + "/METADATA,,\n");
		Files.createDirectories(staging.resolve(project));
		Files.writeString(staging.resolve(project).resolve("__init__.py"), "VERSION = '" + version + "'\n");
		return staging;
	}

}
