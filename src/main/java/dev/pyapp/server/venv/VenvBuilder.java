package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.DurationText;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.SystemPath;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Builds a release's Python environment (SPEC §3): a {@code python -m venv} without
 * system site-packages, with a {@code .pth} that adds {@code server-packages/}; local
 * dependencies from {@code deps/} first, then per {@code pyapp.python.index}; shared ones
 * into {@code server-packages/}; and {@code src/}, installed when it is a pip project,
 * else put on the path. Calls are synchronous and may take minutes.
 */
@Component
public class VenvBuilder {

	private static final Logger logger = LoggerFactory.getLogger(VenvBuilder.class);

	/** How long copying the live release's environment may take. */
	static final Duration REUSE_TIMEOUT = Duration.ofMinutes(2);

	/** How a build log line starts that says why an upgrade's environment is new. */
	static final String FROM_NOTHING = "building the environment from nothing: ";

	/** The longest pip error line a failure's message quotes (the log has it all). */
	static final int MAX_CAUSE = 300;

	private final NodeShell shell;

	private final InterpreterFinder interpreters;

	private final PipRunner pip;

	private final ServerPackages serverPackages;

	/** {@code pyapp.python.index}, part of an environment's fingerprint. */
	private final String index;

	private final boolean reuseEnvironment;

	@Autowired
	VenvBuilder(NodeShell shell, InterpreterFinder interpreters, PipRunner pip, ServerPackages serverPackages,
			PythonProperties properties) {
		this(shell, interpreters, pip, serverPackages, properties.index(), properties.reuseEnvironment());
	}

	/** A builder that always starts from nothing. */
	VenvBuilder(NodeShell shell, InterpreterFinder interpreters, PipRunner pip, ServerPackages serverPackages) {
		this(shell, interpreters, pip, serverPackages, "pip", false);
	}

	private VenvBuilder(NodeShell shell, InterpreterFinder interpreters, PipRunner pip, ServerPackages serverPackages,
			String index, boolean reuseEnvironment) {
		this.shell = shell;
		this.interpreters = interpreters;
		this.pip = pip;
		this.serverPackages = serverPackages;
		this.index = index;
		this.reuseEnvironment = reuseEnvironment;
	}

	/**
	 * Builds the environment of a release into {@code <release>/venv}; everything it
	 * prints is kept in {@code <release>/build.log} and passed to the request's output.
	 * @param request the release and its dependencies
	 * @return the environment
	 * @throws PyappException {@code INVALID} if no interpreter satisfies the app's
	 * {@code python:} specifier; {@code FAILED} with pip's output when a step fails;
	 * {@code CONFLICT} when a shared dependency would replace another app's version
	 */
	public PythonEnvironment build(VenvRequest request) {
		PythonInterpreter interpreter = this.interpreters.select(request.python(), request.interpreter());
		// the environment's .pth points at server-packages, and the first hook runs
		// pyapp_runtime from there: it must be provisioned before anything of the
		// app runs
		awaitProvisioning(Duration.ofMinutes(10));
		Path release = request.release();
		Path venv = AppPaths.venv(release);
		Path src = release.resolve("src");
		Path deps = release.resolve("deps");
		Path log = release.resolve("build.log");
		StringBuilder text = new StringBuilder();
		Consumer<String> output = (line) -> {
			text.append(line).append('\n');
			appendLog(log, line);
			request.output().accept(line);
		};
		output.accept("Python " + interpreter.version() + " (" + interpreter.executable() + ")");
		// read before any code of the app runs in the release; kept with it for the next
		// upgrade (only a live release, whose build succeeded, is ever compared with)
		EnvironmentFingerprint fingerprint = EnvironmentFingerprint.of(interpreter, this.index, request.requirements(),
				release, serverPackagesVersion());
		boolean reused = reuse(request, fingerprint, output);
		fingerprint.write(release);
		// everything of the build runs as the app's user in its sandbox
		Isolation isolation = request.isolation().apply(interpreter.executable());
		if (!reused) {
			ExecResult created = this.shell.exec(
					ExecRequest.of(interpreter.executable().toString(), "-m", "venv", "--without-pip", venv.toString())
						.withEnvironment(Map.of("PATH", SystemPath.STANDARD), false)
						.withTimeout(Duration.ofMinutes(2))
						.withLines(output)
						.isolated(isolation));
			if (!created.succeeded()) {
				throw PyappException.failed("python -m venv failed", text.toString());
			}
		}
		Path python = venv.resolve("bin").resolve("python");
		Path sitePackages = sitePackages(venv);
		writeFile(sitePackages.resolve("pyapp-1-server-packages.pth"), this.serverPackages.directory() + "\n");

		List<String> local = new ArrayList<>();
		List<String> shared = new ArrayList<>();
		for (VenvRequest.Requirement requirement : request.requirements()) {
			(requirement.shared() ? shared : local).add(requirement.requirement());
		}
		Set<String> inDeps = PipRunner.distributions(deps);
		List<String> fromDeps = local.stream().filter((r) -> inDeps.contains(PipRunner.projectName(r))).toList();
		List<String> fromIndex = local.stream().filter((r) -> !inDeps.contains(PipRunner.projectName(r))).toList();
		if (this.pip.offline()) {
			List<String> missing = new ArrayList<>(fromIndex);
			shared.stream().filter((r) -> !inDeps.contains(PipRunner.projectName(r))).forEach(missing::add);
			if (!missing.isEmpty()) {
				String message = "pyapp.python.index is none and deps/ has no distribution for: "
						+ String.join(", ", missing);
				output.accept(message);
				throw PyappException.failed(message, text.toString());
			}
		}
		if (!fromDeps.isEmpty()) {
			List<String> arguments = new ArrayList<>(List.of("--isolated", "--no-index"));
			arguments.addAll(PipRunner.findLinks(deps));
			arguments.addAll(fromDeps);
			pipInstall(python, interpreter, arguments, "installing dependencies from deps/ failed", output, text,
					isolation);
		}
		if (!fromIndex.isEmpty()) {
			List<String> arguments = new ArrayList<>(PipRunner.findLinks(deps));
			arguments.addAll(this.pip.indexArguments());
			arguments.addAll(fromIndex);
			pipInstall(python, interpreter, arguments, "installing dependencies failed", output, text, isolation);
		}
		if (!shared.isEmpty()) {
			try {
				this.serverPackages.installShared(request.app().value(), interpreter, shared, deps, output, isolation);
			}
			catch (PyappException ex) {
				output.accept(String.valueOf(ex.getMessage()));
				throw ex;
			}
			// the sandbox shows the app its shared distributions only: the ones just
			// installed too, for the install of src/ (its own requirements may be among
			// them)
			isolation = request.isolation().apply(interpreter.executable());
		}
		if (Files.isRegularFile(src.resolve("pyproject.toml")) || Files.isRegularFile(src.resolve("setup.py"))) {
			List<String> arguments = new ArrayList<>(PipRunner.findLinks(deps));
			arguments.addAll(this.pip.indexArguments());
			if (interpreter.bundledWheels() != null) {
				// setuptools and wheel for the build, even offline
				arguments.addAll(List.of("--find-links", interpreter.bundledWheels().toString()));
			}
			arguments.add(src.toString());
			pipInstall(python, interpreter, arguments, "installing src/ failed", output, text, isolation);
		}
		else {
			writeFile(sitePackages.resolve("pyapp-0-src.pth"), src + "\n");
		}
		logger.info("Built the environment of {} in {}", request.app(), venv);
		return new PythonEnvironment(interpreter, venv, python, src, log);
	}

	/**
	 * Starts the environment from a copy of the live release's when the app's
	 * dependencies did not change, saying in the build's output what was reused, or why
	 * not; pip then confirms the copy ("Requirement already satisfied") and installs
	 * {@code src/} as for a new environment. The copy is made before the release is
	 * handed to the app's user ({@link EnvironmentCopy}).
	 * @return whether the release's {@code venv/} is now such a copy
	 */
	private boolean reuse(VenvRequest request, EnvironmentFingerprint fingerprint, Consumer<String> output) {
		Decision decision = decide(this.reuseEnvironment, request.live(), fingerprint);
		if (decision.message() != null) {
			output.accept(decision.message());
		}
		Path live = request.live();
		if (!decision.reuse() || live == null) {
			return false;
		}
		long started = System.nanoTime();
		try {
			int rewritten = EnvironmentCopy.copy(live, request.release(), EnvironmentCopy.serverUid(), REUSE_TIMEOUT);
			output.accept("copied the environment of release " + live.getFileName() + " in "
					+ DurationText.of(Duration.ofNanos(System.nanoTime() - started)) + " (" + rewritten
					+ " files rewritten to name this release)");
			return true;
		}
		catch (EnvironmentCopy.Refused ex) {
			output.accept(FROM_NOTHING + "the environment of release " + live.getFileName() + " cannot be reused: "
					+ ex.getMessage());
			return false;
		}
	}

	/**
	 * The server's own distributions in {@code server-packages/} (gunicorn and what it
	 * needs), which pip saw when it resolved the environment: an app's shared ones are in
	 * its requirements.
	 */
	private List<String> serverPackagesVersion() {
		List<String> entries = new ArrayList<>();
		entries.add("gunicorn " + this.serverPackages.gunicornVersion());
		this.serverPackages.visibleTo(ServerPackages.SERVER)
			.stream()
			.filter((name) -> name.endsWith(".dist-info"))
			.sorted()
			.forEach(entries::add);
		return entries;
	}

	/**
	 * Whether a build may start from the live release's environment.
	 * @param enabled {@code pyapp.python.reuse-environment}
	 * @param live the live release's directory, or {@code null}
	 * @param fingerprint the new release's
	 * @return the decision and the line that says it ({@code null} for a first install)
	 */
	static Decision decide(boolean enabled, @Nullable Path live, EnvironmentFingerprint fingerprint) {
		if (live == null) {
			return new Decision(false, null);
		}
		String release = "release " + live.getFileName();
		if (!enabled) {
			return new Decision(false, FROM_NOTHING + "pyapp.python.reuse-environment is false");
		}
		if (!Files.isRegularFile(AppPaths.venv(live).resolve("pyvenv.cfg"), LinkOption.NOFOLLOW_LINKS)) {
			return new Decision(false, FROM_NOTHING + release + " has no environment");
		}
		Optional<EnvironmentFingerprint> earlier = EnvironmentFingerprint.read(live);
		if (earlier.isEmpty()) {
			return new Decision(false,
					FROM_NOTHING + release + " keeps no fingerprint of its environment (an older server built it)");
		}
		String difference = fingerprint.difference(earlier.get());
		if (difference != null) {
			return new Decision(false, FROM_NOTHING + difference + " since " + release);
		}
		return new Decision(true, "reusing the environment of " + release + ": dependencies unchanged");
	}

	/**
	 * Whether a build starts from the live release's environment.
	 *
	 * @param reuse whether it does
	 * @param message what the build log says about it, or {@code null}
	 */
	record Decision(boolean reuse, @Nullable String message) {
	}

	/**
	 * The interpreters apps can use, newest first.
	 * @return the interpreters
	 */
	public List<PythonInterpreter> interpreters() {
		return this.interpreters.interpreters();
	}

	/**
	 * Whether gunicorn and the shim are in {@code server-packages/}.
	 * @return the provisioning state
	 */
	public Provisioning provisioning() {
		return this.serverPackages.status();
	}

	/**
	 * Waits for the provisioning of {@code server-packages/} that runs at startup (tried
	 * again if it failed a while ago). gunicorn may be missing after it: an app that runs
	 * on gunicorn is refused when its daemon starts ({@link #gunicorn()}).
	 * @param timeout how long to wait at most
	 * @return the outcome
	 * @throws PyappException ({@code FAILED}) if the {@code pyapp_runtime} shim is not
	 * available
	 */
	public Provisioning awaitProvisioning(Duration timeout) {
		return this.serverPackages.awaitReady(timeout);
	}

	/**
	 * The gunicorn in {@code server-packages/}.
	 * @return its version, or {@code null} if it is not there
	 */
	public @Nullable String gunicorn() {
		return this.serverPackages.gunicornVersion();
	}

	/**
	 * Forgets an app's use of shared packages (when it is removed).
	 * @param app the app
	 */
	public void forget(AppId app) {
		this.serverPackages.forget(app.value());
	}

	/**
	 * What of {@code server-packages/} an app's sandbox shows (SPEC §10: an app never
	 * runs another app's code): the server's own packages and the shared distributions
	 * the app uses, not those other apps added.
	 * @param app the app
	 * @return the paths of the entries to mount, each in {@code server-packages/}
	 */
	public List<Path> serverPackagesFor(AppId app) {
		Path directory = this.serverPackages.directory();
		return this.serverPackages.visibleTo(app.value())
			.stream()
			.map(directory::resolve)
			.filter((entry) -> Files.exists(entry, LinkOption.NOFOLLOW_LINKS))
			.toList();
	}

	/**
	 * The distributions in {@code server-packages/}: normalised name to version.
	 * @return the distributions
	 */
	public Map<String, String> sharedPackages() {
		return this.serverPackages.installed();
	}

	private void pipInstall(Path python, PythonInterpreter interpreter, List<String> arguments, String failure,
			Consumer<String> output, StringBuilder text, Isolation isolation) {
		ExecResult result = this.pip.install(python, interpreter, arguments, output, isolation);
		if (!result.succeeded()) {
			throw PyappException.failed(
					failure(failure, result.timedOut() ? this.pip.timeout() : null, text.toString()), text.toString());
		}
	}

	/**
	 * What a failed pip run says in one line: the step's failure and pip's last
	 * {@code ERROR:} line, which names the requirement ("No matching distribution found
	 * for dash-no-such-package>=1"); a run that was stopped, its time bound and the
	 * setting that gives it (big wheels such as pandas' on a slow index take long).
	 * @param failure what failed
	 * @param timedOutAfter the time bound the run reached, or {@code null}
	 * @param output what pip printed
	 */
	static String failure(String failure, @Nullable Duration timedOutAfter, String output) {
		// (the whole output stays the error's log; the message keeps one bounded line)
		if (timedOutAfter != null) {
			return failure + ": pip did not finish within " + DurationText.of(timedOutAfter)
					+ " (pyapp.python.pip-timeout)";
		}
		String error = null;
		for (String line : output.split("\\R")) {
			String stripped = line.strip();
			if (stripped.startsWith("ERROR: ") && stripped.length() > "ERROR: ".length()) {
				error = stripped.substring("ERROR: ".length());
			}
		}
		if (error != null && error.length() > MAX_CAUSE) {
			error = error.substring(0, MAX_CAUSE) + "…";
		}
		return (error != null) ? failure + ": " + error : failure;
	}

	private static Path sitePackages(Path venv) {
		try (DirectoryStream<Path> libs = Files.newDirectoryStream(venv.resolve("lib"), "python*")) {
			Set<Path> found = new TreeSet<>();
			libs.forEach(found::add);
			for (Path lib : found) {
				Path site = lib.resolve("site-packages");
				Files.createDirectories(site);
				return site;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot find site-packages in " + venv, ex);
		}
		throw PyappException.failed("the venv " + venv + " has no lib/python*/site-packages", null);
	}

	private static void writeFile(Path file, String content) {
		try {
			Files.writeString(file, content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}

	private static void appendLog(Path log, String line) {
		try {
			Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// the log file is a convenience; the output still reaches the caller
			logger.debug("Cannot append to {}: {}", log, ex.getMessage());
		}
	}

}
