package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * {@code PYAPP_HOME/server-packages/}: provisions gunicorn and the {@code pyapp_runtime}
 * shim once the server is up (in the background, so startup never waits for pip), and
 * installs apps' shared dependencies without silently replacing another app's version.
 * Every app needs the shim; only an app run on gunicorn needs gunicorn, so a host whose
 * pip reaches no index serves apps on uWSGI. A failed provisioning is tried again by the
 * next build or start that waits for it once {@link #RETRY_AFTER} has passed (say, after
 * the operator fixed pip's configuration), not only at the next start of the server.
 */
@Component
class ServerPackages {

	static final String SERVER = "pyapp-server";

	/** How long a failed provisioning stands before a build or a start tries it again. */
	static final Duration RETRY_AFTER = Duration.ofMinutes(1);

	private static final Logger logger = LoggerFactory.getLogger(ServerPackages.class);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final PyappHome home;

	private final NodeShell shell;

	private final PipRunner pip;

	private final InterpreterFinder interpreters;

	private final PythonProperties properties;

	private final SharedPackages shared;

	private final SharedBytecode bytecode;

	/** The running or last attempt; {@code null} before the first. */
	private @Nullable CompletableFuture<Provisioning> attempt;

	/** When the last attempt failed. */
	private @Nullable Instant failed;

	private volatile Provisioning status = new Provisioning("pending", null, null, null);

	private final Duration retryAfter;

	@Autowired
	ServerPackages(PyappHome home, NodeShell shell, PipRunner pip, InterpreterFinder interpreters,
			PythonProperties properties) {
		this(home, shell, pip, interpreters, properties, RETRY_AFTER);
	}

	ServerPackages(PyappHome home, NodeShell shell, PipRunner pip, InterpreterFinder interpreters,
			PythonProperties properties, Duration retryAfter) {
		this.retryAfter = retryAfter;
		this.home = home;
		this.shell = shell;
		this.pip = pip;
		this.interpreters = interpreters;
		this.properties = properties;
		this.shared = new SharedPackages(home.serverPackages());
		this.bytecode = new SharedBytecode(shell, home.serverPackages(), home::tmp);
	}

	Path directory() {
		return this.shared.directory();
	}

	@EventListener(ApplicationReadyEvent.class)
	// before the crash watch begins, which is the last (SupervisorStartup)
	@Order(Ordered.LOWEST_PRECEDENCE - 1)
	void onReady() {
		if (this.properties.provision()) {
			attempt();
		}
	}

	/**
	 * The running attempt, or the last one unless it failed more than
	 * {@link #RETRY_AFTER} ago: then a new one.
	 */
	private synchronized CompletableFuture<Provisioning> attempt() {
		CompletableFuture<Provisioning> current = this.attempt;
		if (current != null && (!current.isDone() || this.failed == null
				|| this.failed.plus(this.retryAfter).isAfter(Instant.now()))) {
			return current;
		}
		CompletableFuture<Provisioning> next = new CompletableFuture<>();
		this.attempt = next;
		this.failed = null;
		this.status = new Provisioning("provisioning", null, null, null);
		Thread thread = new Thread(() -> next.complete(provisioned()), "pyapp-provision");
		thread.setDaemon(true);
		thread.start();
		return next;
	}

	Provisioning status() {
		return this.status;
	}

	/**
	 * Waits until provisioning has ended (tried again first if it failed more than
	 * {@link #RETRY_AFTER} ago). gunicorn may still be missing: an app that runs on it is
	 * refused when its daemon is started.
	 * @param timeout how long to wait
	 * @return the outcome
	 * @throws PyappException ({@code FAILED}) if the {@code pyapp_runtime} shim, which
	 * every app runs, is not installed
	 */
	Provisioning awaitReady(Duration timeout) {
		Provisioning result;
		try {
			result = attempt().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw PyappException.failed("gunicorn is still being installed into server-packages; try again", null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted while waiting for server-packages", null);
		}
		catch (ExecutionException ex) {
			throw PyappException.failed("provisioning server-packages failed: " + ex.getCause(), null);
		}
		if (!Files.isRegularFile(directory().resolve("pyapp_runtime").resolve("wsgi.py"))) {
			throw PyappException.failed("the runtime shim pyapp_runtime is not in server-packages: " + result.message(),
					result.log());
		}
		return result;
	}

	/**
	 * Installs the shim and, unless present, gunicorn.
	 */
	void provision() {
		provisioned();
	}

	private Provisioning provisioned() {
		try {
			installShim();
		}
		catch (RuntimeException ex) {
			logger.error("Cannot install the runtime shim into {}: {}", directory(), ex.getMessage());
			return complete(new Provisioning("failed", null, "cannot install pyapp_runtime: " + ex.getMessage(), null));
		}
		StringBuilder log = new StringBuilder();
		try {
			String version = gunicornVersion();
			if (version == null) {
				PythonInterpreter interpreter = this.interpreters.select(null);
				List<String> arguments = new ArrayList<>();
				Path wheels = this.home.wheels();
				if (hasWheel(wheels, "gunicorn-")) {
					arguments.addAll(List.of("--no-index", "--find-links", wheels.toString()));
				}
				else {
					arguments.addAll(this.pip.indexArguments());
					if (hasWheel(wheels, "")) {
						arguments.addAll(List.of("--find-links", wheels.toString()));
					}
				}
				arguments.add("gunicorn");
				installStaged(SERVER, interpreter, arguments, (line) -> log.append(line).append('\n'), this.home.tmp(),
						Isolation.none());
				version = gunicornVersion();
			}
			logger.info("server-packages ready: gunicorn {}", version);
			return complete(new Provisioning("ready", version, null, null));
		}
		catch (RuntimeException ex) {
			logger.error("Cannot provision gunicorn into {} (apps run on uWSGI only; tried again by the next "
					+ "install or start after {}): {}", directory(), this.retryAfter, ex.getMessage());
			String detail = (ex instanceof PyappException pe && pe.getLog() != null) ? pe.getLog() : log.toString();
			return complete(new Provisioning("failed", null, ex.getMessage() + " (put a gunicorn wheel into "
					+ this.home.wheels() + " or set pyapp.python.index)", detail));
		}
	}

	/**
	 * Installs shared requirements for an app, unless already satisfied.
	 * @param app the app's name
	 * @param interpreter the interpreter of the app's environment
	 * @param requirements PEP 508 requirements
	 * @param deps the archive's {@code deps/}, or {@code null}
	 * @param output receives pip's output
	 */
	void installShared(String app, PythonInterpreter interpreter, List<String> requirements, @Nullable Path deps,
			Consumer<String> output) {
		installShared(app, interpreter, requirements, deps, output, Isolation.none());
	}

	/**
	 * Installs shared requirements for an app, unless already satisfied for it: pip runs
	 * as the app's user into a staging directory in the app's {@code tmp/}; the server
	 * checks and copies the result in. A requirement that distributions installed for
	 * other apps satisfy is staged too, pinned to their versions, and shared only when
	 * the files are the same ({@link SharedPackages#merge}). The server then compiles the
	 * sources of the distributions the app uses with its interpreter
	 * ({@link SharedBytecode}; a failure there is only logged).
	 * @param app the app's name
	 * @param interpreter the interpreter of the app's environment
	 * @param requirements PEP 508 requirements
	 * @param deps the archive's {@code deps/}, or {@code null}
	 * @param output receives pip's output
	 * @param isolation the app's user and sandbox
	 * @throws PyappException ({@code CONFLICT}, {@code INVALID}) as
	 * {@link SharedPackages#merge} does; ({@code FAILED}) when pip fails
	 */
	void installShared(String app, PythonInterpreter interpreter, List<String> requirements, @Nullable Path deps,
			Consumer<String> output, Isolation isolation) {
		if (requirements.isEmpty()) {
			return;
		}
		List<String> missing = new ArrayList<>();
		List<String> satisfied = new ArrayList<>();
		Set<String> compiled = new TreeSet<>();
		Set<String> used = this.shared.usedBy(app);
		for (JsonNode line : check(interpreter, requirements)) {
			String requirement = line.path("requirement").asString();
			String installed = line.path("name").asString() + " " + line.path("installed").asString();
			List<String> pins = line.path("pins").valueStream().map(JsonNode::asString).toList();
			if (!line.path("satisfied").asBoolean(false)) {
				missing.add(requirement);
			}
			else if (pins.stream().allMatch((pin) -> used.contains(pin.substring(0, pin.indexOf("=="))))) {
				satisfied.add(line.path("name").asString());
				pins.forEach((pin) -> compiled.add(pin.substring(0, pin.indexOf("=="))));
				output.accept("shared " + requirement + ": satisfied by " + installed);
			}
			else {
				// not (yet) all this app's: it shares the installed copies only when its
				// own deps/ and index give the same files at the installed versions
				// (SharedPackages.merge compares them)
				// (the requirement last: a failure names the last argument)
				missing.addAll(pins);
				missing.add(requirement);
				output.accept("shared " + requirement + ": " + installed
						+ " is installed, not yet for this app: comparing it with the app's own");
			}
		}
		if (!missing.isEmpty()) {
			List<String> arguments = new ArrayList<>(PipRunner.findLinks(deps));
			arguments.addAll(this.pip.indexArguments());
			arguments.addAll(missing);
			Path tmp = (isolation.sandbox() != null || isolation.account() != null) ? this.home.app(AppId.of(app)).tmp()
					: this.home.tmp();
			installStaged(app, interpreter, arguments, output, tmp, isolation);
		}
		this.shared.use(app, satisfied);
		// already installed, maybe for another interpreter (or before the server
		// compiled shared sources): what is up to date is skipped
		this.shared.compile(compiled, (sources) -> this.bytecode.compile(interpreter, sources));
	}

	Set<String> visibleTo(String app) {
		return this.shared.visibleTo(app);
	}

	void forget(String app) {
		this.shared.forget(app);
	}

	Map<String, String> installed() {
		return this.shared.installed();
	}

	private void installStaged(String owner, PythonInterpreter interpreter, List<String> arguments,
			Consumer<String> output, Path tmp, Isolation isolation) {
		Path staging = this.shared.newStaging(tmp);
		StringBuilder log = new StringBuilder();
		Consumer<String> both = (line) -> {
			log.append(line).append('\n');
			output.accept(line);
		};
		try {
			List<String> all = new ArrayList<>(List.of("--target", staging.toString()));
			all.addAll(arguments);
			ExecResult result = this.pip.install(interpreter.executable(), interpreter, all, both, isolation);
			if (!result.succeeded()) {
				throw PyappException.failed("pip could not install " + arguments.get(arguments.size() - 1)
						+ " into server-packages" + (result.timedOut() ? " (timed out)" : ""), log.toString());
			}
			this.shared.merge(owner, staging, (sources) -> this.bytecode.compile(interpreter, sources));
		}
		finally {
			AtomicFiles.deleteTree(staging);
		}
	}

	private List<JsonNode> check(PythonInterpreter interpreter, List<String> requirements) {
		List<String> command = new ArrayList<>(List.of(interpreter.executable().toString(),
				directory().resolve("pyapp_runtime").resolve("shared.py").toString(), directory().toString()));
		command.addAll(requirements);
		Map<String, String> env = Map.of();
		Path pipWheel = pipWheel(interpreter);
		if (pipWheel != null) {
			env = Map.of("PYTHONPATH", pipWheel.toString());
		}
		ExecResult result = this.shell
			.exec(ExecRequest.of(command).withEnvironment(env, false).withTimeout(Duration.ofMinutes(1)));
		if (!result.succeeded()) {
			throw PyappException.failed("cannot check the shared requirements " + requirements, result.output());
		}
		return Arrays.stream(result.output().split("\n"))
			.filter((line) -> line.startsWith("{"))
			.map((line) -> (JsonNode) mapper.readTree(line))
			.toList();
	}

	@Nullable String gunicornVersion() {
		return this.shared.installed().get("gunicorn");
	}

	private void installShim() {
		Path target = directory().resolve("pyapp_runtime");
		try {
			Files.createDirectories(target);
			// every app reads the shim, whatever umask the server runs with (077
			// by scripts/run.sh)
			for (Path dir : List.of(directory(), target)) {
				Files.setPosixFilePermissions(dir,
						java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
			}
			Resource[] resources = new PathMatchingResourcePatternResolver()
				.getResources("classpath*:python/pyapp_runtime/*.py");
			for (Resource resource : resources) {
				String name = resource.getFilename();
				if (name == null) {
					continue;
				}
				String content;
				try (InputStream in = resource.getInputStream()) {
					content = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
				}
				Path file = target.resolve(name);
				if (!Files.isRegularFile(file) || !Files.readString(file).equals(content)) {
					AtomicFiles.write(file, content,
							java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot install the pyapp_runtime shim into " + target, ex);
		}
	}

	private synchronized Provisioning complete(Provisioning outcome) {
		this.status = outcome;
		this.failed = outcome.ready() ? null : Instant.now();
		return outcome;
	}

	private static boolean hasWheel(Path dir, String prefix) {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*.whl")) {
			return entries.iterator().hasNext();
		}
		catch (IOException ex) {
			return false;
		}
	}

	static @Nullable Path pipWheel(PythonInterpreter interpreter) {
		Path wheels = interpreter.bundledWheels();
		if (wheels == null) {
			return null;
		}
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(wheels, "pip-*.whl")) {
			for (Path wheel : entries) {
				return wheel;
			}
		}
		catch (IOException ex) {
			// no bundled pip: the interpreter's own is used
		}
		return null;
	}

}
