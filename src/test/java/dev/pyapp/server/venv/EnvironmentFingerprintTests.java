package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What counts as the same dependencies for an upgrade that may start from the live
 * release's environment, and each difference that makes it build from nothing.
 */
class EnvironmentFingerprintTests {

	private static final PythonInterpreter PYTHON = new PythonInterpreter(Path.of("/usr/bin/python3.11"), "3.11.2",
			null, "cpython", "cp311");

	private static final List<String> SERVER = List.of("gunicorn 23.0.0", "packaging-24.2.dist-info");

	@TempDir
	Path releases;

	@Test
	void theSameDependenciesGiveTheSameFingerprintWhateverTheCodeAndTheRelease() throws IOException {
		Path old = release("1.0.0", "wheel-1", "print('one')");
		Path next = release("1.0.1", "wheel-1", "print('two')");

		EnvironmentFingerprint earlier = fingerprint(old, requirements("flask>=3", "pandas"));
		earlier.write(old);

		assertThat(fingerprint(next, requirements("flask>=3", "pandas"))
			.difference(EnvironmentFingerprint.read(old).orElseThrow())).isNull();
	}

	@Test
	void changedRequirementsDiffer() throws IOException {
		Path release = release("1.0.0", "wheel-1", "");
		EnvironmentFingerprint earlier = fingerprint(release, requirements("flask>=3", "pandas"));

		assertThat(fingerprint(release, requirements("flask>=3", "pandas<3")).difference(earlier))
			.isEqualTo("the dependencies changed");
		assertThat(fingerprint(release, requirements("flask>=3", "pandas", "numpy")).difference(earlier))
			.isEqualTo("the dependencies changed");
		assertThat(fingerprint(release, requirements("flask>=3")).difference(earlier))
			.isEqualTo("the dependencies changed");
		assertThat(fingerprint(release,
				List.of(new VenvRequest.Requirement("flask>=3", false), new VenvRequest.Requirement("pandas", true)))
			.difference(earlier)).isEqualTo("the dependencies changed");
	}

	@Test
	void aWheelOfDepsWithOtherContentUnderTheSameNameDiffers() throws IOException {
		EnvironmentFingerprint earlier = fingerprint(release("1.0.0", "wheel-1", ""), requirements("six"));

		assertThat(fingerprint(release("1.0.1", "wheel-2", ""), requirements("six")).difference(earlier))
			.isEqualTo("the content of deps/ changed");
		Path extra = release("1.0.2", "wheel-1", "");
		Files.writeString(extra.resolve("deps/blinker-1.9.0-py3-none-any.whl"), "more");
		assertThat(fingerprint(extra, requirements("six")).difference(earlier))
			.isEqualTo("the content of deps/ changed");
	}

	@Test
	void anotherInterpreterIndexOrServerPackagesDiffer() throws IOException {
		Path release = release("1.0.0", "wheel-1", "");
		EnvironmentFingerprint earlier = fingerprint(release, requirements("six"));

		PythonInterpreter patched = new PythonInterpreter(PYTHON.executable(), "3.11.4", null, "cpython", "cp311");
		assertThat(EnvironmentFingerprint.of(patched, "pip", requirements("six"), release, SERVER).difference(earlier))
			.isEqualTo("the Python interpreter changed");
		assertThat(
				EnvironmentFingerprint.of(PYTHON, "https://mirror.example/simple", requirements("six"), release, SERVER)
					.difference(earlier))
			.isEqualTo("pyapp.python.index changed");
		assertThat(EnvironmentFingerprint
			.of(PYTHON, "pip", requirements("six"), release, List.of("gunicorn 23.1.0", "packaging-24.2.dist-info"))
			.difference(earlier)).isEqualTo("the server's packages in server-packages/ changed");
	}

	@Test
	void srcBecomingAPipProjectDiffers() throws IOException {
		Path release = release("1.0.0", "wheel-1", "");
		EnvironmentFingerprint earlier = fingerprint(release, requirements("six"));
		Files.writeString(release.resolve("src/pyproject.toml"), "[project]\nname = \"app\"\n");

		assertThat(fingerprint(release, requirements("six")).difference(earlier))
			.isEqualTo("src/ became or stopped being a pip project");
	}

	@Test
	void keepsNoIndexUrlInTheClear() throws IOException {
		Path release = release("1.0.0", "wheel-1", "");
		EnvironmentFingerprint
			.of(PYTHON, "https://user:token@mirror.example/simple", requirements("six"), release, SERVER)
			.write(release);

		assertThat(Files.readString(release.resolve(EnvironmentFingerprint.FILE))).doesNotContain("token")
			.contains("requirement local six");
	}

	@Test
	void aReleaseWithoutAFingerprintHasNone() throws IOException {
		Path release = release("1.0.0", "wheel-1", "");

		assertThat(EnvironmentFingerprint.read(release)).isEmpty();
		Files.createSymbolicLink(release.resolve(EnvironmentFingerprint.FILE), Path.of("/etc/hostname"));
		assertThat(EnvironmentFingerprint.read(release)).isEmpty();
	}

	private EnvironmentFingerprint fingerprint(Path release, List<VenvRequest.Requirement> requirements) {
		return EnvironmentFingerprint.of(PYTHON, "pip", requirements, release, SERVER);
	}

	private static List<VenvRequest.Requirement> requirements(String... requirements) {
		return List.of(requirements).stream().map((r) -> new VenvRequest.Requirement(r, false)).toList();
	}

	private Path release(String id, String wheel, String code) throws IOException {
		Path release = Files.createDirectories(this.releases.resolve(id));
		Files.createDirectories(release.resolve("src"));
		Files.writeString(release.resolve("src/app.py"), code);
		Files.createDirectories(release.resolve("deps"));
		Files.writeString(release.resolve("deps/six-1.17.0-py2.py3-none-any.whl"), wheel);
		return release;
	}

}
