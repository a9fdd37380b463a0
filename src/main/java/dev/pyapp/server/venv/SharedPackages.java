package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The distributions installed in {@code server-packages/} and which apps use each
 * ({@code .pyapp-shared.json}), so that a second app never silently replaces a version
 * another app relies on.
 */
final class SharedPackages {

	private static final String REGISTRY = ".pyapp-shared.json";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Path directory;

	SharedPackages(Path directory) {
		this.directory = directory;
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * The installed distributions: normalised name to version.
	 * @return the distributions
	 */
	Map<String, String> installed() {
		return distributions(this.directory);
	}

	/**
	 * Moves what a staging {@code pip install --target} produced into the shared
	 * directory, after checking every distribution against the installed ones.
	 * @param owner the app (or {@code pyapp-server}) that needs them
	 * @param staging the staging directory
	 * @throws PyappException ({@code CONFLICT}) naming the apps and versions when a
	 * distribution another app uses would change version; nothing is moved then
	 */
	synchronized void merge(String owner, Path staging) {
		Map<String, String> installed = installed();
		Map<String, Usage> usage = usage();
		Map<String, Path> staged = distInfos(staging);
		List<String> conflicts = new ArrayList<>();
		for (Map.Entry<String, Path> dist : staged.entrySet()) {
			String name = dist.getKey();
			String version = metadata(dist.getValue()).get("Version");
			String current = installed.get(name);
			if (current != null && !current.equals(version)) {
				Set<String> others = new TreeSet<>(usage.getOrDefault(name, new Usage(current, List.of())).apps());
				others.remove(owner);
				if (!others.isEmpty()) {
					conflicts.add("'" + owner + "' needs " + name + " " + version + " but " + name + " " + current
							+ " is installed for " + String.join(", ", others));
				}
			}
		}
		if (!conflicts.isEmpty()) {
			throw PyappException.conflict("shared dependency conflict in server-packages: "
					+ String.join("; ", conflicts) + " (install it with scope: local instead)");
		}
		Map<String, Path> current = distInfos(this.directory);
		try {
			for (Map.Entry<String, Path> dist : staged.entrySet()) {
				String name = dist.getKey();
				String version = metadata(dist.getValue()).get("Version");
				String installedVersion = installed.get(name);
				if (version != null && version.equals(installedVersion)) {
					continue;
				}
				if (installedVersion != null) {
					for (String entry : topLevel(current.get(name))) {
						AtomicFiles.deleteTree(this.directory.resolve(entry));
					}
				}
				for (String entry : topLevel(dist.getValue())) {
					Path source = staging.resolve(entry);
					Path target = this.directory.resolve(entry);
					if (Files.exists(source) && !Files.exists(target)) {
						Files.move(source, target);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot move shared packages into " + this.directory, ex);
		}
		Map<String, String> now = installed();
		for (String name : staged.keySet()) {
			use(usage, name, now.get(name), owner);
		}
		save(usage);
	}

	/**
	 * Records that an app uses distributions that are already installed.
	 * @param owner the app
	 * @param names the normalised names
	 */
	synchronized void use(String owner, Iterable<String> names) {
		Map<String, Usage> usage = usage();
		Map<String, String> installed = installed();
		for (String name : names) {
			use(usage, name, installed.get(name), owner);
		}
		save(usage);
	}

	/**
	 * Forgets an app's use of shared distributions (they stay installed).
	 * @param owner the app
	 */
	synchronized void forget(String owner) {
		Map<String, Usage> usage = usage();
		Map<String, Usage> result = new TreeMap<>();
		usage.forEach((name, entry) -> {
			List<String> apps = entry.apps().stream().filter((app) -> !app.equals(owner)).toList();
			result.put(name, new Usage(entry.version(), apps));
		});
		save(result);
	}

	Path newStaging(Path tmp) {
		return tmp.resolve("shared-" + UUID.randomUUID());
	}

	private static void use(Map<String, Usage> usage, String name, @Nullable String version, String owner) {
		Usage entry = usage.get(name);
		Set<String> apps = new TreeSet<>(
				(entry != null && version != null && version.equals(entry.version())) ? entry.apps() : List.of());
		apps.add(owner);
		usage.put(name, new Usage((version != null) ? version : "", List.copyOf(apps)));
	}

	private Map<String, Usage> usage() {
		Path file = this.directory.resolve(REGISTRY);
		if (!Files.isRegularFile(file)) {
			return new TreeMap<>();
		}
		try {
			return new TreeMap<>(mapper.readValue(Files.readString(file), new TypeReference<Map<String, Usage>>() {
			}));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

	private void save(Map<String, Usage> usage) {
		AtomicFiles.write(this.directory.resolve(REGISTRY), mapper.writeValueAsString(usage),
				java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
	}

	static Map<String, String> distributions(Path directory) {
		Map<String, String> result = new TreeMap<>();
		distInfos(directory).forEach((name, dir) -> result.put(name, metadata(dir).get("Version")));
		return result;
	}

	private static Map<String, Path> distInfos(Path directory) {
		Map<String, Path> result = new TreeMap<>();
		if (!Files.isDirectory(directory)) {
			return result;
		}
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.dist-info")) {
			for (Path entry : entries) {
				String name = metadata(entry).get("Name");
				if (name != null) {
					result.put(PipRunner.normalize(name), entry);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + directory, ex);
		}
		return result;
	}

	private static Map<String, String> metadata(Path distInfo) {
		Map<String, String> headers = new LinkedHashMap<>();
		try {
			for (String line : Files.readAllLines(distInfo.resolve("METADATA"), StandardCharsets.UTF_8)) {
				if (line.isEmpty()) {
					break;
				}
				int colon = line.indexOf(':');
				if (colon > 0) {
					headers.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).trim());
				}
			}
		}
		catch (IOException ex) {
			// a distribution without metadata has no name: it is ignored
		}
		return headers;
	}

	private static Set<String> topLevel(@Nullable Path distInfo) {
		Set<String> entries = new LinkedHashSet<>();
		if (distInfo == null) {
			return entries;
		}
		entries.add(distInfo.getFileName().toString());
		try {
			for (String line : Files.readAllLines(distInfo.resolve("RECORD"), StandardCharsets.UTF_8)) {
				String path = line.split(",", 2)[0];
				String first = path.split("/", 2)[0];
				if (!first.isEmpty() && !first.equals("..") && !first.equals("bin") && !first.startsWith("/")
						&& !first.equals("__pycache__")) {
					entries.add(first);
				}
			}
		}
		catch (IOException ex) {
			// no RECORD: only the dist-info itself is known
		}
		return entries;
	}

	/**
	 * @param version the installed version
	 * @param apps the apps that use it
	 */
	record Usage(String version, List<String> apps) {
	}

}
