package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
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

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Finds the host's Python interpreters: the configured ones, or every
 * {@code python3}/{@code python3.x} on {@code PATH} and in {@code /usr/bin}. Each is
 * probed once; only those whose {@code venv} module works are kept. The search runs once:
 * callers that ask while it runs (the provisioning that starts with the server, the first
 * {@code server.info}) wait for it instead of starting another, and the candidates are
 * probed a few at a time (a pyenv shim takes most of a second to answer). In the server
 * the search starts in the background as soon as this bean exists, beside the rest of the
 * start, so that the first {@code server.info} finds it done or nearly.
 */
@Component
class InterpreterFinder implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(InterpreterFinder.class);

	private static final Pattern NAME = Pattern.compile("^python3(\\.[0-9]+)?$");

	// prints sys.executable, the version, where ensurepip's wheels are, the
	// implementation and the ABI tag
	private static final String PROBE = String.join("\n", "import sys, os, sysconfig, venv, ensurepip",
			"print(sys.executable)", "print('%d.%d.%d' % sys.version_info[:3])", "wheels = ''", "try:",
			"    p = ensurepip._get_packages()['pip'] if hasattr(ensurepip, '_get_packages') else None",
			"    if p is not None and getattr(p, 'wheel_path', None): wheels = os.path.dirname(p.wheel_path)",
			"    elif p is not None: wheels = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')",
			"except Exception:", "    pass",
			"if not wheels and os.path.isdir(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')):",
			"    wheels = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')", "print(wheels)",
			"print(sys.implementation.name)", "print(sysconfig.get_config_var('SOABI') or '')");

	private final NodeShell shell;

	private final PythonProperties properties;

	/** How many candidates are probed at the same time. */
	private static final int PROBES = 4;

	private final AtomicReference<@Nullable FutureTask<List<PythonInterpreter>>> discovery = new AtomicReference<>();

	private final HostIsolation host;

	InterpreterFinder(NodeShell shell, PythonProperties properties, HostIsolation host) {
		this.shell = shell;
		this.properties = properties;
		this.host = host;
	}

	@Override
	public void afterPropertiesSet() {
		Thread thread = new Thread(() -> {
			try {
				interpreters();
			}
			catch (RuntimeException ex) {
				// not remembered: the next caller searches again and gets the error
				logger.debug("Looking for Python interpreters failed: {}", ex.getMessage());
			}
		}, "pyapp-interpreters");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The usable interpreters, newest first (found once, then remembered).
	 * @return the interpreters, possibly empty
	 */
	List<PythonInterpreter> interpreters() {
		FutureTask<List<PythonInterpreter>> task = this.discovery.get();
		if (task == null) {
			FutureTask<List<PythonInterpreter>> created = new FutureTask<>(this::discover);
			task = this.discovery.compareAndExchange(null, created);
			if (task == null) {
				task = created;
				created.run();
			}
		}
		try {
			return await(task);
		}
		catch (RuntimeException ex) {
			if (task.isDone()) {
				// a failed search is not remembered: the next caller tries again
				this.discovery.compareAndSet(task, null);
			}
			throw ex;
		}
	}

	private static <T> T await(Future<T> task) {
		try {
			return task.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted while looking for Python interpreters", null);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new IllegalStateException("Looking for Python interpreters failed", ex.getCause());
		}
	}

	/**
	 * The newest interpreter that satisfies a specifier.
	 * @param specifier the app's {@code python:} specifier, or {@code null} for any
	 * @return the interpreter
	 * @throws PyappException ({@code INVALID}) if the specifier is malformed or no
	 * interpreter satisfies it
	 */
	PythonInterpreter select(@Nullable String specifier) {
		return select(specifier, null);
	}

	/**
	 * The newest interpreter that satisfies a specifier and a constraint.
	 * @param specifier the app's {@code python:} specifier, or {@code null} for any
	 * @param constraint what else the interpreter must be, or {@code null}
	 * @return the interpreter
	 * @throws PyappException ({@code INVALID}) if the specifier is malformed or no
	 * interpreter satisfies both (naming the constraint's source when only it fails)
	 */
	PythonInterpreter select(@Nullable String specifier, @Nullable InterpreterConstraint constraint) {
		List<PythonInterpreter> all = interpreters();
		if (all.isEmpty()) {
			throw PyappException.failed("no Python interpreter with a working venv module was found"
					+ (this.properties.interpreters().isEmpty() ? " on PATH or in /usr/bin"
							: " among pyapp.python.interpreters " + this.properties.interpreters()),
					null);
		}
		if (specifier == null || specifier.isBlank()) {
			return constrained(all, all, constraint);
		}
		PythonSpecifier parsed;
		try {
			parsed = PythonSpecifier.parse(specifier);
		}
		catch (IllegalArgumentException ex) {
			throw PyappException.invalid("invalid python specifier",
					List.of(new Problem("metadata.yaml: python", ex.getMessage())));
		}
		List<PythonInterpreter> satisfying = all.stream()
			.filter((interpreter) -> parsed.contains(interpreter.version()))
			.toList();
		if (satisfying.isEmpty()) {
			throw PyappException.invalid("no suitable Python interpreter",
					List.of(new Problem("metadata.yaml: python",
							"the app needs Python " + specifier + " but this server has only " + all.stream()
								.map((interpreter) -> interpreter.version() + " (" + interpreter.executable() + ")")
								.toList())));
		}
		return constrained(satisfying, all, constraint);
	}

	private PythonInterpreter constrained(List<PythonInterpreter> candidates, List<PythonInterpreter> all,
			@Nullable InterpreterConstraint constraint) {
		if (constraint == null) {
			return preferred(candidates);
		}
		return Optional.of(candidates.stream().filter(constraint.accepts()).toList())
			.filter((accepted) -> !accepted.isEmpty())
			.map(this::preferred)
			.orElseThrow(() -> PyappException.invalid("no suitable Python interpreter", List.of(new Problem(
					constraint.source(),
					constraint.description() + "; " + ((candidates.size() < all.size())
							? "of this server's interpreters, the app's python: admits only " : "this server has only ")
							+ candidates.stream()
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
		Set<Path> probed = new HashSet<>();
		List<Path> unique = candidates().stream().filter((candidate) -> probed.add(realPath(candidate))).toList();
		Map<Path, PythonInterpreter> byExecutable = new LinkedHashMap<>();
		if (!unique.isEmpty()) {
			ExecutorService probes = Executors.newFixedThreadPool(Math.min(PROBES, unique.size()), (task) -> {
				Thread thread = new Thread(task, "pyapp-python-probe");
				thread.setDaemon(true);
				return thread;
			});
			try {
				// submitted in discovery order and collected in it: the order decides
				// among equal versions
				List<Future<@Nullable PythonInterpreter>> results = unique.stream()
					.map((candidate) -> probes.submit(() -> probe(candidate)))
					.toList();
				for (Future<@Nullable PythonInterpreter> result : results) {
					PythonInterpreter interpreter = await(result);
					if (interpreter != null) {
						byExecutable.putIfAbsent(interpreter.executable(), interpreter);
					}
				}
			}
			finally {
				probes.shutdownNow();
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
					(wheels != null && Files.isDirectory(wheels)) ? wheels : null,
					(lines.length > 3) ? lines[3].strip() : "", (lines.length > 4) ? lines[4].strip() : "");
		}
		catch (PyappException ex) {
			logger.debug("{} cannot be run: {}", candidate, ex.getMessage());
			return null;
		}
	}

}
