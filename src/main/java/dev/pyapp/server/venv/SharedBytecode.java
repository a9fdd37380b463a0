package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the sources of shared distributions the server has copied into
 * {@code server-packages/}, which apps only read, so that importing them does not compile
 * them again in every process. The server never copies an app's bytecode in
 * ({@link DistributionFiles#compiled}): it compiles the sources it verified itself, as
 * its own user, with the interpreter of the app's environment (bytecode is per version:
 * {@code __pycache__/x.cpython-311.pyc}, so apps of several versions each get their own).
 * The bytecode is timestamp-based (the source's mtime and size in its header): Python
 * compiles the source again when it differs, and {@link SharedPackages} deletes the
 * bytecode of every source it replaces or removes.
 * <p>
 * Bytecode only saves time: a failure (a source with a syntax error, an interpreter
 * without {@code compileall}, the time bound) is logged, never thrown.
 */
final class SharedBytecode {

	/** The most one compile may take (a large distribution has ~20,000 sources). */
	static final Duration TIMEOUT = Duration.ofMinutes(5);

	/**
	 * Compiles the files listed in {@code argv[1]}, one a line, with the modes of the
	 * rest of server-packages (directories 0755, files 0644, whatever the server's umask)
	 * and never anything else ({@code compileall}'s command line compiles all of
	 * {@code sys.path} when given no file). Exits 1 if a file did not compile.
	 */
	static final String SCRIPT = """
			import compileall, os, py_compile, sys
			os.umask(0o022)
			ok = True
			with open(sys.argv[1], encoding="utf-8") as listed:
			    for line in listed:
			        path = line.rstrip("\\n")
			        if path and not compileall.compile_file(path, quiet=1,
			                invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP):
			            ok = False
			sys.exit(0 if ok else 1)
			""";

	private static final Logger logger = LoggerFactory.getLogger(SharedBytecode.class);

	private final NodeShell shell;

	private final Path directory;

	private final Supplier<Path> tmp;

	/**
	 * @param shell runs the interpreter (on the server's host, as the server's user)
	 * @param directory {@code server-packages/}
	 * @param tmp the server's own scratch directory, for the list of files
	 */
	SharedBytecode(NodeShell shell, Path directory, Supplier<Path> tmp) {
		this.shell = shell;
		this.directory = directory;
		this.tmp = tmp;
	}

	/**
	 * Compiles sources of the shared directory; never throws.
	 * @param interpreter the interpreter the bytecode is for
	 * @param files paths relative to the directory; what is no {@code .py} regular file
	 * there is left out
	 * @return whether every source compiled
	 */
	boolean compile(PythonInterpreter interpreter, Collection<String> files) {
		List<String> sources = files.stream()
			.filter((file) -> file.endsWith(".py") && !file.contains("\n"))
			.map((file) -> this.directory.resolve(file).normalize())
			.filter((path) -> path.startsWith(this.directory) && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
			.map(Path::toString)
			.toList();
		if (sources.isEmpty()) {
			return true;
		}
		@Nullable Path list = null;
		try {
			// created 0600: the server's own
			list = Files.createTempFile(this.tmp.get(), "bytecode-", ".txt");
			Files.write(list, sources, StandardCharsets.UTF_8);
			ExecResult result = this.shell
				.exec(ExecRequest.of(interpreter.executable().toString(), "-I", "-c", SCRIPT, list.toString())
					.withEnvironment(Map.of(), false)
					.withTimeout(TIMEOUT));
			if (result.succeeded()) {
				logger.debug("Compiled {} shared sources with Python {}", sources.size(), interpreter);
				return true;
			}
			logger.warn(
					"Could not compile all of {} shared sources in {} with Python {}{} (imports compile them "
							+ "in memory): {}",
					sources.size(), this.directory, interpreter, result.timedOut() ? " within " + TIMEOUT : "",
					tail(result.output()));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not compile {} shared sources in {} with Python {} (imports compile them in "
					+ "memory): {}", sources.size(), this.directory, interpreter, ex.toString());
		}
		finally {
			deleteQuietly(list);
		}
		return false;
	}

	/** The last lines of compileall's output, enough to name what failed. */
	private static String tail(String output) {
		List<String> lines = output.strip().lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
	}

	private static void deleteQuietly(@Nullable Path file) {
		if (file == null) {
			return;
		}
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// a list of file names in the server's private tmp/: harmless if left
			logger.debug("Cannot delete {}: {}", file, ex.toString());
		}
	}

}
