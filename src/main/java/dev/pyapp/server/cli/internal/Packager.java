package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.appconfig.ConfigSpecReader;
import dev.pyapp.server.cli.CliException;
import dev.pyapp.server.cli.CliUsageException;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.LocalNodeShell;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.packaging.PackageReader;
import org.jspecify.annotations.Nullable;

import org.springframework.util.FileSystemUtils;

/**
 * Builds a {@code .pyapp} archive from a project directory and checks it with the
 * server's own rules ({@link PackageReader}, the code the server refuses archives with,
 * so its messages are the server's). Only {@code pyapp package} loads this class and the
 * server's packaging code: the other commands start without them.
 */
public final class Packager {

	/** Left out of every archive; {@code .pyappignore} adds more. */
	static final List<String> DEFAULT_IGNORES = List.of(".git", ".hg", ".svn", "__pycache__", "*.pyc", "*.pyo",
			".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".venv", "/venv", "/*.pyapp", ".DS_Store", ".idea",
			".vscode", "/.pyappignore");

	public static final String IGNORE_FILE = ".pyappignore";

	/**
	 * 1980-01-01, the earliest time a zip entry holds: the same files give the same
	 * bytes.
	 */
	private static final LocalDateTime EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

	private static final Duration PIP_TIMEOUT = Duration.ofMinutes(30);

	private final Path project;

	private final Consumer<String> progress;

	public Packager(Path project, Consumer<String> progress) {
		this.project = project.toAbsolutePath().normalize();
		this.progress = progress;
	}

	/**
	 * What {@code metadata.yaml} says, read without checking the rest.
	 * @return the manifest
	 * @throws CliException if it cannot be read
	 */
	public AppManifest manifest() {
		if (!Files.isRegularFile(this.project.resolve("metadata.yaml"))) {
			throw new CliUsageException(
					this.project + " has no metadata.yaml: give the project's directory (pyapp init "
							+ "DIR --template wsgi|flask|django writes one)");
		}
		return reader().peek(this.project).orElseGet(this::checkedManifest);
	}

	/**
	 * The manifest of a project whose name {@code peek} cannot read (a name the rules
	 * refuse, a YAML error): the whole check, in a scratch directory, says what is wrong
	 * in the server's words, as for any other problem.
	 */
	private AppManifest checkedManifest() {
		Path scratch = null;
		try {
			scratch = Files.createTempDirectory("pyapp-package-");
			return write(scratch.resolve("check.pyapp")).manifest();
		}
		catch (IOException ex) {
			throw new CliException("cannot read the name and version in " + this.project.resolve("metadata.yaml"), ex);
		}
		finally {
			if (scratch != null) {
				FileSystemUtils.deleteRecursively(scratch.toFile());
			}
		}
	}

	/**
	 * Fills {@code deps/} with wheels of the app's dependencies (its
	 * {@code metadata.yaml} dependencies and a {@code requirements.txt} at the project's
	 * root), with the host's pip and its configuration, so that the server installs them
	 * offline.
	 * @param python the interpreter whose pip runs
	 * @throws CliException if pip fails
	 */
	public void fetchWheels(String python) {
		List<String> requirements = manifest().dependencies()
			.stream()
			.map(AppManifest.Dependency::requirement)
			.toList();
		Path requirementsFile = this.project.resolve("requirements.txt");
		if (requirements.isEmpty() && !Files.isRegularFile(requirementsFile)) {
			this.progress.accept("no dependencies to fetch");
			return;
		}
		Path deps = this.project.resolve("deps");
		List<String> command = new ArrayList<>(
				List.of(python, "-m", "pip", "wheel", "--disable-pip-version-check", "--wheel-dir", deps.toString()));
		if (Files.isRegularFile(requirementsFile)) {
			command.addAll(List.of("--requirement", requirementsFile.toString()));
		}
		command.addAll(requirements);
		this.progress.accept("fetching wheels into deps/: " + String.join(" ", command));
		ExecResult result = LocalNodeShell.unisolated()
			.exec(ExecRequest.of(command)
				.in(this.project)
				.withTimeout(PIP_TIMEOUT)
				.withLines((line) -> this.progress.accept("  " + line)));
		if (!result.succeeded()) {
			throw new CliException("pip could not fetch the dependencies into " + deps
					+ (result.timedOut() ? ": it ran past " + PIP_TIMEOUT.toMinutes() + " minutes"
							: " (exit code " + result.exitCode() + ")"));
		}
	}

	/**
	 * Writes the archive and checks it as the server will.
	 * @param output the archive to write (replaced if it exists)
	 * @return the package as the server reads it
	 * @throws PyappException ({@code INVALID}) with every problem the server would
	 * report; nothing is left at {@code output} then
	 */
	public AppPackage write(Path output) {
		List<String> files = files();
		Path temp = output.resolveSibling(output.getFileName() + ".tmp");
		try {
			Files.createDirectories(output.toAbsolutePath().getParent());
			try (OutputStream out = Files.newOutputStream(temp); ZipOutputStream zip = new ZipOutputStream(out)) {
				for (String file : files) {
					ZipEntry entry = new ZipEntry(file);
					entry.setTimeLocal(EPOCH);
					zip.putNextEntry(entry);
					Files.copy(this.project.resolve(file), zip);
					zip.closeEntry();
				}
			}
			AppPackage pkg;
			try {
				pkg = reader().read(temp);
			}
			catch (PyappException ex) {
				throw withSourceHint(ex, files);
			}
			Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			return pkg;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + output, ex);
		}
		finally {
			try {
				Files.deleteIfExists(temp);
			}
			catch (IOException ex) {
				// a leftover .tmp beside the output is overwritten by the next run
			}
		}
	}

	/**
	 * The server's refusal of a project without {@code src/}, with where its code is when
	 * it is beside {@code metadata.yaml} (a Flask project's {@code app.py}): what to
	 * move.
	 */
	private static PyappException withSourceHint(PyappException ex, List<String> files) {
		List<String> modules = files.stream()
			.filter((file) -> file.endsWith(".py") && (file.indexOf('/') < 0 || file.matches("[^/]+/__init__\\.py")))
			.map((file) -> file.endsWith("/__init__.py") ? file.substring(0, file.indexOf('/')) + "/" : file)
			.limit(5)
			.toList();
		if (modules.isEmpty() || files.stream().anyMatch((file) -> file.startsWith("src/"))) {
			return ex;
		}
		List<Problem> problems = ex.getProblems()
			.stream()
			.map((problem) -> "src/".equals(problem.path())
					? new Problem(problem.path(), problem.message() + " (move " + String.join(", ", modules)
							+ " into src/: the entry in metadata.yaml names " + "modules as they are found there)")
					: problem)
			.toList();
		return PyappException.invalid(String.valueOf(ex.getMessage()), problems);
	}

	/**
	 * The files to archive: every regular file of the project but the ignored ones, as
	 * sorted paths with {@code /}.
	 * @throws PyappException ({@code INVALID}) for a symlink or special file, which an
	 * archive cannot hold
	 */
	List<String> files() {
		List<Ignore> ignores = ignores();
		List<String> files = new ArrayList<>();
		List<Problem> problems = new ArrayList<>();
		try {
			Files.walkFileTree(this.project, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
					return (!dir.equals(Packager.this.project) && ignored(dir, ignores)) ? FileVisitResult.SKIP_SUBTREE
							: FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
					if (ignored(file, ignores)) {
						return FileVisitResult.CONTINUE;
					}
					String relative = relative(file);
					if (attributes.isSymbolicLink()) {
						problems.add(new Problem(relative, "a symlink; an archive cannot hold links: copy what it "
								+ "points to, or list it in " + IGNORE_FILE));
					}
					else if (!attributes.isRegularFile()) {
						problems.add(new Problem(relative, "not a regular file; list it in " + IGNORE_FILE));
					}
					else {
						files.add(relative);
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + this.project, ex);
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("the project holds files an archive cannot", problems);
		}
		files.sort(null);
		return files;
	}

	private boolean ignored(Path path, List<Ignore> ignores) {
		Path relative = this.project.relativize(path);
		for (Ignore ignore : ignores) {
			if (ignore.anchored()) {
				if (ignore.matcher().matches(relative)) {
					return true;
				}
				continue;
			}
			for (Path name : relative) {
				if (ignore.matcher().matches(name)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The patterns to leave out: a pattern with a {@code /} matches the path from the
	 * project's root (a leading {@code /} anchors a name there), one without any file or
	 * directory of that name at any depth.
	 */
	private List<Ignore> ignores() {
		List<String> patterns = new ArrayList<>(DEFAULT_IGNORES);
		Path file = this.project.resolve(IGNORE_FILE);
		if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
			try {
				for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
					String pattern = line.strip();
					if (!pattern.isEmpty() && !pattern.startsWith("#")) {
						patterns.add(pattern);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read " + file, ex);
			}
		}
		List<Ignore> ignores = new ArrayList<>();
		for (String pattern : patterns) {
			String glob = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
			boolean anchored = glob.contains("/");
			glob = glob.startsWith("/") ? glob.substring(1) : glob;
			if (!glob.isEmpty()) {
				ignores.add(new Ignore(FileSystems.getDefault().getPathMatcher("glob:" + glob), anchored));
			}
		}
		return ignores;
	}

	/**
	 * One pattern to leave out.
	 *
	 * @param matcher the glob
	 * @param anchored whether it matches the path from the root (else any name)
	 */
	private record Ignore(PathMatcher matcher, boolean anchored) {
	}

	private String relative(Path file) {
		return this.project.relativize(file).toString().replace('\\', '/');
	}

	private static PackageReader reader() {
		return new PackageReader(new ConfigSpecReader());
	}

	/**
	 * Formats a size for people: {@code 812 B}, {@code 12.3 KiB}, {@code 4.0 MiB}.
	 * @param bytes the size
	 * @return the text
	 */
	public static String size(long bytes) {
		if (bytes < 1024) {
			return bytes + " B";
		}
		if (bytes < 1024 * 1024) {
			return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
		}
		return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
	}

	public static @Nullable String python(Map<String, String> env) {
		String python = env.get("PYAPP_PYTHON");
		return (python != null && !python.isBlank()) ? python : "python3";
	}

}
