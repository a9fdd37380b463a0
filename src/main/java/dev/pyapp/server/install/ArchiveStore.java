package dev.pyapp.server.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.Problem;

import org.springframework.stereotype.Component;

/**
 * Uploaded archives waiting for {@code apps.install}: streamed to
 * {@code PYAPP_HOME/tmp/uploads/<id>.pyapp}, never held in memory, and deleted once
 * installed or refused.
 */
@Component
public class ArchiveStore {

	private static final Pattern ID = Pattern.compile("^[0-9a-f]{32}$");

	private final Path uploads;

	private final long limit;

	ArchiveStore(PyappHome home, InstallProperties properties) {
		this.uploads = home.tmp().resolve("uploads");
		this.limit = properties.uploadLimit().toBytes();
	}

	/**
	 * Stores an upload.
	 * @param content the archive's bytes
	 * @return the archive's id for {@code apps.install}
	 * @throws PyappException ({@code INVALID}) if it is larger than the limit or not a
	 * zip file; nothing is kept then
	 */
	public String store(InputStream content) {
		String id = UUID.randomUUID().toString().replace("-", "");
		Path file = this.uploads.resolve(id + ".pyapp");
		try {
			Files.createDirectories(this.uploads);
			long size = 0;
			byte[] head = new byte[4];
			int headLength = 0;
			try (OutputStream out = Files.newOutputStream(file)) {
				byte[] buffer = new byte[64 * 1024];
				int read;
				while ((read = content.read(buffer)) != -1) {
					if (headLength < 4) {
						int n = Math.min(4 - headLength, read);
						System.arraycopy(buffer, 0, head, headLength, n);
						headLength += n;
					}
					size += read;
					if (size > this.limit) {
						throw PyappException.invalid("archive too large", List.of(new Problem("archive",
								"the upload is larger than the limit of " + this.limit + " bytes")));
					}
					out.write(buffer, 0, read);
				}
			}
			if (!isZip(head, headLength)) {
				throw PyappException.invalid("not an archive",
						List.of(new Problem("archive", "the upload is not a zip file (.pyapp or .zip)")));
			}
			return id;
		}
		catch (IOException ex) {
			delete(file);
			throw new UncheckedIOException("Cannot store the upload", ex);
		}
		catch (RuntimeException ex) {
			delete(file);
			throw ex;
		}
	}

	/**
	 * The file of a stored upload.
	 * @param id the id {@link #store} returned
	 * @return the file
	 * @throws PyappException ({@code NOT_FOUND}) if there is no such upload
	 */
	public Path path(String id) {
		Path file = ID.matcher(id).matches() ? this.uploads.resolve(id + ".pyapp") : null;
		if (file == null || !Files.isRegularFile(file)) {
			throw PyappException.notFound("no uploaded archive with id '" + id + "'");
		}
		return file;
	}

	public void delete(String id) {
		if (ID.matcher(id).matches()) {
			delete(this.uploads.resolve(id + ".pyapp"));
		}
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + file, ex);
		}
	}

	private static boolean isZip(byte[] head, int length) {
		return length == 4 && head[0] == 'P' && head[1] == 'K'
				&& ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
	}

}
