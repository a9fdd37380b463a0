package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Redaction;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.SystemPath;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Runs pip with the arguments {@code pyapp.python.index} calls for (SPEC §3). pip itself
 * comes from the wheel the interpreter's {@code ensurepip} ships, run inside the target
 * interpreter, so environments are created without pip of their own.
 */
@Component
class PipRunner {

	private static final Pattern REQUIREMENT_NAME = Pattern.compile("^\\s*([A-Za-z0-9][A-Za-z0-9._-]*)");

	private static final Pattern DIST_FILE = Pattern
		.compile("^([A-Za-z0-9][A-Za-z0-9._]*?)-([0-9][^-]*?)(-.*\\.whl|\\.tar\\.gz|\\.zip|\\.tar\\.bz2)$");

	/** Variables of the server's environment that reach pip when it uses an index URL. */
	private static final List<String> PASSED_ON = List.of("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY",
			"HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "TMPDIR");

	private final NodeShell shell;

	private final PythonProperties properties;

	private static final Pattern SETTING = Pattern
		.compile("^(?:global|install|download|wheel)\\.([a-z][a-z0-9-]*)=(.*)$");

	/** pip's own default index, used unless pip's configuration names another. */
	static final String DEFAULT_INDEX = "https://pypi.org/simple";

	private volatile @Nullable Map<String, String> hostSettings;

	/** The server's own environment, whose {@code PIP_*} variables pip reads. */
	private final Map<String, String> environment;

	@Autowired
	PipRunner(NodeShell shell, PythonProperties properties) {
		this(shell, properties, System.getenv());
	}

	PipRunner(NodeShell shell, PythonProperties properties, Map<String, String> environment) {
		this.shell = shell;
		this.properties = properties;
		this.environment = environment;
	}

	/**
	 * Runs {@code pip install} in an interpreter.
	 * @param python the interpreter that pip installs into (a venv's, or the host's with
	 * {@code --target})
	 * @param interpreter the host interpreter whose bundled pip is used
	 * @param arguments the arguments after {@code install}
	 * @param output receives every line
	 * @return the result
	 */
	ExecResult install(Path python, PythonInterpreter interpreter, List<String> arguments, Consumer<String> output) {
		return install(python, interpreter, arguments, output, Isolation.none());
	}

	/**
	 * Runs {@code pip install} as an app process.
	 * @param python the interpreter that pip installs into
	 * @param interpreter the host interpreter whose bundled pip is used
	 * @param arguments the arguments after {@code install}
	 * @param output receives every line
	 * @param isolation the app's user and sandbox
	 * @return the result
	 */
	ExecResult install(Path python, PythonInterpreter interpreter, List<String> arguments, Consumer<String> output,
			Isolation isolation) {
		List<String> command = new ArrayList<>(pip(python, interpreter));
		command.add("install");
		command.addAll(List.of("--disable-pip-version-check", "--no-input", "--progress-bar", "off"));
		List<String> network = networkDefaults(interpreter, arguments);
		command.addAll(network);
		command.addAll(arguments);
		// nothing pip prints may show the index's credentials
		Consumer<String> redacted = (line) -> output.accept(Redaction.urls(line));
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("PYTHONDONTWRITEBYTECODE", "1");
		environment.put("PIP_NO_WARN_SCRIPT_LOCATION", "1");
		// what a build backend starts (a compiler, the venv's python) is found on the
		// PATH every app process has, never on the server's own
		environment.put("PATH", pathOf(python));
		boolean isolated = isolation.isolates();
		boolean inherit = !isolated;
		if (usesIndexUrl(arguments)) {
			// the URL (and the token it may carry) goes through the environment, never
			// the command line other local users can read; no pip configuration file and
			// no PIP_* variable of the server's own applies, as --isolated would have it
			environment.put("PIP_INDEX_URL", this.properties.index());
			environment.put("PIP_CONFIG_FILE", "/dev/null");
			for (String name : PASSED_ON) {
				String value = this.environment.get(name);
				// an app's build has its own /tmp in its sandbox
				if (value != null && !(isolated && name.equals("TMPDIR"))) {
					environment.put(name, value);
				}
			}
			inherit = false;
		}
		else if (isolated) {
			// an app's build sees the host's pip settings, nothing else of the server's
			// environment; the server user's own pip.conf becomes variables, as the app's
			// user cannot read it
			if (this.properties.hostConfiguration()) {
				hostSettings(interpreter).forEach(environment::putIfAbsent);
			}
			this.environment.forEach((name, value) -> {
				String lower = name.toLowerCase(Locale.ROOT);
				if (name.startsWith("PIP_") || lower.equals("http_proxy") || lower.equals("https_proxy")
						|| lower.equals("no_proxy")) {
					environment.putIfAbsent(name, value);
				}
			});
		}
		List<String> shown = new ArrayList<>(network);
		shown.addAll(arguments);
		redacted.accept("$ pip install " + String.join(" ", shown) + sources(interpreter, arguments));
		return this.shell.exec(ExecRequest.of(command)
			.withEnvironment(environment, inherit)
			.withTimeout(this.properties.pipTimeout())
			.withLines(redacted)
			.isolated(isolation));
	}

	/**
	 * The {@code PATH} pip runs with: the venv's {@code bin/} first when it installs into
	 * a venv, then the system's ({@link SystemPath}).
	 * @param python the interpreter that pip installs into
	 * @return the path
	 */
	static String pathOf(Path python) {
		Path bin = python.getParent();
		Path venv = (bin != null) ? bin.getParent() : null;
		if (venv != null && "bin".equals(String.valueOf(bin.getFileName()))
				&& Files.isRegularFile(venv.resolve("pyvenv.cfg"))) {
			return SystemPath.withVenv(venv);
		}
		return SystemPath.STANDARD;
	}

	/**
	 * pip's {@code --retries} and {@code --timeout} for a run that may reach an index,
	 * each only when the operator's pip configuration (pip.conf, {@code PIP_*} variables)
	 * sets none: an unreachable index (a machine without internet whose pip.conf adds a
	 * local index) then costs seconds, not pip's five retries with backoff per
	 * requirement, while an operator's own choice stays authoritative.
	 * @param interpreter the interpreter whose pip reads the host's configuration
	 * @param arguments the arguments after {@code install}
	 * @return the options to add, empty when pip reaches no index or the operator set
	 * both
	 */
	List<String> networkDefaults(PythonInterpreter interpreter, List<String> arguments) {
		if (this.properties.offline() || arguments.contains("--no-index")) {
			return List.of();
		}
		// with an index URL of the server's, no pip configuration of the host applies
		Map<String, String> configured = this.properties.hostConfiguration() ? configuration(interpreter) : Map.of();
		List<String> options = new ArrayList<>();
		if (!configured.containsKey("PIP_RETRIES")) {
			options.addAll(List.of("--retries", Integer.toString(this.properties.pipRetries())));
		}
		if (!configured.containsKey("PIP_TIMEOUT") && !configured.containsKey("PIP_DEFAULT_TIMEOUT")) {
			options.addAll(
					List.of("--timeout", Long.toString(Math.max(1, this.properties.pipNetworkTimeout().toSeconds()))));
		}
		return options;
	}

	/**
	 * Where pip looks for what {@code deps/} lacks, for the build log.
	 * @param interpreter the interpreter whose pip reads the host's configuration
	 * @param arguments the arguments after {@code install}
	 * @return the text after the command line, starting with a space; empty when pip
	 * reaches no index
	 */
	String sources(PythonInterpreter interpreter, List<String> arguments) {
		if (this.properties.offline() || arguments.contains("--no-index")) {
			return "";
		}
		if (usesIndexUrl(arguments)) {
			return " (index " + this.properties.index() + ")";
		}
		Map<String, String> configured = configuration(interpreter);
		String noIndex = configured.getOrDefault("PIP_NO_INDEX", "").toLowerCase(Locale.ROOT);
		StringBuilder text = new StringBuilder(" (");
		if (List.of("1", "true", "yes", "on").contains(noIndex)) {
			text.append("no index");
		}
		else {
			String index = configured.get("PIP_INDEX_URL");
			text.append("index ").append((index != null) ? index : DEFAULT_INDEX + ", pip's default");
			String extra = configured.get("PIP_EXTRA_INDEX_URL");
			if (extra != null) {
				text.append("; extra index ").append(extra);
			}
		}
		String links = configured.get("PIP_FIND_LINKS");
		if (links != null) {
			text.append("; find-links ").append(links);
		}
		return text.append("; from the host's pip configuration)").toString();
	}

	/**
	 * The operator's pip settings as pip sees them: {@code PIP_*} variables of the
	 * server's environment over the host's pip.conf files.
	 */
	private Map<String, String> configuration(PythonInterpreter interpreter) {
		Map<String, String> configured = new TreeMap<>(hostSettings(interpreter));
		this.environment.forEach((name, value) -> {
			if (name.startsWith("PIP_")) {
				configured.put(name, value);
			}
		});
		return configured;
	}

	private boolean usesIndexUrl(List<String> arguments) {
		return !this.properties.offline() && !this.properties.hostConfiguration() && !arguments.contains("--no-index");
	}

	/**
	 * The pip settings of the server's user ({@code pip config list}: the global, user
	 * and site files) as {@code PIP_*} variables, found once.
	 * @param interpreter the interpreter whose pip reads them
	 * @return the variables
	 */
	Map<String, String> hostSettings(PythonInterpreter interpreter) {
		Map<String, String> settings = this.hostSettings;
		if (settings == null) {
			List<String> command = new ArrayList<>(pip(interpreter.executable(), interpreter));
			command.addAll(List.of("config", "list"));
			ExecResult result = this.shell.exec(ExecRequest.of(command).withTimeout(java.time.Duration.ofMinutes(1)));
			settings = result.succeeded() ? settings(result.output()) : Map.of();
			this.hostSettings = settings;
		}
		return settings;
	}

	/**
	 * {@code pip config list} output ({@code global.find-links='/opt/wheels'}) as
	 * variables ({@code PIP_FIND_LINKS}); options of every section apply to every command
	 * this server runs.
	 */
	static Map<String, String> settings(String output) {
		Map<String, String> settings = new TreeMap<>();
		for (String line : output.split("\n")) {
			Matcher matcher = SETTING.matcher(line.strip());
			if (matcher.matches()) {
				String name = "PIP_" + matcher.group(1).toUpperCase(Locale.ROOT).replace('-', '_');
				String value = matcher.group(2);
				if (value.length() >= 2 && (value.startsWith("'") || value.startsWith("\""))
						&& value.charAt(value.length() - 1) == value.charAt(0)) {
					value = value.substring(1, value.length() - 1).replace("\\'", "'").replace("\\\\", "\\");
				}
				settings.putIfAbsent(name, value);
			}
		}
		return settings;
	}

	/**
	 * The arguments that select the sources of dependencies beyond {@code deps/}.
	 * @return the index arguments
	 */
	List<String> indexArguments() {
		if (this.properties.hostConfiguration()) {
			return List.of();
		}
		if (this.properties.offline()) {
			return List.of("--isolated", "--no-index");
		}
		// the index URL goes through the environment (see install)
		return List.of();
	}

	boolean offline() {
		return this.properties.offline();
	}

	/** How long one pip run may take ({@code pyapp.python.pip-timeout}). */
	Duration timeout() {
		return this.properties.pipTimeout();
	}

	/**
	 * {@code --find-links} for a {@code deps/} directory and each of its subfolders.
	 * @param deps the directory, or {@code null}
	 * @return the arguments (empty if there is no such directory)
	 */
	static List<String> findLinks(@Nullable Path deps) {
		List<String> arguments = new ArrayList<>();
		if (deps == null || !Files.isDirectory(deps)) {
			return arguments;
		}
		arguments.add("--find-links");
		arguments.add(deps.toString());
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(deps, Files::isDirectory)) {
			for (Path sub : entries) {
				arguments.add("--find-links");
				arguments.add(sub.toString());
			}
		}
		catch (IOException ex) {
			throw PyappException.failed("cannot read " + deps + ": " + ex.getMessage(), null);
		}
		return arguments;
	}

	/**
	 * The normalised project names of the distributions in a {@code deps/} directory.
	 * @param deps the directory, or {@code null}
	 * @return the names
	 */
	static TreeSet<String> distributions(@Nullable Path deps) {
		TreeSet<String> names = new TreeSet<>();
		if (deps == null || !Files.isDirectory(deps)) {
			return names;
		}
		try (var files = Files.walk(deps, 2)) {
			files.filter(Files::isRegularFile).forEach((file) -> {
				Matcher matcher = DIST_FILE.matcher(file.getFileName().toString());
				if (matcher.matches()) {
					names.add(normalize(matcher.group(1)));
				}
			});
		}
		catch (IOException ex) {
			throw PyappException.failed("cannot read " + deps + ": " + ex.getMessage(), null);
		}
		return names;
	}

	/**
	 * The project a PEP 508 requirement names, normalised (PEP 503).
	 * @param requirement the requirement
	 * @return the name
	 */
	static String projectName(String requirement) {
		Matcher matcher = REQUIREMENT_NAME.matcher(requirement);
		return matcher.find() ? normalize(matcher.group(1)) : normalize(requirement.trim());
	}

	static String normalize(String name) {
		return name.replaceAll("[-_.]+", "-").toLowerCase(Locale.ROOT);
	}

	private static List<String> pip(Path python, PythonInterpreter interpreter) {
		Path wheels = interpreter.bundledWheels();
		if (wheels != null) {
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(wheels, "pip-*.whl")) {
				for (Path wheel : entries) {
					return List.of(python.toString(), wheel.resolve("pip").toString());
				}
			}
			catch (IOException ex) {
				// fall back to the interpreter's own pip module
			}
		}
		if (python.equals(interpreter.executable())) {
			return List.of(python.toString(), "-m", "pip");
		}
		return List.of(interpreter.executable().toString(), "-m", "pip", "--python", python.toString());
	}

}
