package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.pyapp.server.core.AtomicFiles;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code server-packages/} with gunicorn in it, made once per test JVM and copied into
 * the home of an integration test's server before the server starts: the server then
 * finds gunicorn there and skips pip ({@link ServerPackages#provision}), which cost each
 * such test class 3 to 5 s.
 * <p>
 * The template is made the way the server makes its own: pip installs gunicorn from the
 * test index ({@code file:///opt/pypi/simple}, no pip configuration of the host) into a
 * staging directory with the server's pip options, and {@link SharedPackages#merge}
 * copies it in as the server's ({@code pyapp-server}), with its modes and its
 * {@code .pyapp-shared.json}. The runtime shim is not in it: the server installs that at
 * every start. {@code DropFolderIT} (and {@code NodesIT}'s agents) still provision
 * gunicorn with pip, as a fresh server does.
 */
public final class ServerPackagesTemplate {

	// one per test JVM: test JVMs running side by side (forkCount) must not make or
	// delete each other's
	private static final Path TEMPLATE = Path.of("target", "server-packages-template-" + ProcessHandle.current().pid())
		.toAbsolutePath();

	private static final String REGISTRY = ".pyapp-shared.json";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static @Nullable Path made;

	private ServerPackagesTemplate() {
	}

	/**
	 * Copies the template into {@code home/server-packages/}, making it first if this JVM
	 * has not yet.
	 * @param home a server's home, before the server starts
	 * @return the home
	 */
	public static Path copyInto(Path home) {
		Path template = template();
		Path target = home.resolve("server-packages");
		try (Stream<Path> files = Files.walk(template)) {
			for (Path file : files.toList()) {
				Path copy = target.resolve(template.relativize(file).toString());
				if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
					Files.createDirectories(copy);
					Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(file));
				}
				else {
					Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot copy " + template + " into " + target, ex);
		}
		return home;
	}

	/**
	 * What a {@code server-packages/} holds of the template's distributions: each file
	 * and directory under the template's top-level names with its modes and size, and
	 * their entries in {@code .pyapp-shared.json} (name, version, owners). Not the
	 * runtime shim (the server installs it at start) nor what apps added.
	 * @param serverPackages the directory
	 * @return one line each, sorted
	 */
	public static List<String> contents(Path serverPackages) {
		Path template = template();
		List<String> lines = new ArrayList<>();
		try {
			try (Stream<Path> top = Files.list(template)) {
				for (Path name : top.toList()) {
					if (name.getFileName().toString().equals(REGISTRY)) {
						continue;
					}
					Path root = serverPackages.resolve(name.getFileName().toString());
					if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
						lines.add("missing " + name.getFileName());
						continue;
					}
					try (Stream<Path> files = Files.walk(root)) {
						for (Path file : files.toList()) {
							if (file.getFileName().toString().equals("__pycache__")
									|| file.toString().contains("/__pycache__/")) {
								continue;
							}
							boolean directory = Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
							lines.add(serverPackages.relativize(file) + " "
									+ PosixFilePermissions
										.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))
									+ (directory ? "" : " " + Files.size(file)));
						}
					}
				}
			}
			JsonNode own = mapper.readTree(template.resolve(REGISTRY).toFile());
			JsonNode registry = mapper.readTree(serverPackages.resolve(REGISTRY).toFile());
			for (String name : own.propertyNames()) {
				lines.add(REGISTRY + " " + name + " " + registry.path(name));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + serverPackages, ex);
		}
		lines.sort(null);
		return lines;
	}

	/**
	 * The template, made first if this JVM has not yet.
	 * @return its directory
	 */
	public static synchronized Path template() {
		if (made == null) {
			try {
				made = make();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot make " + TEMPLATE, ex);
			}
		}
		return made;
	}

	private static Path make() throws IOException {
		AtomicFiles.deleteTree(TEMPLATE);
		Files.createDirectories(TEMPLATE.getParent());
		Path staging = Files.createTempDirectory(TEMPLATE.getParent(), "server-packages-staging");
		try {
			// as PipRunner runs it for ServerPackages.provision (pyapp.python.index set)
			ProcessBuilder builder = new ProcessBuilder(
					List.of("python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
							"--progress-bar", "off", "--target", staging.toString(), "gunicorn"))
				.redirectErrorStream(true);
			builder.environment()
				.putAll(Map.of("PIP_INDEX_URL", "file:///opt/pypi/simple", "PIP_CONFIG_FILE", "/dev/null",
						"PYTHONDONTWRITEBYTECODE", "1", "PIP_NO_WARN_SCRIPT_LOCATION", "1"));
			Process pip = builder.start();
			String output = new String(pip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!pip.waitFor(3, TimeUnit.MINUTES) || pip.exitValue() != 0) {
				pip.destroyForcibly();
				throw new IllegalStateException("pip could not install gunicorn for the template:\n" + output);
			}
			// as PyappHome.serverPackages() makes it
			Files.createDirectories(TEMPLATE);
			SharedPackages shared = new SharedPackages(TEMPLATE);
			shared.merge(ServerPackages.SERVER, staging);
			if (shared.installed().get("gunicorn") == null) {
				throw new IllegalStateException("no gunicorn in " + TEMPLATE + " after pip:\n" + output);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(() -> AtomicFiles.deleteTree(TEMPLATE)));
			return TEMPLATE;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while making " + TEMPLATE, ex);
		}
		finally {
			AtomicFiles.deleteTree(staging);
		}
	}

}
