package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The distributions installed in {@code server-packages/} and which apps use each
 * ({@code .pyapp-shared.json}), so that a second app never silently replaces a version
 * another app relies on, and no distribution ever overwrites or deletes a file of another
 * one or of the server's own packages (SPEC §10 "Shared packages").
 * <p>
 * Every file is copied in by the server with its own modes (directories 0755, files 0644,
 * scripts 0755): the staging directory may belong to an app's user, and nothing of it but
 * the listed regular files gets in. Bytecode is never copied in: the server compiles the
 * sources it copied ({@link SharedBytecode}), and deletes the bytecode of every source it
 * replaces or removes, so that no bytecode outlives its source.
 */
final class SharedPackages {

	/** The most of a dist-info's METADATA read for its name and version. */
	private static final int MAX_METADATA = 4 << 20;

	/** The most of a dist-info's RECORD read (large packages list ~20,000 files). */
	private static final int MAX_RECORD = 16 << 20;

	private static final String REGISTRY = ".pyapp-shared.json";

	private static final String PYCACHE = "__pycache__";

	/**
	 * Top-level names of the server's own packages: gunicorn, the uWSGI support and the
	 * runtime shim. Only the server's own installs may ship files under them.
	 */
	static final Set<String> SERVER_OWN = Set.of("gunicorn", "pyapp_runtime", "uwsgi", "uwsgidecorators", "pyuwsgi");

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
	 * Copies what a staging {@code pip install --target} produced into the shared
	 * directory, after checking every distribution against the installed ones. A
	 * distribution installed at the same version with the same files is shared, not
	 * copied. An upgrade (or other files at the same version, when only the owner uses
	 * the installed copy) removes only the files the old copy's RECORD lists and no other
	 * distribution lists.
	 * @param owner the app (or {@code pyapp-server}) that needs them
	 * @param staging the staging directory
	 * @throws PyappException ({@code CONFLICT}) naming the apps and versions when a
	 * distribution another app uses would change version or, at the same version, its
	 * files (see {@link DistributionFiles}); ({@code INVALID}) naming both when a
	 * distribution ships files under another installed distribution's or the server's own
	 * top-level names; nothing changes then
	 */
	void merge(String owner, Path staging) {
		merge(owner, staging, (sources) -> {
		});
	}

	/**
	 * Copies what a staging {@code pip install --target} produced into the shared
	 * directory as {@link #merge(String, Path)} does, then has the sources of the
	 * distributions the owner now uses compiled: those copied in, and those it shares at
	 * the same code.
	 * @param owner the app (or {@code pyapp-server}) that needs them
	 * @param staging the staging directory
	 * @param compiler compiles sources, given relative to the directory; called while no
	 * other change to the directory can happen, and must not throw
	 */
	synchronized void merge(String owner, Path staging, Consumer<Set<String>> compiler) {
		Map<String, String> installed = installed();
		Map<String, Usage> usage = usage();
		Map<String, Path> staged = distInfos(staging);
		Map<String, Path> current = distInfos(this.directory);
		Map<String, List<String>> differences = differences(staging, staged, current, installed);
		// the same code at the same version: the owner shares the installed copy
		Set<String> same = new TreeSet<>();
		differences.forEach((name, files) -> {
			if (files.isEmpty()) {
				same.add(name);
			}
		});
		List<String> conflicts = new ArrayList<>();
		for (Map.Entry<String, Path> dist : staged.entrySet()) {
			String name = dist.getKey();
			String version = metadata(dist.getValue()).get("Version");
			String installedVersion = installed.get(name);
			List<String> differing = differences.get(name);
			if (installedVersion == null || same.contains(name)) {
				continue;
			}
			Set<String> others = new TreeSet<>(usage.getOrDefault(name, new Usage(installedVersion, List.of())).apps());
			others.remove(owner);
			if (others.isEmpty()) {
				// only the owner uses the installed copy: it is replaced
				continue;
			}
			conflicts.add((differing == null)
					? "'" + owner + "' needs " + name + " " + version + " but " + name + " " + installedVersion
							+ " is installed for " + String.join(", ", others)
					: "'" + owner + "' brings " + name + " " + version + " with other files than the " + name + " "
							+ installedVersion + " installed for " + String.join(", ", others) + " ("
							+ summary(differing) + ")");
		}
		if (!conflicts.isEmpty()) {
			throw PyappException.conflict("shared dependency conflict in server-packages: "
					+ String.join("; ", conflicts) + " (install it with scope: local instead)");
		}
		Map<String, Set<String>> currentFiles = new TreeMap<>();
		current.forEach((name, distInfo) -> currentFiles.put(name, files(distInfo, this.directory)));
		Map<String, Set<String>> stagedFiles = new LinkedHashMap<>();
		for (Map.Entry<String, Path> dist : staged.entrySet()) {
			String version = metadata(dist.getValue()).get("Version");
			if (same.contains(dist.getKey())) {
				continue;
			}
			if (!Files.isRegularFile(dist.getValue().resolve("RECORD"), LinkOption.NOFOLLOW_LINKS)) {
				throw PyappException.failed(dist.getKey() + " " + version + " has no RECORD of its files", null);
			}
			stagedFiles.put(dist.getKey(), files(dist.getValue(), staging));
		}
		List<Problem> clobbers = new ArrayList<>();
		stagedFiles.forEach((name, files) -> clobbers
			.addAll(clobbers(owner, name, metadata(staged.get(name)).get("Version"), files, currentFiles, installed)));
		if (!clobbers.isEmpty()) {
			throw PyappException.invalid("shared dependencies would overwrite files of other distributions", clobbers);
		}
		try {
			for (Map.Entry<String, Set<String>> dist : stagedFiles.entrySet()) {
				String name = dist.getKey();
				Set<String> old = currentFiles.get(name);
				if (old != null) {
					removeOwnFiles(owner, name, old, currentFiles);
					// its dist-info is its own, listed or not (RECORD rarely
					// lists itself)
					AtomicFiles.deleteTree(current.get(name));
				}
				copyIn(staging, DistributionFiles.of(staging, staged.get(name), dist.getValue()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot copy shared packages into " + this.directory, ex);
		}
		Map<String, String> now = installed();
		for (String name : staged.keySet()) {
			use(usage, name, now.get(name), owner);
		}
		save(usage);
		Set<String> sources = new TreeSet<>();
		stagedFiles.values().forEach((files) -> sources.addAll(sources(files)));
		same.forEach((name) -> sources.addAll(sources(currentFiles.get(name))));
		if (!sources.isEmpty()) {
			compiler.accept(sources);
		}
	}

	/**
	 * Has the sources of installed distributions compiled (an app that uses them already
	 * may now use them with another interpreter).
	 * @param names normalised names; those not installed are left out
	 * @param compiler compiles sources, given relative to the directory; called while no
	 * other change to the directory can happen, and must not throw
	 */
	synchronized void compile(Collection<String> names, Consumer<Set<String>> compiler) {
		Map<String, Path> current = distInfos(this.directory);
		Set<String> sources = new TreeSet<>();
		for (String name : names) {
			Path distInfo = current.get(name);
			if (distInfo != null) {
				sources.addAll(sources(files(distInfo, this.directory)));
			}
		}
		if (!sources.isEmpty()) {
			compiler.accept(sources);
		}
	}

	/** The Python sources among a distribution's files. */
	private static Set<String> sources(Set<String> files) {
		Set<String> sources = new TreeSet<>();
		for (String file : files) {
			if (file.endsWith(".py") && !file.split("/", 2)[0].endsWith(".dist-info")) {
				sources.add(file);
			}
		}
		return sources;
	}

	/**
	 * For each staged distribution installed at the same version: the files in which the
	 * two differ, none when they are the same code (and the staged one is shared).
	 */
	private Map<String, List<String>> differences(Path staging, Map<String, Path> staged, Map<String, Path> current,
			Map<String, String> installed) {
		Map<String, List<String>> differences = new TreeMap<>();
		staged.forEach((name, distInfo) -> {
			String version = metadata(distInfo).get("Version");
			if (version != null && version.equals(installed.get(name))) {
				differences.put(name,
						distribution(staging, distInfo).differences(distribution(this.directory, current.get(name))));
			}
		});
		return differences;
	}

	private static DistributionFiles distribution(Path root, Path distInfo) {
		return DistributionFiles.of(root, distInfo, files(distInfo, root));
	}

	/** The first few files that differ, for a message. */
	private static String summary(List<String> differences) {
		int shown = Math.min(3, differences.size());
		return String.join(", ", differences.subList(0, shown))
				+ ((differences.size() > shown) ? " and " + (differences.size() - shown) + " more" : "");
	}

	/**
	 * The problems of a staged distribution's files: a top-level name of the server's own
	 * packages, a top-level name another installed distribution owns (only a namespace
	 * package, with no {@code __init__.py} in either and no file in common, may be
	 * shared), or a file another distribution lists.
	 */
	private static List<Problem> clobbers(String owner, String name, @Nullable String version, Set<String> files,
			Map<String, Set<String>> installed, Map<String, String> versions) {
		List<Problem> problems = new ArrayList<>();
		String dist = name + " " + version;
		for (String top : topLevel(files)) {
			String module = top.endsWith(".py") ? top.substring(0, top.length() - 3) : top;
			if (SERVER_OWN.contains(module) && !owner.equals(ServerPackages.SERVER)) {
				problems.add(new Problem("dependencies",
						dist + " ships files under '" + top + "', which belongs to the " + "server's own "
								+ ownName(module, installed, versions) + "; install it with scope: local"));
				continue;
			}
			for (Map.Entry<String, Set<String>> other : installed.entrySet()) {
				if (other.getKey().equals(name) || !topLevel(other.getValue()).contains(top)) {
					continue;
				}
				boolean namespace = top.equals("__pycache__")
						|| (!files.contains(top + "/__init__.py") && !other.getValue().contains(top + "/__init__.py"));
				boolean common = files.stream()
					.anyMatch((file) -> file.startsWith(top + "/") && other.getValue().contains(file))
						|| files.contains(top) && other.getValue().contains(top);
				if (!namespace || common) {
					problems
						.add(new Problem("dependencies", dist + " ships files under '" + top + "', which belongs to "
								+ other.getKey() + " " + versions.get(other.getKey()) + " in server-packages"));
				}
			}
		}
		return problems;
	}

	private static String ownName(String module, Map<String, Set<String>> installed, Map<String, String> versions) {
		for (Map.Entry<String, Set<String>> dist : installed.entrySet()) {
			if (topLevel(dist.getValue()).contains(module) || topLevel(dist.getValue()).contains(module + ".py")) {
				return dist.getKey() + " " + versions.get(dist.getKey());
			}
		}
		return module.equals("pyapp_runtime") ? "runtime shim pyapp_runtime" : module;
	}

	/**
	 * Deletes an old version's files that no other distribution lists, with the bytecode
	 * of its sources, then empty directories.
	 */
	private void removeOwnFiles(String owner, String name, Set<String> files, Map<String, Set<String>> installed)
			throws IOException {
		Set<String> others = new TreeSet<>();
		installed.forEach((other, listed) -> {
			if (!other.equals(name)) {
				others.addAll(listed);
			}
		});
		Set<Path> parents = new TreeSet<>((a, b) -> b.getNameCount() - a.getNameCount() != 0
				? b.getNameCount() - a.getNameCount() : a.compareTo(b));
		for (String file : files) {
			String top = file.split("/", 2)[0];
			String module = top.endsWith(".py") ? top.substring(0, top.length() - 3) : top;
			if (others.contains(file) || (SERVER_OWN.contains(module) && !owner.equals(ServerPackages.SERVER))) {
				continue;
			}
			Path path = this.directory.resolve(file);
			if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
				Files.deleteIfExists(path);
			}
			if (file.endsWith(".py") && deleteBytecode(path)) {
				parents.add(path.resolveSibling(PYCACHE));
			}
			for (Path parent = path.getParent(); parent != null && !parent.equals(this.directory)
					&& parent.startsWith(this.directory); parent = parent.getParent()) {
				parents.add(parent);
			}
		}
		for (Path dir : parents) {
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
				if (!entries.iterator().hasNext()) {
					Files.delete(dir);
				}
			}
			catch (java.nio.file.NoSuchFileException ex) {
				// removed with a child
			}
		}
	}

	/**
	 * Copies the listed regular files and the dist-info in, with the server's modes; no
	 * bytecode (see {@link DistributionFiles#compiled}): pip compiled it as the app's
	 * user, and for sources with another mtime than the copies get.
	 */
	private void copyIn(Path staging, DistributionFiles distribution) throws IOException {
		for (String file : distribution.files()) {
			if (DistributionFiles.compiled(file)) {
				continue;
			}
			Path source = staging.resolve(file).normalize();
			Path target = this.directory.resolve(file).normalize();
			if (!source.startsWith(staging) || !target.startsWith(this.directory)) {
				continue;
			}
			// the staging directory is in the app's tmp/, its user wrote it: no link on
			// the way to a file is followed (a link to /etc would copy host files out
			// for every app to read)
			try (AtomicFiles.RegularFile regular = AtomicFiles.openBelow(staging,
					staging.relativize(source).toString())) {
				if (regular == null) {
					continue;
				}
				createDirectories(target.getParent());
				if (file.endsWith(".py")) {
					// another source's bytecode would be taken for this one's if its
					// mtime and size were the same
					deleteBytecode(target);
				}
				Files.copy(regular.content(), target, StandardCopyOption.REPLACE_EXISTING);
				boolean executable = regular.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
				Files.setPosixFilePermissions(target,
						PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
			}
		}
	}

	/**
	 * Deletes the bytecode of a source for every interpreter
	 * ({@code __pycache__/<name>.<tag>[.opt-N].pyc}).
	 * @param source the source
	 * @return whether there is a {@code __pycache__} directory beside it
	 */
	private static boolean deleteBytecode(Path source) throws IOException {
		Path cache = source.resolveSibling(PYCACHE);
		if (!Files.isDirectory(cache, LinkOption.NOFOLLOW_LINKS)) {
			return false;
		}
		String module = source.getFileName().toString();
		Pattern compiled = Pattern
			.compile(Pattern.quote(module.substring(0, module.length() - 3)) + "\\.[^.]+(\\.opt-[0-9]+)?\\.pyc");
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(cache,
				(entry) -> compiled.matcher(entry.getFileName().toString()).matches())) {
			for (Path entry : entries) {
				Files.deleteIfExists(entry);
			}
		}
		return true;
	}

	private void createDirectories(Path dir) throws IOException {
		if (dir.equals(this.directory) || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		createDirectories(dir.getParent());
		Files.createDirectory(dir);
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
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
	 * The installed distributions an app uses at their installed version: it installed
	 * them, or {@link #merge} found the files it brought the same.
	 * @param owner the app
	 * @return the normalised names
	 */
	synchronized Set<String> usedBy(String owner) {
		Map<String, String> installed = installed();
		Set<String> names = new TreeSet<>();
		usage().forEach((name, entry) -> {
			if (entry.apps().contains(owner) && entry.version().equals(installed.get(name))) {
				names.add(name);
			}
		});
		return names;
	}

	/**
	 * The entries of the shared directory an app's processes are shown: the server's own
	 * packages, the bytecode cache, and the top-level names and dist-info directories of
	 * the distributions the app uses. A module that a shared dependency of another app
	 * added is not on its path: code that imports a module only when it is there
	 * (gunicorn's {@code setproctitle}, {@code try: import simplejson}) never runs
	 * another app's code as this app's user. A source the app may not see leaves its
	 * bytecode in {@code __pycache__}, which Python never imports without the source.
	 * @param owner the app
	 * @return the names, relative to the directory
	 */
	synchronized Set<String> visibleTo(String owner) {
		Map<String, Usage> usage = usage();
		Set<String> names = new TreeSet<>(SERVER_OWN);
		names.add(PYCACHE);
		distInfos(this.directory).forEach((name, distInfo) -> {
			Usage entry = usage.get(name);
			if (entry == null || !entry.version().equals(metadata(distInfo).get("Version"))
					|| !(entry.apps().contains(owner) || entry.apps().contains(ServerPackages.SERVER))) {
				return;
			}
			names.add(distInfo.getFileName().toString());
			for (String file : files(distInfo, this.directory)) {
				int slash = file.indexOf('/');
				names.add((slash < 0) ? file : file.substring(0, slash));
			}
		});
		return names;
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
				PosixFilePermissions.fromString("rw-r--r--"));
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
				if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
					continue;
				}
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
			for (String line : lines(distInfo, "METADATA", MAX_METADATA)) {
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

	/**
	 * The files a distribution's RECORD lists, relative to the directory it was installed
	 * into: only paths that stay inside it, without scripts in {@code bin/}, and always
	 * its own dist-info.
	 */
	static Set<String> files(Path distInfo, Path root) {
		Set<String> files = new TreeSet<>();
		try {
			for (String line : lines(distInfo, "RECORD", MAX_RECORD)) {
				String path = recordPath(line);
				if (path.isEmpty() || path.startsWith("/")) {
					continue;
				}
				Path resolved = root.resolve(path).normalize();
				if (!resolved.startsWith(root) || resolved.equals(root)) {
					continue;
				}
				String relative = root.relativize(resolved).toString();
				if (!relative.startsWith("bin/")) {
					files.add(relative);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + distInfo.resolve("RECORD"), ex);
		}
		return files;
	}

	/**
	 * The lines of a file of a dist-info directory, which may be in a staging directory
	 * an app's user wrote: read without following a link (the dist-info directory itself
	 * included), without blocking on a FIFO, and no further than {@code max} bytes.
	 * @return the lines, none if there is no such regular file
	 * @throws IOException if it cannot be read or is larger than {@code max}
	 */
	private static List<String> lines(Path distInfo, String name, int max) throws IOException {
		Path root = distInfo.getParent();
		try (AtomicFiles.RegularFile file = AtomicFiles.openBelow(root,
				root.relativize(distInfo.resolve(name)).toString())) {
			if (file == null) {
				return List.of();
			}
			byte[] content = file.content().readNBytes(max + 1);
			if (content.length > max) {
				throw new IOException(distInfo.resolve(name) + " is larger than " + max + " bytes");
			}
			return new String(content, StandardCharsets.UTF_8).lines().toList();
		}
	}

	/** The path of a RECORD line (CSV: a path with a comma is quoted). */
	private static String recordPath(String line) {
		if (line.startsWith("\"")) {
			int end = line.indexOf("\",");
			return (end > 0) ? line.substring(1, end).replace("\"\"", "\"") : "";
		}
		return line.split(",", 2)[0];
	}

	private static Set<String> topLevel(Set<String> files) {
		Set<String> tops = new TreeSet<>();
		for (String file : files) {
			String top = file.split("/", 2)[0];
			if (!top.endsWith(".dist-info")) {
				tops.add(top);
			}
		}
		return tops;
	}

	/**
	 * @param version the installed version
	 * @param apps the apps that use it
	 */
	record Usage(String version, List<String> apps) {
	}

}
