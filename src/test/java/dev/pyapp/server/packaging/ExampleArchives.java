package dev.pyapp.server.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example apps as archives, for tests of any module: Maven builds
 * {@code examples/dist/<name>.pyapp} in {@code generate-test-resources}; other versions
 * (for upgrade tests) are built on demand by {@code examples/build.py --version}.
 *
 * <pre class="code">
 * Path v1 = ExampleArchives.guestbook();
 * Path v2 = ExampleArchives.guestbook("1.1.0", tempDir);   // tempDir/guestbook-1.1.0.pyapp
 * </pre>
 */
public final class ExampleArchives {

	private static final Path EXAMPLES = Path.of("examples").toAbsolutePath();

	private static volatile String python3;

	private ExampleArchives() {
	}

	/**
	 * The interpreter {@code python3} on the PATH runs, found once: where the PATH holds
	 * a pyenv shim (a bash script that runs {@code pyenv exec}), each start through it
	 * costs about 0.7 s more than the interpreter's own.
	 * @return its executable, or {@code python3} when it cannot be asked
	 */
	public static String python3() {
		String found = python3;
		if (found == null) {
			found = "python3";
			try {
				Process process = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
					.redirectErrorStream(true)
					.start();
				process.getOutputStream().close();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
				if (process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0 && output.startsWith("/")
						&& Files.isExecutable(Path.of(output))) {
					found = output;
				}
			}
			catch (IOException ex) {
				// python3 as it is
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			python3 = found;
		}
		return found;
	}

	/**
	 * @return {@code examples/dist/guestbook.pyapp} (version 1.0.0), built if missing
	 */
	public static Path guestbook() {
		Path archive = EXAMPLES.resolve("dist/guestbook.pyapp");
		if (!Files.isRegularFile(archive)) {
			build(List.of("guestbook"));
		}
		return archive;
	}

	/**
	 * Builds the guestbook with another version in its metadata.yaml.
	 * @param version a PEP 440 version such as {@code 1.1.0}
	 * @param directory where to write it
	 * @return {@code <directory>/guestbook-<version>.pyapp}
	 */
	public static Path guestbook(String version, Path directory) {
		build(List.of("--version", version, "--out", directory.toAbsolutePath().toString(), "guestbook"));
		return directory.resolve("guestbook-" + version + ".pyapp");
	}

	private static void build(List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(python3(), EXAMPLES.resolve("build.py").toString()));
		command.addAll(arguments);
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new IllegalStateException("examples/build.py failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run examples/build.py", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running examples/build.py", ex);
		}
	}

}
