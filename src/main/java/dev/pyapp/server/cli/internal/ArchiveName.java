package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.jspecify.annotations.Nullable;

/**
 * Reads an app's name from the {@code metadata.yaml} of a {@code .pyapp} archive on disk,
 * so that the install's progress can be polled by name. Only a hint: the server reads and
 * validates the archive itself.
 */
public final class ArchiveName {

	private static final Pattern NAME = Pattern.compile("^name:[ \\t]*([\"']?)([a-z][a-z0-9-]{0,39})\\1[ \\t]*(#.*)?$",
			Pattern.MULTILINE);

	private static final int MAX_METADATA_BYTES = 256 * 1024;

	private ArchiveName() {
	}

	/**
	 * The {@code name:} of the archive's {@code metadata.yaml}.
	 * @param archive the archive
	 * @return the name, or {@code null} if it cannot be read
	 */
	public static @Nullable String read(Path archive) {
		try (ZipFile zip = new ZipFile(archive.toFile())) {
			ZipEntry entry = zip.getEntry("metadata.yaml");
			if (entry == null || entry.isDirectory()) {
				return null;
			}
			try (InputStream in = zip.getInputStream(entry)) {
				String metadata = new String(in.readNBytes(MAX_METADATA_BYTES), StandardCharsets.UTF_8);
				Matcher matcher = NAME.matcher(metadata);
				return matcher.find() ? matcher.group(2) : null;
			}
		}
		catch (IOException | RuntimeException ex) {
			// not a zip, or unreadable: the server says what is wrong with it
			return null;
		}
	}

}
