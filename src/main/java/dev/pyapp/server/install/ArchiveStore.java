package dev.pyapp.server.install;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.ServerFileModes;
import dev.pyapp.server.install.internal.InstallProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Uploaded archives waiting for {@code apps.install}: streamed to
 * {@code PYAPP_HOME/tmp/uploads/<id>.pyapp} (0600), never held in memory, and deleted
 * once installed or refused, or when nobody installed them within
 * {@code pyapp.install.upload-expiry}.
 */
@Component
public class ArchiveStore {

	private static final Logger logger = LoggerFactory.getLogger(ArchiveStore.class);

	private static final Pattern UPLOAD_ID = Pattern.compile("^[A-Za-z0-9_-]{8,64}$");

	private static final Pattern ID = Pattern.compile("^[0-9a-f]{32}$");

	private final Path uploads;

	private final long limit;

	private final Duration expiry;

	private final UploadTracker.Registry progress = new UploadTracker.Registry();

	ArchiveStore(PyappHome home, InstallProperties properties) {
		// made at the start, not by the first upload: a refused upload leaves nothing
		// under PYAPP_HOME that was not there before it (SPEC §9)
		this.uploads = ServerFileModes.privateDirectory(home.uploads());
		this.limit = properties.uploadLimit().toBytes();
		this.expiry = properties.uploadExpiry();
	}

	/**
	 * Deletes the uploads that waited longer than {@code pyapp.install.upload-expiry}.
	 * @return how many were deleted
	 */
	@Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
	public int expire() {
		if (!Files.isDirectory(this.uploads)) {
			return 0;
		}
		Instant oldest = Instant.now().minus(this.expiry);
		int deleted = 0;
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.uploads, "*.pyapp")) {
			for (Path file : files) {
				if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(oldest)) {
					Files.deleteIfExists(file);
					deleted++;
				}
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot expire old uploads in {}: {}", this.uploads, ex.getMessage());
		}
		if (deleted > 0) {
			logger.info("Deleted {} uploaded archive(s) never installed within {}", deleted, this.expiry);
		}
		return deleted;
	}

	/**
	 * Stores an upload.
	 * @param content the archive's bytes
	 * @return the archive's id for {@code apps.install}
	 * @throws PyappException ({@code INVALID}) if it is larger than the limit or not a
	 * zip file; nothing is kept then
	 */
	public String store(InputStream content) {
		return store(content, null, -1);
	}

	/**
	 * Stores an upload and records its progress under a caller's upload id, so that a UI
	 * can show the bytes received while it runs ({@link #progress}).
	 * @param content the archive's bytes
	 * @param uploadId the caller's id for this upload ({@code [A-Za-z0-9_-]{8,64}}), or
	 * {@code null} for no progress record
	 * @param declaredLength the length the client announced, or -1; one over the limit is
	 * refused before anything is read
	 * @return the archive's id for {@code apps.install}
	 * @throws PyappException ({@code INVALID}) if it is larger than the limit or not a
	 * zip file, or the upload id is invalid or in use; nothing is kept then
	 */
	public String store(InputStream content, @Nullable String uploadId, long declaredLength) {
		UploadTracker tracker = this.progress.start(uploadId, declaredLength);
		try {
			if (declaredLength > this.limit) {
				throw tooLarge();
			}
			String id = store(content, tracker);
			tracker.stored(id);
			return id;
		}
		catch (RuntimeException ex) {
			tracker.refused(String.valueOf(ex.getMessage()));
			throw ex;
		}
	}

	/**
	 * The progress of an upload.
	 * @param uploadId the caller's id given to {@link #store(InputStream, String, long)}
	 * @return its progress, kept for a while after it ended, or empty
	 */
	public Optional<UploadProgress> progress(String uploadId) {
		return this.progress.get(uploadId);
	}

	private String store(InputStream content, UploadTracker tracker) {
		String id = UUID.randomUUID().toString().replace("-", "");
		Path file = this.uploads.resolve(id + ".pyapp");
		try {
			ServerFileModes.privateDirectory(this.uploads);
			Files.createFile(file, PosixFilePermissions.asFileAttribute(AtomicFiles.OWNER_ONLY));
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
						throw tooLarge();
					}
					out.write(buffer, 0, read);
					tracker.received(size);
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

	private PyappException tooLarge() {
		return PyappException.invalid("archive too large",
				List.of(new Problem("archive", "the upload is larger than the limit of " + this.limit + " bytes")));
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

	/**
	 * How far an upload to {@code POST /api/archives} has come.
	 *
	 * @param uploadId the caller's id for the upload
	 * @param received bytes received so far
	 * @param total the length the client announced, or -1 if unknown
	 * @param state {@code receiving}, {@code stored} or {@code refused}
	 * @param archive the archive id once stored, else {@code null}
	 * @param message why it was refused, else {@code null}
	 * @param updated when this was last updated
	 */
	public record UploadProgress(String uploadId, long received, long total, String state, @Nullable String archive,
			@Nullable String message, Instant updated) {
	}

	/**
	 * Records the progress of one upload; a no-op for an upload without an id.
	 */
	private static final class UploadTracker {

		/** Updates are written at most this often, in bytes. */
		private static final long STEP = 256 * 1024;

		private final @Nullable Registry registry;

		private final String uploadId;

		private final long total;

		private long reported;

		private long latest;

		private UploadTracker(@Nullable Registry registry, String uploadId, long total) {
			this.registry = registry;
			this.uploadId = uploadId;
			this.total = total;
		}

		void received(long bytes) {
			this.latest = bytes;
			if (bytes - this.reported >= STEP) {
				this.reported = bytes;
				put(bytes, "receiving", null, null);
			}
		}

		void stored(String archive) {
			put(this.latest, "stored", archive, null);
		}

		void refused(String message) {
			put(this.latest, "refused", null, message);
		}

		private void put(long bytes, String state, @Nullable String archive, @Nullable String message) {
			if (this.registry != null) {
				this.registry.uploads.put(this.uploadId,
						new UploadProgress(this.uploadId, bytes, this.total, state, archive, message, Instant.now()));
			}
		}

		/**
		 * The uploads of the last ten minutes, by id.
		 */
		static final class Registry {

			private static final Duration KEPT = Duration.ofMinutes(10);

			private final Map<String, UploadProgress> uploads = new ConcurrentHashMap<>();

			UploadTracker start(@Nullable String uploadId, long total) {
				if (uploadId == null) {
					return new UploadTracker(null, "", total);
				}
				if (!UPLOAD_ID.matcher(uploadId).matches()) {
					throw PyappException.invalid("invalid upload id",
							List.of(new Problem("upload", "an upload id is 8 to 64 of A-Z, a-z, 0-9, _ and -")));
				}
				Instant now = Instant.now();
				this.uploads.values().removeIf((upload) -> upload.updated().plus(KEPT).isBefore(now));
				UploadProgress fresh = new UploadProgress(uploadId, 0, total, "receiving", null, null, now);
				if (this.uploads.putIfAbsent(uploadId, fresh) != null) {
					throw PyappException.invalid("upload id in use",
							List.of(new Problem("upload", "the upload id '" + uploadId + "' was used already")));
				}
				return new UploadTracker(this, uploadId, total);
			}

			Optional<UploadProgress> get(String uploadId) {
				return Optional.ofNullable(this.uploads.get(uploadId));
			}

		}

	}

}
