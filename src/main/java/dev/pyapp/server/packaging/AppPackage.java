package dev.pyapp.server.packaging;

import java.nio.file.Path;

import dev.pyapp.server.appconfig.ConfigSpec;
import org.jspecify.annotations.Nullable;

/**
 * A validated app package: an archive (or a source directory with the archive layout)
 * that {@link PackageReader} has checked whole.
 *
 * @param source the archive file or the source directory
 * @param manifest its {@code metadata.yaml}
 * @param spec its configuration spec, or {@code null} if it has none
 * @param checksum the SHA-256 of the archive, hex (for a directory: of its files)
 * @param entries how many entries (files and directories) it has
 * @param uncompressedSize the total size of its files, in bytes
 */
public record AppPackage(Path source, AppManifest manifest, @Nullable ConfigSpec spec, String checksum, int entries,
		long uncompressedSize) {
}
