package dev.pyapp.server.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.packaging.ExampleArchives;
import dev.pyapp.server.venv.TestWheels;

/**
 * Builds the {@code .pyapp} archives the runtime tests install: the example guestbook at
 * any version (examples/build.py) and {@code depsapp}, whose local dependency ships as a
 * wheel in {@code deps/} and whose shared one comes from the index.
 */
final class TestArchives {

	static final String INDEX = "file:///opt/pypi/simple";

	private TestArchives() {
	}

	static Path guestbook(Path dir, String version) throws IOException, InterruptedException {
		Path out = dir.resolve("gb-" + version);
		run(List.of(ExampleArchives.python3(), "examples/build.py", "--version", version, "--out", out.toString(),
				"guestbook"), null);
		try (Stream<Path> files = Files.list(out)) {
			return files.filter((file) -> file.toString().endsWith(".pyapp")).findFirst().orElseThrow();
		}
	}

	/**
	 * @param dir where to build
	 * @param version the version
	 * @param healthStatus what its {@code /health} answers
	 * @param wheels a directory with the wheel of {@code six} (from {@link #downloadSix})
	 * @return the archive
	 */
	static Path depsApp(Path dir, String version, int healthStatus, Path wheels) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		entries.put("metadata.yaml",
				String
					.join("\n", "format: 1", "name: depsapp", "version: " + version, "entry:",
							"  factory: depsapp:create", "dependencies:", "  - requirement: six", "    scope: local",
							"  - requirement: blinker", "    scope: shared", "daemon:", "  method: processes",
							"  workers: 2", "  bind: port", "health:", "  path: /health", "  timeout: 5s", "")
					.getBytes());
		entries.put("src/depsapp.py", String.join("\n", "import importlib, json, os, time", "import six", "",
				"HEALTH = " + healthStatus, "", "", "def create():", "    def app(environ, start_response):",
				"        path = environ.get('PATH_INFO', '/')", "        status = '200 OK'",
				"        if path == '/health':",
				"            status = '200 OK' if HEALTH == 200 else '%d Unhealthy' % HEALTH",
				"            body = 'ok'", "        elif path == '/sleep':",
				"            # a request that outlasts any stop timeout: the worker says it is in it",
				"            open(os.path.join(os.environ['PYAPP_DATA_PATH'], 'sleeping-%d' % os.getpid()), 'w').close()",
				"            time.sleep(600)", "            body = 'woke'", "        elif path == '/import':",
				"            name = environ.get('QUERY_STRING', '').split('=')[-1]", "            try:",
				"                importlib.import_module(name)", "                body = 'ok'",
				"            except ImportError as ex:", "                body = 'ImportError: %s' % ex",
				"        else:", "            body = os.environ.get('PYAPP_VERSION', '')",
				"        data = body.encode()",
				"        start_response(status, [('Content-Type', 'text/plain'), ('Content-Length', str(len(data)))])",
				"        return [data]", "    return app", "")
			.getBytes());
		try (Stream<Path> wheelFiles = Files.list(wheels)) {
			for (Path wheel : wheelFiles.toList()) {
				entries.put("deps/" + wheel.getFileName(), Files.readAllBytes(wheel));
			}
		}
		return zip(dir.resolve("depsapp-" + version + "-" + healthStatus + ".pyapp"), entries);
	}

	/**
	 * An app with a required setting and a post-install hook that records it ran.
	 * @param dir where to build
	 * @return the archive
	 */
	static Path confApp(Path dir) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		entries.put("metadata.yaml",
				String
					.join("\n", "format: 1", "name: confapp", "version: 1.0.0", "entry:", "  wsgi: confapp:application",
							"hooks:", "  post-install: confapp:post_install", "")
					.getBytes());
		entries.put("configuration.yaml",
				String
					.join("\n", "format: 1", "sections:", "  - name: site", "    label: Site", "    fields:",
							"      - name: title", "        widget: text", "        required: true", "")
					.getBytes());
		entries.put("src/confapp.py",
				String.join("\n", "import logging, os", "", "", "def post_install():",
						"    print('post-install prints to stdout')",
						"    logging.getLogger('confapp.hooks').warning('post-install logs a warning')",
						"    with open(os.path.join(os.environ['PYAPP_DATA_PATH'], 'installed'), 'w') as f:",
						"        f.write(open(os.environ['PYAPP_CONFIG_FILE']).read())", "", "",
						"def application(environ, start_response):",
						"    data = open(os.environ['PYAPP_CONFIG_FILE'], 'rb').read()",
						"    start_response('200 OK', [('Content-Length', str(len(data)))])", "    return [data]", "")
					.getBytes());
		return zip(dir.resolve("confapp.pyapp"), entries);
	}

	/**
	 * {@code cliapp}: its one dependency, {@code hello-cli} in {@code deps/}, brings a
	 * console script, which the app runs on {@code /cli}: the script prints the prefix of
	 * the environment its shebang names.
	 * @param dir where to build
	 * @param version the version
	 * @return the archive
	 */
	static Path cliApp(Path dir, String version) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		entries.put("metadata.yaml",
				String
					.join("\n", "format: 1", "name: cliapp", "version: " + version, "entry:",
							"  factory: cliapp:create", "dependencies:", "  - requirement: hello-cli",
							"    scope: local", "daemon:", "  bind: port", "health:", "  path: /health", "")
					.getBytes(StandardCharsets.UTF_8));
		entries.put("src/cliapp.py", String.join("\n", "import os, subprocess, sys", "", "", "def create():",
				"    def app(environ, start_response):", "        if environ.get('PATH_INFO') == '/cli':",
				"            script = os.path.join(sys.prefix, 'bin', 'hello-cli')",
				"            body = subprocess.run([script], capture_output=True, text=True).stdout.strip()",
				"        else:", "            body = os.environ.get('PYAPP_VERSION', '')",
				"        data = body.encode()",
				"        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(data)))])",
				"        return [data]", "    return app", "")
			.getBytes(StandardCharsets.UTF_8));
		entries.put("deps/hello_cli-1.0-py3-none-any.whl", helloCliWheel());
		return zip(dir.resolve("cliapp-" + version + ".pyapp"), entries);
	}

	/** A wheel with one module and a console script that prints {@code sys.prefix}. */
	private static byte[] helloCliWheel() throws IOException {
		Map<String, byte[]> files = new TreeMap<>();
		files.put("hello_cli.py",
				"import sys\n\n\ndef main():\n    print(sys.prefix)\n".getBytes(StandardCharsets.UTF_8));
		files.put("hello_cli-1.0.dist-info/entry_points.txt",
				"[console_scripts]\nhello-cli = hello_cli:main\n".getBytes(StandardCharsets.UTF_8));
		return TestWheels.wheel("hello_cli", "1.0", files);
	}

	private static Path zip(Path archive, Map<String, byte[]> entries) throws IOException {
		try (OutputStream file = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(file)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(entry.getKey()));
				zip.write(entry.getValue());
				zip.closeEntry();
			}
		}
		return archive;
	}

	static Path downloadSix(Path dir) throws IOException, InterruptedException {
		Path wheels = dir.resolve("wheels-six");
		run(List.of(ExampleArchives.python3(), "-m", "pip", "download", "--isolated", "--disable-pip-version-check",
				"--no-deps", "--index-url", INDEX, "-d", wheels.toString(), "six"), null);
		return wheels;
	}

	private static void run(List<String> command, Path directory) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		if (directory != null) {
			builder.directory(directory.toFile());
		}
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IOException(command + " failed: " + output);
		}
	}

}
