package dev.pyapp.server.deploy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.AppManifest;

/**
 * Static directories the hooks create (SPEC §10 {@code generated: true}, such as the
 * target of Django's {@code collectstatic}): made empty in the release before the hooks
 * run, so that the hooks may fill them without writing anywhere else of the release, and
 * checked before the switch, so a release whose hooks did not create them never goes
 * live.
 */
final class GeneratedStatics {

	private GeneratedStatics() {
	}

	/**
	 * Creates the release's generated static directories that do not exist yet.
	 * @param manifest the release's manifest
	 * @param release the release's directory
	 * @return every generated static directory of the release
	 */
	static List<Path> prepare(AppManifest manifest, Path release) {
		List<Path> directories = new ArrayList<>();
		for (AppManifest.StaticEntry entry : generated(manifest)) {
			Path directory = inside(release, entry);
			create(release, directory, entry);
			directories.add(directory);
		}
		return directories;
	}

	/**
	 * Creates a directory below the release one step at a time, never through a symlink:
	 * the build (the app's user) may have put one on the way ({@code assets -> /etc} for
	 * {@code assets/ssl}), and the directory is then given to the app's user.
	 */
	private static void create(Path release, Path directory, AppManifest.StaticEntry entry) {
		Path step = release;
		for (Path name : release.relativize(directory)) {
			step = step.resolve(name);
			try {
				if (!Files.exists(step, LinkOption.NOFOLLOW_LINKS)) {
					Files.createDirectory(step);
				}
				else if (!Files.isDirectory(step, LinkOption.NOFOLLOW_LINKS)) {
					throw PyappException
						.failed("the generated static directory '" + entry.path() + "' (metadata.yaml, served at "
								+ entry.url() + ") is reached through " + release.relativize(step)
								+ ", which is a symlink or a file, not a directory of the release", null);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot create the generated static directory " + directory, ex);
			}
		}
	}

	/**
	 * Checks that the hooks filled every generated static directory.
	 * @param manifest the release's manifest
	 * @param release the release's directory
	 * @throws PyappException ({@code FAILED}) naming the first entry that is missing or
	 * empty
	 */
	static void check(AppManifest manifest, Path release) {
		List<AppManifest.StaticEntry> statics = manifest.statics();
		for (int i = 0; i < statics.size(); i++) {
			AppManifest.StaticEntry entry = statics.get(i);
			if (!entry.generated()) {
				continue;
			}
			Path directory = inside(release, entry);
			boolean own = FileModes.directoryWithoutLinks(release, directory);
			if (!own || isEmpty(directory)) {
				String what = own ? "empty" : Files.exists(directory, LinkOption.NOFOLLOW_LINKS)
						? "not a directory of the release (a symlink on its way)" : "missing";
				throw PyappException.failed("the generated static directory '" + entry.path() + "' (metadata.yaml: "
						+ "static[" + i + "], served at " + entry.url() + ") is " + what
						+ " after the hooks ran; a hook must create it (such as Django's collectstatic in "
						+ "post-install and pre-update)", null);
			}
		}
	}

	/**
	 * @param manifest a release's manifest
	 * @return whether it has a static entry the hooks generate
	 */
	static boolean any(AppManifest manifest) {
		return !generated(manifest).isEmpty();
	}

	private static List<AppManifest.StaticEntry> generated(AppManifest manifest) {
		return manifest.statics().stream().filter(AppManifest.StaticEntry::generated).toList();
	}

	private static Path inside(Path release, AppManifest.StaticEntry entry) {
		Path directory = release.resolve(entry.path()).normalize();
		if (!directory.startsWith(release) || directory.equals(release)) {
			throw new IllegalStateException("Static path [" + entry.path() + "] leaves release [" + release + "]");
		}
		return directory;
	}

	private static boolean isEmpty(Path directory) {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.findAny().isEmpty();
		}
		catch (IOException ex) {
			return true;
		}
	}

}
