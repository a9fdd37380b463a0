package dev.pyapp.server.packaging.internal;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * The paths of a package's entries, normalised and checked: an entry may not escape the
 * root, name the same path as another, or be both a file and a directory. The same rules
 * apply to archive entries and to the files of a source directory.
 */
public final class ArchiveLayout {

	public static final String METADATA = "metadata.yaml";

	public static final List<String> CONFIG_SPECS = List.of("configuration.yaml", "configuration.ini");

	private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

	private static final Pattern WIDGET = Pattern.compile("^widgets/[^/]+\\.ya?ml$");

	/** Normalised path to whether it is a directory. */
	private final Map<String, Boolean> entries = new LinkedHashMap<>();

	/**
	 * Normalised path to the raw name that declared it, for messages about duplicates.
	 */
	private final Map<String, String> rawNames = new HashMap<>();

	/** Directories that exist because something is inside them. */
	private final Map<String, String> parents = new HashMap<>();

	private final List<Problem> problems;

	ArchiveLayout(List<Problem> problems) {
		this.problems = problems;
	}

	/**
	 * Adds an entry.
	 * @param raw the entry's name as the archive records it ({@code a/b/} for a
	 * directory)
	 * @return its normalised path, or {@code null} if it is refused (a problem is added)
	 * or names the root
	 */
	@Nullable String add(String raw) {
		boolean directory = raw.endsWith("/");
		String path;
		try {
			path = normalise(raw);
		}
		catch (IllegalArgumentException ex) {
			this.problems.add(new Problem(raw, ex.getMessage()));
			return null;
		}
		if (path.isEmpty()) {
			if (!directory) {
				this.problems.add(new Problem(raw, "names the archive root; expected a file path"));
			}
			return null;
		}
		String previous = this.rawNames.putIfAbsent(path, raw);
		if (previous != null) {
			this.problems.add(new Problem(raw, previous.equals(raw) ? "duplicate entry; each path may appear once"
					: "duplicate entry: the same path as '" + previous + "' once normalised"));
			return null;
		}
		this.entries.put(path, directory);
		for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
			this.parents.putIfAbsent(path.substring(0, slash), raw);
		}
		return path;
	}

	/**
	 * Normalises an entry name: {@code .} and empty parts are dropped, {@code ..} removes
	 * the part before it.
	 * @param raw the name
	 * @return the path relative to the root, without a trailing slash
	 * @throws IllegalArgumentException saying why the name is refused
	 */
	static String normalise(String raw) {
		if (raw.isEmpty()) {
			throw new IllegalArgumentException("an entry with an empty name");
		}
		if (raw.indexOf('\\') >= 0) {
			throw new IllegalArgumentException("contains a backslash; expected '/' as the only separator");
		}
		if (raw.chars().anyMatch((c) -> c < 0x20 || c == 0x7f)) {
			throw new IllegalArgumentException("contains control characters");
		}
		if (raw.startsWith("/")) {
			throw new IllegalArgumentException("an absolute path; expected a path relative to the archive root");
		}
		if (DRIVE.matcher(raw).matches()) {
			throw new IllegalArgumentException(
					"starts with a drive letter; expected a path relative to the archive root");
		}
		Deque<String> segments = new ArrayDeque<>();
		for (String segment : raw.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				if (segments.isEmpty()) {
					throw new IllegalArgumentException("escapes the archive root; expected a path inside it");
				}
				segments.removeLast();
			}
			else {
				segments.addLast(segment);
			}
		}
		return String.join("/", segments);
	}

	/** Reports paths that are both a file and a directory, once every entry is added. */
	void checkFilesAreNotDirectories() {
		this.entries.forEach((path, directory) -> {
			if (!directory && this.parents.containsKey(path)) {
				this.problems.add(new Problem(this.rawNames.get(path),
						"is a file, but '" + this.parents.get(path) + "' puts something inside it"));
			}
		});
	}

	/**
	 * @return whether the path is a file or a directory (declared, or implied by a child)
	 */
	public boolean exists(String path) {
		return this.entries.containsKey(path) || this.parents.containsKey(path);
	}

	public boolean isFile(String path) {
		return Boolean.FALSE.equals(this.entries.get(path)) && !this.parents.containsKey(path);
	}

	boolean isDirectory(String path) {
		return Boolean.TRUE.equals(this.entries.get(path)) || this.parents.containsKey(path);
	}

	/**
	 * @return the declared directories, parents first
	 */
	List<String> directories() {
		return this.entries.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().toList();
	}

	/**
	 * Whether a path is one of the package's own widget files, read with the spec.
	 * @param path a normalised path
	 * @return whether it is {@code widgets/<name>.yaml} (or {@code .yml})
	 */
	public static boolean isWidget(String path) {
		return WIDGET.matcher(path).matches();
	}

	/**
	 * @return the package's own widget files ({@code widgets/*.yaml}), sorted
	 */
	public List<String> widgets() {
		return this.entries.keySet().stream().filter(ArchiveLayout::isWidget).filter(this::isFile).sorted().toList();
	}

	/**
	 * @return the configuration spec's file name, or {@code null} if there is none
	 */
	public @Nullable String configSpec() {
		return CONFIG_SPECS.stream().filter(this::isFile).findFirst().orElse(null);
	}

	/** Checks what every package must have: metadata.yaml, src/ and at most one spec. */
	public void checkRequired() {
		if (!isFile(METADATA)) {
			// a common mistake: zipping the app's folder instead of its content
			String nested = this.entries.keySet()
				.stream()
				.filter((path) -> path.endsWith("/" + METADATA))
				.min(Comparator.comparingInt(String::length))
				.orElse(null);
			this.problems.add(
					new Problem(METADATA, "missing; every package needs a metadata.yaml at its root" + ((nested != null)
							? " (found '" + nested + "': archive the folder's content, not the folder)" : "")));
		}
		if (!isDirectory("src")) {
			this.problems.add(new Problem("src/",
					"missing; every package needs a src/ directory at its root with the application's source"));
		}
		if (CONFIG_SPECS.stream().allMatch(this::isFile)) {
			this.problems.add(new Problem("configuration.ini",
					"both configuration.yaml and configuration.ini are present; expected at most one"));
		}
	}

	/**
	 * Resolves a normalised path below a directory, making sure it stays inside.
	 * @param root the directory
	 * @param path a path from {@link #add}
	 * @return the resolved path
	 */
	static Path inside(Path root, String path) {
		Path resolved = root.resolve(path).normalize();
		if (!resolved.startsWith(root) || resolved.equals(root)) {
			throw new IllegalStateException("Path [" + path + "] is not inside [" + root + "]");
		}
		return resolved;
	}

}
