package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

/**
 * What a release's environment was built from, kept in
 * {@code <release>/venv.fingerprint}: the interpreter, the index setting, the
 * requirements (local and shared, in order), each file of {@code deps/} with its size and
 * SHA-256, whether {@code src/} is a pip project, and the server's own distributions in
 * {@code server-packages/} (gunicorn's version among them). Two releases with the same
 * fingerprint need the same dependencies, so the new one may start from a copy of the
 * other's environment ({@link EnvironmentCopy}).
 *
 * @param lines {@code <kind> <value>} lines, in a stable order
 */
record EnvironmentFingerprint(List<String> lines) {

	/** The file in the release's directory. */
	static final String FILE = "venv.fingerprint";

	/** The most of a fingerprint file read (one line per requirement and deps/ file). */
	private static final int MAX_SIZE = 1024 * 1024;

	/** What each kind of line means, for the reason a copy is refused. */
	private static final Map<String, String> CHANGES = changes();

	EnvironmentFingerprint {
		lines = List.copyOf(lines);
	}

	/**
	 * The fingerprint of a release about to be built (read before any of the app's code
	 * runs in it).
	 * @param interpreter the interpreter the environment is made from
	 * @param index {@code pyapp.python.index} (only its hash is kept: a URL may hold a
	 * token)
	 * @param requirements the release's dependencies
	 * @param release the release's directory
	 * @param serverPackages the server's own distributions in {@code server-packages/}
	 * @return the fingerprint
	 */
	static EnvironmentFingerprint of(PythonInterpreter interpreter, String index,
			List<VenvRequest.Requirement> requirements, Path release, List<String> serverPackages) {
		List<String> lines = new ArrayList<>();
		lines.add("format 1");
		lines.add("interpreter " + interpreter.executable() + " " + interpreter.version());
		lines.add("index sha256:" + sha256(index.getBytes(StandardCharsets.UTF_8)));
		for (VenvRequest.Requirement requirement : requirements) {
			lines.add("requirement " + (requirement.shared() ? "shared " : "local ")
					+ requirement.requirement().strip().replaceAll("\\s+", " "));
		}
		Path deps = release.resolve("deps");
		if (Files.isDirectory(deps, LinkOption.NOFOLLOW_LINKS)) {
			try (Stream<Path> files = Files.walk(deps)) {
				for (Path file : files.sorted().toList()) {
					if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
						lines.add("deps " + deps.relativize(file) + " " + Files.size(file) + " " + sha256(file));
					}
					else if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
						lines.add("deps " + deps.relativize(file) + " other");
					}
				}
			}
			catch (IOException ex) {
				throw PyappException.failed("cannot read " + deps + ": " + ex.getMessage(), null);
			}
		}
		Path src = release.resolve("src");
		boolean project = Files.isRegularFile(src.resolve("pyproject.toml"))
				|| Files.isRegularFile(src.resolve("setup.py"));
		lines.add("src " + (project ? "project" : "path"));
		serverPackages.forEach((entry) -> lines.add("server-package " + entry));
		return new EnvironmentFingerprint(lines);
	}

	/**
	 * The fingerprint kept with a release built earlier.
	 * @param release the release's directory
	 * @return it, or empty when the release has none (built by an older server, or its
	 * build failed) or it cannot be read
	 */
	static Optional<EnvironmentFingerprint> read(Path release) {
		try (AtomicFiles.RegularFile file = AtomicFiles.openBelow(release, FILE)) {
			if (file == null) {
				return Optional.empty();
			}
			String text = new String(file.content().readNBytes(MAX_SIZE), StandardCharsets.UTF_8);
			return Optional.of(new EnvironmentFingerprint(text.lines().filter((line) -> !line.isBlank()).toList()));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Keeps the fingerprint with a release whose environment was built.
	 * @param release the release's directory
	 */
	void write(Path release) {
		// written by a rename: a link the build put in its place is replaced, never
		// followed
		AtomicFiles.write(release.resolve(FILE), String.join("\n", this.lines) + "\n", AtomicFiles.OWNER_ONLY);
	}

	/**
	 * What differs from the fingerprint of an earlier environment, in words.
	 * @param earlier the earlier environment's
	 * @return the first difference ("the requirements changed"), or {@code null} when
	 * they are the same
	 */
	@Nullable String difference(EnvironmentFingerprint earlier) {
		if (this.lines.equals(earlier.lines)) {
			return null;
		}
		Map<String, List<String>> mine = byKind(this.lines);
		Map<String, List<String>> theirs = byKind(earlier.lines);
		for (Map.Entry<String, String> change : CHANGES.entrySet()) {
			if (!mine.getOrDefault(change.getKey(), List.of())
				.equals(theirs.getOrDefault(change.getKey(), List.of()))) {
				return change.getValue();
			}
		}
		return "the environment's fingerprint changed";
	}

	private static Map<String, List<String>> byKind(List<String> lines) {
		Map<String, List<String>> kinds = new LinkedHashMap<>();
		for (String line : lines) {
			int space = line.indexOf(' ');
			String kind = (space > 0) ? line.substring(0, space) : line;
			kinds.computeIfAbsent(kind, (key) -> new ArrayList<>()).add(line);
		}
		return kinds;
	}

	private static Map<String, String> changes() {
		Map<String, String> changes = new LinkedHashMap<>();
		changes.put("format", "it was fingerprinted by another version of the server");
		changes.put("interpreter", "the Python interpreter changed");
		changes.put("index", "pyapp.python.index changed");
		changes.put("requirement", "the dependencies changed");
		changes.put("deps", "the content of deps/ changed");
		changes.put("src", "src/ became or stopped being a pip project");
		changes.put("server-package", "the server's packages in server-packages/ changed");
		return changes;
	}

	private static String sha256(Path file) throws IOException {
		MessageDigest digest = digest();
		try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
			byte[] buffer = new byte[64 * 1024];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static String sha256(byte[] bytes) {
		return HexFormat.of().formatHex(digest().digest(bytes));
	}

	private static MessageDigest digest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
