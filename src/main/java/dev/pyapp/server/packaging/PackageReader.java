package dev.pyapp.server.packaging;

import java.nio.file.Path;

import org.springframework.stereotype.Component;

/**
 * Reads and validates {@code .pyapp} archives and source directories (SPEC §1) and
 * extracts them safely.
 */
@Component
public class PackageReader {

	/**
	 * Reads and validates an archive, writing nothing.
	 * @param archive the {@code .pyapp} or {@code .zip} file
	 * @return the package
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) listing every
	 * problem found, each naming the file, the key path and what was expected
	 */
	public AppPackage read(Path archive) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Reads and validates a directory with the archive layout (a git checkout).
	 * @param directory the directory
	 * @return the package
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) listing every
	 * problem found
	 */
	public AppPackage readDirectory(Path directory) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Reads the {@code metadata.yaml} of an extracted release (already validated when it
	 * was installed).
	 * @param releaseDirectory the release's directory
	 * @return its manifest
	 * @throws dev.pyapp.server.core.PyappException ({@code INVALID}) if it cannot be read
	 */
	public AppManifest readManifest(Path releaseDirectory) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Extracts a package into {@code target}, which must not exist: through a temporary
	 * directory beside it and an atomic rename, so a failure leaves nothing behind.
	 * @param pkg a package from {@link #read} or {@link #readDirectory}
	 * @param target the release directory to create
	 */
	public void extract(AppPackage pkg, Path target) {
		throw new UnsupportedOperationException("not implemented yet");
	}

}
