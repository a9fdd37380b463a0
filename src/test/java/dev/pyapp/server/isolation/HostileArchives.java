package dev.pyapp.server.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.venv.TestWheels;

/**
 * The archives of the isolation tests: {@code victim}, an app with secrets in its config
 * file, its data and its environment; {@code hostile}, whose daemon, hook, task and
 * commands try to reach them ({@code src/test/resources/isolation/hostile.py}); and
 * {@code limits}, which exhausts memory, processes, open files and CPU on request.
 */
final class HostileArchives {

	private HostileArchives() {
	}

	static Path victim(Path dir) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		entries.put("metadata.yaml", text("format: 1", "name: victim", "version: 1.0.0", "entry:",
				"  wsgi: victim:application", "hooks:", "  post-install: victim:post_install"));
		entries.put("configuration.yaml", text("format: 1", "sections:", "  - name: site", "    label: Site",
				"    fields:", "      - name: token", "        widget: text", "        default: victim-config-secret"));
		entries.put("src/victim.py",
				text("import os", "", "", "def post_install():",
						"    with open(os.path.join(os.environ['PYAPP_DATA_PATH'], 'secret.txt'), 'w') as f:",
						"        f.write('victim-data-secret')", "", "", "def application(environ, start_response):",
						"    start_response('200 OK', [('Content-Length', '9')])", "    return [b'victim ok']"));
		return zip(dir.resolve("victim.pyapp"), entries);
	}

	/**
	 * @param targets what the attacker knows: paths, pids and ports (targets.json)
	 */
	static Path hostile(Path dir, String targets) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		entries.put("metadata.yaml",
				text("format: 1", "name: hostile", "version: 1.0.0", "entry:", "  wsgi: hostile:application", "hooks:",
						"  post-install: hostile:post_install", "tasks:", "  - name: attack",
						"    schedule: \"0 0 1 1 *\"", "    call: hostile:attack_task", "dependencies:",
						"  - requirement: \"hostile-shared==1.0\"", "    scope: shared"));
		entries.put("src/hostile.py", resource("hostile.py"));
		entries.put("deps/hostile_shared-1.0-py3-none-any.whl", sharedWheel());
		entries.put("src/targets.json", targets.getBytes(StandardCharsets.UTF_8));
		return zip(dir.resolve("hostile.pyapp"), entries);
	}

	/**
	 * The hostile app's shared dependency: a wheel of {@code hostile-shared} that puts a
	 * top-level {@code setproctitle} module into {@code server-packages/}.
	 */
	private static byte[] sharedWheel() throws IOException {
		return TestWheels.wheel("hostile_shared", "1.0", Map.of("setproctitle.py", resource("setproctitle.py")));
	}

	/**
	 * An app that asks for limits and offers ways to exceed each.
	 */
	static Path limits(Path dir) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		entries.put("metadata.yaml",
				text("format: 1", "name: limits", "version: 1.0.0", "entry:", "  wsgi: limits:application",
						"resources:", "  limits:", "    memory: 96MB", "    processes: 40", "    open_files: 128",
						"    cpu: 0.5", "daemon:", "  method: threading", "  workers: 1", "  threads: 2"));
		entries.put("src/limits.py", resource("limits.py"));
		return zip(dir.resolve("limits.pyapp"), entries);
	}

	private static byte[] resource(String name) throws IOException {
		try (InputStream in = HostileArchives.class.getResourceAsStream("/isolation/" + name)) {
			if (in == null) {
				throw new IOException("no test resource isolation/" + name);
			}
			return in.readAllBytes();
		}
	}

	private static byte[] text(String... lines) {
		return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
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

}
