package dev.pyapp.server.venv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.Sha256;

/**
 * The files of one distribution as the server copies them into {@code server-packages/}
 * (staged by pip, or installed), and whether two installs of it are the same code (SPEC
 * §10 "Shared packages"): the same files with the same bytes (sha256), apart from what
 * pip writes differently for each install of the same wheel:
 * <ul>
 * <li>bytecode in {@code __pycache__/}: pip compiles it as the app's user, so the server
 * never copies it in ({@link #compiled}) but compiles the sources it copied itself
 * ({@link SharedBytecode}), for each interpreter that uses them;</li>
 * <li>the dist-info's {@code INSTALLER}, {@code RECORD} (it lists that bytecode and
 * {@code REQUESTED}), {@code REQUESTED} (only when asked for by name) and
 * {@code direct_url.json} (only when installed from a path or URL).</li>
 * </ul>
 * Console scripts ({@code bin/}, whose first line names pip's interpreter) are never
 * copied in, so they do not count either. The dist-info directory counts under any name
 * ({@code MarkupSafe-2.1.3.dist-info} or {@code markupsafe-2.1.3.dist-info}). Files are
 * read as {@link AtomicFiles#openBelow} reads them: the staging directory may belong to
 * an app's user.
 */
final class DistributionFiles {

	/** Files of a dist-info that pip writes for each install, not from the wheel. */
	private static final Set<String> PER_INSTALL = Set.of("INSTALLER", "RECORD", "REQUESTED", "direct_url.json");

	private static final String DIST_INFO = "*.dist-info/";

	private final Path root;

	private final String distInfo;

	private final Set<String> files;

	private DistributionFiles(Path root, Path distInfo, Set<String> files) {
		this.root = root;
		this.distInfo = distInfo.getFileName() + "/";
		this.files = files;
	}

	/**
	 * The files the server copies of a distribution: those its RECORD lists and whatever
	 * else is in its dist-info directory.
	 * @param root the directory pip installed into
	 * @param distInfo the distribution's dist-info directory in it
	 * @param listed the files its RECORD lists ({@link SharedPackages#files}), as read
	 * once: a staging directory's may change after the checks
	 * @return its files
	 */
	static DistributionFiles of(Path root, Path distInfo, Set<String> listed) {
		Set<String> files = new TreeSet<>(listed);
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(distInfo)) {
			for (Path entry : entries) {
				files.add(root.relativize(entry).toString());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + distInfo, ex);
		}
		return new DistributionFiles(root, distInfo, files);
	}

	/**
	 * @return the files, relative to the root; some may be no regular file (skip those)
	 */
	Set<String> files() {
		return this.files;
	}

	/**
	 * Whether a file is bytecode Python caches beside a source
	 * ({@code __pycache__/…pyc}), which a wheel does not ship: pip compiles it at
	 * install. Python uses such a file without looking at the source when it says so (an
	 * unchecked hash-based {@code .pyc}, PEP 552), so none written by an app's user may
	 * reach another app.
	 * @param file a path relative to the install's root
	 * @return whether it is such bytecode
	 */
	static boolean compiled(String file) {
		return file.endsWith(".pyc") && (file.startsWith("__pycache__/") || file.contains("/__pycache__/"));
	}

	/**
	 * The files in which this install and another differ: present in one only, or with
	 * other bytes.
	 * @param other the other install of the same distribution
	 * @return the files, relative to the root (a dist-info's as {@code *.dist-info/…}),
	 * sorted; none when both are the same code
	 */
	List<String> differences(DistributionFiles other) {
		Map<String, String> mine = digests();
		Map<String, String> theirs = other.digests();
		Set<String> all = new TreeSet<>(mine.keySet());
		all.addAll(theirs.keySet());
		return all.stream().filter((file) -> !Objects.equals(mine.get(file), theirs.get(file))).toList();
	}

	/** The sha256 of every file that counts and is a regular file. */
	private Map<String, String> digests() {
		Map<String, String> digests = new TreeMap<>();
		for (String file : this.files) {
			String key = file.startsWith(this.distInfo) ? DIST_INFO + file.substring(this.distInfo.length()) : file;
			if (compiled(file)
					|| (key.startsWith(DIST_INFO) && PER_INSTALL.contains(key.substring(DIST_INFO.length())))) {
				continue;
			}
			try (AtomicFiles.RegularFile regular = AtomicFiles.openBelow(this.root, file)) {
				if (regular != null) {
					digests.put(key, Sha256.of(regular.content()));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read " + this.root.resolve(file), ex);
			}
		}
		return digests;
	}

}
