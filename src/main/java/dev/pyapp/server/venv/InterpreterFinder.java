package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.NodeShell;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Finds the host's Python interpreters: the configured ones, or every
 * {@code python3}/{@code python3.x} on {@code PATH} and in {@code /usr/bin}. Each is
 * probed once; only those whose {@code venv} module works are kept.
 */
@Component
class InterpreterFinder {

	private static final Logger logger = LoggerFactory.getLogger(InterpreterFinder.class);

	private static final Pattern NAME = Pattern.compile("^python3(\\.[0-9]+)?$");

	// prints sys.executable, the version and where ensurepip's wheels are
	private static final String PROBE = String.join("\n", "import sys, os, venv, ensurepip", "print(sys.executable)",
			"print('%d.%d.%d' % sys.version_info[:3])", "wheels = ''", "try:",
			"    p = ensurepip._get_packages()['pip'] if hasattr(ensurepip, '_get_packages') else None",
			"    if p is not None and getattr(p, 'wheel_path', None): wheels = os.path.dirname(p.wheel_path)",
			"    elif p is not None: wheels = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')",
			"except Exception:", "    pass",
			"if not wheels and os.path.isdir(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')):",
			"    wheels = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')", "print(wheels)");

	private final NodeShell shell;

	private final PythonProperties properties;

	private final HostIsolation host;

	private volatile @Nullable List<PythonInterpreter> found;

	InterpreterFinder(NodeShell shell, PythonProperties properties, HostIsolation host) {
		this.shell = shell;
		this.properties = properties;
		this.host = host;
	}

	/**
	 * The usable interpreters, newest first (found once, then remembered).
	 * @return the interpreters, possibly empty
	 */
	List<PythonInterpreter> interpreters() {
		List<PythonInterpreter> result = this.found;
		if (result == null) {
			result = discover();
			this.found = result;
		}
		return result;
	}

	/**
	 * The newest interpreter that satisfies a specifier.
	 * @param specifier the app's {@code python:} specifier, or {@code null} for any
	 * @return the interpreter
	 * @throws PyappException ({@code INVALID}) if the specifier is malformed or no
	 * interpreter satisfies it
	 */
	PythonInterpreter select(@Nullable String specifier) {
		List<PythonInterpreter> all = interpreters();
		if (all.isEmpty()) {
			throw PyappException.failed("no Python interpreter with a working venv module was found"
					+ (this.properties.interpreters().isEmpty() ? " on PATH or in /usr/bin"
							: " among pyapp.python.interpreters " + this.properties.interpreters()),
					null);
		}
		if (specifier == null || specifier.isBlank()) {
			return preferred(all);
		}
		PythonSpecifier parsed;
		try {
			parsed = PythonSpecifier.parse(specifier);
		}
		catch (IllegalArgumentException ex) {
			throw PyappException.invalid("invalid python specifier",
					List.of(new Problem("metadata.yaml: python", ex.getMessage())));
		}
		List<PythonInterpreter> suitable = all.stream()
			.filter((interpreter) -> parsed.contains(interpreter.version()))
			.toList();
		return Optional.of(suitable)
			.filter((list) -> !list.isEmpty())
			.map(this::preferred)
			.orElseThrow(() -> PyappException.invalid("no suitable Python interpreter",
					List.of(new Problem("metadata.yaml: python",
							"the app needs Python " + specifier + " but this server has only " + all.stream()
								.map((interpreter) -> interpreter.version() + " (" + interpreter.executable() + ")")
								.toList()))));
	}

	/**
	 * The newest interpreter, or, when apps run as users of their own, the newest one
	 * those users can run without the sandbox's help (its files are reachable by other
	 * users: Debian's {@code /usr/bin/python3} rather than a pyenv build in
	 * {@code /root}). A sandbox shows the prefix of any other interpreter read-only.
	 */
	private PythonInterpreter preferred(List<PythonInterpreter> interpreters) {
		if (this.host.usersUnavailable().isPresent()) {
			return interpreters.get(0);
		}
		return interpreters.stream()
			.filter((interpreter) -> reachableByOthers(interpreter.executable()))
			.findFirst()
			.orElse(interpreters.get(0));
	}

	/**
	 * Whether a user other than its owner can run a file: every directory on its real
	 * path searchable by others, the file executable by others.
	 * @param file the file
	 * @return whether it can
	 */
	static boolean reachableByOthers(Path file) {
		try {
			Path real = file.toRealPath();
			if (!Files.getPosixFilePermissions(real).contains(PosixFilePermission.OTHERS_EXECUTE)) {
				return false;
			}
			for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
				if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
					return false;
				}
			}
			return true;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

	private List<PythonInterpreter> discover() {
		Map<Path, PythonInterpreter> byExecutable = new LinkedHashMap<>();
		Set<Path> probed = new java.util.HashSet<>();
		for (Path candidate : candidates()) {
			if (!probed.add(realPath(candidate))) {
				continue;
			}
			PythonInterpreter interpreter = probe(candidate);
			if (interpreter != null) {
				byExecutable.putIfAbsent(interpreter.executable(), interpreter);
			}
		}
		List<PythonInterpreter> result = new ArrayList<>(byExecutable.values());
		// newest first; a stable sort keeps the discovery order among equal versions
		result.sort((a, b) -> PythonSpecifier.compare(PythonSpecifier.parts(b.version()),
				PythonSpecifier.parts(a.version())));
		logger.info("Python interpreters: {}", result);
		return List.copyOf(result);
	}

	private Set<Path> candidates() {
		Set<Path> candidates = new LinkedHashSet<>();
		if (!this.properties.interpreters().isEmpty()) {
			candidates.addAll(this.properties.interpreters());
			return candidates;
		}
		List<String> dirs = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			dirs.addAll(List.of(path.split(":")));
		}
		dirs.add("/usr/bin");
		for (String dir : dirs) {
			if (dir.isEmpty()) {
				continue;
			}
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(dir))) {
				List<Path> names = new ArrayList<>();
				for (Path entry : entries) {
					if (NAME.matcher(entry.getFileName().toString()).matches() && Files.isExecutable(entry)) {
						names.add(entry);
					}
				}
				names.sort(null);
				candidates.addAll(names);
			}
			catch (IOException | RuntimeException ex) {
				// a PATH entry that does not exist or cannot be read has no interpreters
				logger.debug("Skipping {}: {}", dir, ex.getMessage());
			}
		}
		return candidates;
	}

	private static Path realPath(Path candidate) {
		try {
			return candidate.toRealPath();
		}
		catch (IOException ex) {
			return candidate.toAbsolutePath().normalize();
		}
	}

	private @Nullable PythonInterpreter probe(Path candidate) {
		try {
			ExecResult result = this.shell
				.exec(ExecRequest.of(candidate.toString(), "-I", "-c", PROBE).withTimeout(Duration.ofSeconds(20)));
			String[] lines = result.output().strip().split("\n");
			if (!result.succeeded() || lines.length < 2) {
				logger.debug("{} is not a usable interpreter: {}", candidate, result.output());
				return null;
			}
			Path executable = Path.of(lines[0].strip());
			Path wheels = (lines.length > 2 && !lines[2].isBlank()) ? Path.of(lines[2].strip()) : null;
			return new PythonInterpreter(executable, lines[1].strip(),
					(wheels != null && Files.isDirectory(wheels)) ? wheels : null);
		}
		catch (PyappException ex) {
			logger.debug("{} cannot be run: {}", candidate, ex.getMessage());
			return null;
		}
	}

}
