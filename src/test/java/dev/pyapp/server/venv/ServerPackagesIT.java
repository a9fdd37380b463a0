package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.LocalNodeShell;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.nodes.RunningProcess;
import dev.pyapp.server.nodes.Signal;
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

	private PythonProperties properties;

	@BeforeEach
	void provision() throws IOException {
		this.home = ServerPackagesTemplate.copyInto(Files.createDirectories(this.dir.resolve("home")));
		NodeShell shell = LocalNodeShell.unisolated();
		this.properties = new PythonProperties(List.of(), INDEX, Duration.ofMinutes(3), false, 0,
				Duration.ofSeconds(10), true);
		this.packages = serverPackages(shell);
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

	@Test
	void theServerCompilesASharedDistributionsSourcesForTheAppsInterpreter() throws IOException {
		// the server runs with umask 077 (scripts/run.sh); every app's user reads
		// server-packages/
		ServerPackages packages = serverPackages(underUmask077(LocalNodeShell.unisolated()));

		packages.installShared("alpha", this.python, List.of("blinker==1.9.0"), null, this.output::add);

		List<Path> sources = sources(server("blinker"));
		assertThat(sources).contains(server("blinker/__init__.py"), server("blinker/base.py"));
		for (Path source : sources) {
			assertCompiled(source);
		}
	}

	@Test
	void aSourceThatDoesNotCompileFailsNoInstall() throws IOException {
		Path deps = deps("blinker/broken.py", (content) -> "def broken(:\n");

		this.packages.installShared("alpha", this.python, List.of("blinker==1.9.0"), deps, this.output::add);

		assertThat(server("blinker/broken.py")).exists();
		assertThat(bytecode(server("blinker/broken.py"))).doesNotExist();
		assertCompiled(server("blinker/__init__.py"));
	}

	@Test
	void anAppThatSharesAnInstalledCopyHasItCompiledToo() throws IOException {
		// installed before the server compiled shared sources, or for another version
		this.packages.installShared("alpha", this.python, List.of("blinker==1.9.0"), null, this.output::add);
		AtomicFiles.deleteTree(server("blinker/__pycache__"));

		this.packages.installShared("alpha", this.python, List.of("blinker"), null, this.output::add);

		assertThat(this.output).contains("shared blinker: satisfied by blinker 1.9.0");
		assertCompiled(server("blinker/__init__.py"));
	}

	/**
	 * Bytecode the interpreter uses for a source: its own cache tag and magic number,
	 * timestamp-based (flags 0) for the source's mtime and size, readable by every app.
	 */
	private void assertCompiled(Path source) throws IOException {
		Path pyc = bytecode(source);
		assertThat(pyc).as(source.toString()).isRegularFile();
		assertThat(Files.getPosixFilePermissions(pyc)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
		assertThat(Files.getPosixFilePermissions(pyc.getParent()))
			.isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
		ByteBuffer header = ByteBuffer.wrap(Arrays.copyOf(Files.readAllBytes(pyc), 16)).order(ByteOrder.LITTLE_ENDIAN);
		byte[] magic = new byte[4];
		header.get(magic);
		assertThat(HexFormat.of().formatHex(magic)).isEqualTo(probe("importlib.util.MAGIC_NUMBER.hex()"));
		assertThat(header.getInt()).as("flags").isZero();
		assertThat(Integer.toUnsignedLong(header.getInt()))
			.isEqualTo(Files.getLastModifiedTime(source).to(TimeUnit.SECONDS));
		assertThat(Integer.toUnsignedLong(header.getInt())).isEqualTo(Files.size(source));
	}

	private Path bytecode(Path source) {
		String name = source.getFileName().toString();
		return source.resolveSibling("__pycache__")
			.resolve(name.substring(0, name.length() - 3) + "." + probe("sys.implementation.cache_tag") + ".pyc");
	}

	private String probe(String expression) {
		return LocalNodeShell.unisolated()
			.exec(ExecRequest.of(this.python.executable().toString(), "-c",
					"import importlib.util, sys; print(" + expression + ")"))
			.output()
			.strip();
	}

	private static List<Path> sources(Path dir) throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter((file) -> file.toString().endsWith(".py")).toList();
		}
	}

	private ServerPackages serverPackages(NodeShell shell) {
		return new ServerPackages(new PyappHome(this.home), shell, new PipRunner(shell, this.properties, Map.of()),
				mock(InterpreterFinder.class), this.properties);
	}

	/** Runs every command as a server started by scripts/run.sh would. */
	private static NodeShell underUmask077(NodeShell shell) {
		return new NodeShell() {

			@Override
			public ExecResult exec(ExecRequest request) {
				List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec \"$@\"", "sh"));
				command.addAll(request.command());
				return shell.exec(new ExecRequest(command, request.workingDirectory(), request.environment(),
						request.inheritEnvironment(), request.timeout(), request.stdout(), request.stderr(),
						request.lines(), request.isolation()));
			}

			@Override
			public RunningProcess start(ExecRequest request) {
				throw new UnsupportedOperationException();
			}

			@Override
			public boolean signal(long pid, Signal signal) {
				throw new UnsupportedOperationException();
			}

			@Override
			public Optional<ProcessInfo> process(long pid) {
				throw new UnsupportedOperationException();
			}

		};
	}

	private Path server(String file) {
		return this.home.resolve("server-packages").resolve(file).normalize();
	}

	/**
	 * A {@code deps/} with blinker 1.9.0 whose {@code __init__.py} runs code of the app's
	 * own, its RECORD updated to match; build tag 1, so pip prefers it to the index's.
	 */
	private Path doctored() throws IOException {
		return deps("blinker/__init__.py", (content) -> content + "\nDOCTORED = __import__('os').getpid()\n");
	}

	/**
	 * A {@code deps/} with blinker 1.9.0 with one file changed or added, its RECORD
	 * updated to match; build tag 1, so pip prefers it to the index's.
	 * @param name the file in the wheel
	 * @param change its new content from its old one ({@code ""} when it is new)
	 */
	private Path deps(String name, UnaryOperator<String> change) throws IOException {
		Path deps = Files.createDirectories(this.dir.resolve("deps-" + System.nanoTime()));
		try (ZipFile wheel = new ZipFile(BLINKER.toFile());
				OutputStream file = Files.newOutputStream(deps.resolve("blinker-1.9.0-1-py3-none-any.whl"));
				ZipOutputStream zip = new ZipOutputStream(file)) {
			ZipEntry original = wheel.getEntry(name);
			byte[] changed = change
				.apply((original != null)
						? new String(wheel.getInputStream(original).readAllBytes(), StandardCharsets.UTF_8) : "")
				.getBytes(StandardCharsets.UTF_8);
			String line = name + ",sha256=" + TestWheels.recordHash(changed) + "," + changed.length;
			if (original == null) {
				zip.putNextEntry(new ZipEntry(name));
				zip.write(changed);
				zip.closeEntry();
			}
			for (ZipEntry entry : wheel.stream().toList()) {
				byte[] content = wheel.getInputStream(entry).readAllBytes();
				if (entry.getName().equals(name)) {
					content = changed;
				}
				else if (entry.getName().endsWith(".dist-info/RECORD")) {
					String record = new String(content, StandardCharsets.UTF_8);
					content = ((original != null)
							? record.replaceAll("(?m)^" + Pattern.quote(name) + ",.*$", Matcher.quoteReplacement(line))
							: line + "\n" + record)
						.getBytes(StandardCharsets.UTF_8);
				}
				zip.putNextEntry(new ZipEntry(entry.getName()));
				zip.write(content);
				zip.closeEntry();
			}
		}
		return deps;
	}

}
