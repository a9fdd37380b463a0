package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.LocalNodeShell;
import dev.pyapp.server.nodes.NodeShell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

/**
 * Shared dependencies installed for several apps with pip from the test index
 * ({@code file:///opt/pypi/simple}): an app gets another app's copy of a distribution
 * only when its own sources give the same files at that version, whichever app came first
 * and whether or not the installed version already satisfies its requirement.
 */
@Tag("process")
class ServerPackagesIT {

	private static final String INDEX = "file:///opt/pypi/simple";

	private static final Path BLINKER = Path.of("/opt/pypi/files/blinker-1.9.0-py3-none-any.whl");

	@TempDir
	Path dir;

	private final List<String> output = new ArrayList<>();

	private Path home;

	private ServerPackages packages;

	private PythonInterpreter python;

	@BeforeEach
	void provision() throws IOException {
		this.home = ServerPackagesTemplate.copyInto(Files.createDirectories(this.dir.resolve("home")));
		NodeShell shell = LocalNodeShell.unisolated();
		PythonProperties properties = new PythonProperties(List.of(), INDEX, Duration.ofMinutes(3), false, 0,
				Duration.ofSeconds(10));
		this.packages = new ServerPackages(new PyappHome(this.home), shell, new PipRunner(shell, properties, Map.of()),
				mock(InterpreterFinder.class), properties);
		this.packages.provision();
		assertThat(this.packages.status().ready()).as(this.packages.status().message()).isTrue();
		String[] probe = shell
			.exec(ExecRequest.of("python3", "-c",
					"import ensurepip, os, platform, sys; print(sys.executable); print(platform.python_version()); "
							+ "print(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'))"))
			.output()
			.strip()
			.split("\n");
		this.python = new PythonInterpreter(Path.of(probe[0]), probe[1], Path.of(probe[2]));
	}

	@Test
	void anAppSharesAnotherAppsCopyOnlyWhenItsOwnIsTheSame() throws IOException {
		this.packages.installShared("alpha", this.python, List.of("blinker==1.9.0"), null, this.output::add);
		// satisfied by alpha's copy: pip still fetches beta's own, which is the same
		this.packages.installShared("beta", this.python, List.of("blinker>=1.8"), null, this.output::add);
		String registry = Files.readString(server(".pyapp-shared.json"));
		assertThat(registry).contains("\"blinker\":{\"version\":\"1.9.0\",\"apps\":[\"alpha\",\"beta\"]}");
		String genuine = Files.readString(server("blinker/__init__.py"));

		assertThatThrownBy(() -> this.packages.installShared("gamma", this.python, List.of("blinker"), doctored(),
				this.output::add))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT))
			.hasMessage("shared dependency conflict in server-packages: 'gamma' brings blinker 1.9.0 with other files "
					+ "than the blinker 1.9.0 installed for alpha, beta (blinker/__init__.py) (install it with "
					+ "scope: local instead)");
		assertThat(server("blinker/__init__.py")).content().isEqualTo(genuine);
		assertThat(server(".pyapp-shared.json")).content().isEqualTo(registry);
	}

	@Test
	void anAppIsNotGivenACopyAnotherAppDoctored() throws IOException {
		this.packages.installShared("mallory", this.python, List.of("blinker==1.9.0"), doctored(), this.output::add);
		assertThat(server("blinker/__init__.py")).content().contains("DOCTORED");
		String registry = Files.readString(server(".pyapp-shared.json"));

		// blinker 1.9.0 is installed and satisfies the requirement: before, the victim
		// was added to its users without pip ever running
		assertThatThrownBy(
				() -> this.packages.installShared("victim", this.python, List.of("blinker"), null, this.output::add))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT))
			.hasMessageContaining("'victim' brings blinker 1.9.0 with other files than the blinker 1.9.0 installed "
					+ "for mallory (blinker/__init__.py)");
		assertThat(server(".pyapp-shared.json")).content().isEqualTo(registry);
	}

	private Path server(String file) {
		return this.home.resolve("server-packages").resolve(file).normalize();
	}

	/**
	 * A {@code deps/} with blinker 1.9.0 whose {@code __init__.py} runs code of the app's
	 * own, its RECORD updated to match; build tag 1, so pip prefers it to the index's.
	 */
	private Path doctored() throws IOException {
		Path deps = Files.createDirectories(this.dir.resolve("deps-" + System.nanoTime()));
		byte[] init;
		try (ZipFile wheel = new ZipFile(BLINKER.toFile());
				OutputStream file = Files.newOutputStream(deps.resolve("blinker-1.9.0-1-py3-none-any.whl"));
				ZipOutputStream zip = new ZipOutputStream(file)) {
			init = (new String(wheel.getInputStream(wheel.getEntry("blinker/__init__.py")).readAllBytes(),
					StandardCharsets.UTF_8) + "\nDOCTORED = __import__('os').getpid()\n")
				.getBytes(StandardCharsets.UTF_8);
			for (ZipEntry entry : wheel.stream().toList()) {
				byte[] content = wheel.getInputStream(entry).readAllBytes();
				if (entry.getName().equals("blinker/__init__.py")) {
					content = init;
				}
				else if (entry.getName().endsWith(".dist-info/RECORD")) {
					content = new String(content, StandardCharsets.UTF_8)
						.replaceAll("(?m)^blinker/__init__\\.py,.*$",
								"blinker/__init__.py,sha256=" + recordHash(init) + "," + init.length)
						.getBytes(StandardCharsets.UTF_8);
				}
				zip.putNextEntry(new ZipEntry(entry.getName()));
				zip.write(content);
				zip.closeEntry();
			}
		}
		return deps;
	}

	private static String recordHash(byte[] content) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
