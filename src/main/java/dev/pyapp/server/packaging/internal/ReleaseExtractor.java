package dev.pyapp.server.packaging.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.packaging.PackageReader;

/**
 * Extracts a package into a new release directory: everything is written to a temporary
 * directory beside the target, which is renamed in one step once complete, so a failure
 * leaves nothing behind. Paths and limits are checked again while writing: the archive
 * may have changed on disk since {@link PackageReader} checked it.
 */
public final class ReleaseExtractor {

	private final PackagingProperties properties;

	public ReleaseExtractor(PackagingProperties properties) {
		this.properties = properties;
	}

	public void extract(AppPackage pkg, Path target) {
		Path release = target.toAbsolutePath().normalize();
		if (Files.exists(release, LinkOption.NOFOLLOW_LINKS)) {
			throw PyappException.conflict("cannot extract into " + release + ": it already exists");
		}
		Path temp = release.resolveSibling("." + release.getFileName() + "." + UUID.randomUUID() + ".tmp");
		// the parents this call creates are removed again if it fails
		Path created = temp;
		while (!Files.exists(created.getParent(), LinkOption.NOFOLLOW_LINKS)) {
			created = created.getParent();
		}
		try {
			Files.createDirectories(release.getParent());
			Files.createDirectory(temp);
			try {
				if (Files.isDirectory(pkg.source())) {
					copyDirectory(pkg, temp);
				}
				else {
					extractArchive(pkg, temp);
				}
				Files.move(temp, release, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (IOException | RuntimeException ex) {
				AtomicFiles.deleteTree(created);
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot extract " + pkg.source() + " into " + release, ex);
		}
	}

	private void copyDirectory(AppPackage pkg, Path into) {
		Path root = pkg.source().toAbsolutePath().normalize();
		List<Problem> problems = new ArrayList<>();
		SourceDirectory.Walked walked = SourceDirectory.walk(root, this.properties, problems);
		if (!problems.isEmpty()) {
			throw PackageProblems.invalid(problems);
		}
		SourceDirectory.copy(root, walked, into);
	}

	private void extractArchive(AppPackage pkg, Path into) {
		List<Problem> problems = new ArrayList<>();
		ZipArchive.Walked walked = ZipArchive.walk(pkg.source(), this.properties, problems, new ZipArchive.Sink() {

			@Override
			public OutputStream file(String path, ZipDirectory.Entry entry) {
				Path file = ArchiveLayout.inside(into, path);
				try {
					Files.createDirectories(file.getParent());
					if (entry.isExecutable()) {
						Files.createFile(file,
								PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
					}
					return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot create " + file, ex);
				}
			}

			@Override
			public void directory(String path) {
				try {
					Files.createDirectories(ArchiveLayout.inside(into, path));
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot create " + path + " in " + into, ex);
				}
			}

		}, false);
		if (walked == null || !problems.isEmpty()) {
			throw PackageProblems.invalid(problems);
		}
	}

}
