package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Redaction;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import org.jspecify.annotations.Nullable;

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

	PipRunner(NodeShell shell, PythonProperties properties) {
		this.shell = shell;
		this.properties = properties;
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
		List<String> command = new ArrayList<>(pip(python, interpreter));
		command.add("install");
		command.addAll(List.of("--disable-pip-version-check", "--no-input", "--progress-bar", "off"));
		command.addAll(arguments);
		// nothing pip prints may show the index's credentials
		Consumer<String> redacted = (line) -> output.accept(Redaction.urls(line));
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("PYTHONDONTWRITEBYTECODE", "1");
		environment.put("PIP_NO_WARN_SCRIPT_LOCATION", "1");
		boolean inherit = true;
		if (usesIndexUrl(arguments)) {
			// the URL (and the token it may carry) goes through the environment, never
			// the
			// command line other local users can read; no pip configuration file and no
			// PIP_* variable of the server's own applies, as --isolated would have it
			environment.put("PIP_INDEX_URL", this.properties.index());
			environment.put("PIP_CONFIG_FILE", "/dev/null");
			for (String name : PASSED_ON) {
				String value = System.getenv(name);
				if (value != null) {
					environment.put(name, value);
				}
			}
			inherit = false;
		}
		redacted.accept("$ pip install " + String.join(" ", arguments)
				+ (usesIndexUrl(arguments) ? " (index " + this.properties.index() + ")" : ""));
		return this.shell.exec(ExecRequest.of(command)
			.withEnvironment(environment, inherit)
			.withTimeout(this.properties.pipTimeout())
			.withLines(redacted));
	}

	private boolean usesIndexUrl(List<String> arguments) {
		return !this.properties.offline() && !this.properties.hostConfiguration() && !arguments.contains("--no-index");
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
