package dev.pyapp.server.packaging.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.pyapp.server.core.Problem;
import org.jspecify.annotations.Nullable;

/**
 * Walks a zip archive under the limits of {@link PackagingProperties}: the central
 * directory is checked whole (names, symlinks, duplicates, entry count) before any entry
 * is inflated, and every byte inflated is counted against the total and the per-entry
 * compression ratio, whatever sizes the archive declares.
 */
public final class ZipArchive {

	static final String ARCHIVE = "archive";

	/** Receives what the walk inflates. */
	public interface Sink {

		/**
		 * @param path the entry's normalised path
		 * @param entry the entry as the central directory records it
		 * @return where to write its content, or {@code null} to inflate it only to count
		 */
		@Nullable OutputStream file(String path, ZipDirectory.Entry entry);

		void directory(String path);

	}

	/**
	 * @param layout the normalised paths
	 * @param entries how many entries the archive has
	 * @param size the bytes inflated
	 */
	public record Walked(ArchiveLayout layout, int entries, long size) {
	}

	private ZipArchive() {
	}

	/**
	 * Walks an archive. Problems are added to {@code problems}; the walk stops early at a
	 * file that is no zip, too many entries, or a limit reached while inflating.
	 * @param file the archive
	 * @param properties the limits
	 * @param problems where problems are added
	 * @param sink receives the entries
	 * @param inflateDespiteProblems whether to inflate when an entry was refused by name
	 * (to report problems in metadata.yaml too); never when writing
	 * @return what was walked, or {@code null} if the walk stopped early
	 */
	public static @Nullable Walked walk(Path file, PackagingProperties properties, List<Problem> problems, Sink sink,
			boolean inflateDespiteProblems) {
		ZipDirectory.Listing listing;
		try {
			listing = ZipDirectory.read(file, properties.maxEntries());
		}
		catch (IOException ex) {
			problems.add(new Problem(ARCHIVE, "not a zip archive (.pyapp or .zip): " + ex.getMessage()));
			return null;
		}
		if (listing.declaredCount() > properties.maxEntries()) {
			problems.add(new Problem(ARCHIVE, "has " + listing.declaredCount() + " entries; the limit is "
					+ properties.maxEntries() + " (pyapp.packaging.max-entries)"));
			return null;
		}
		int before = problems.size();
		ArchiveLayout layout = new ArchiveLayout(problems);
		List<@Nullable String> paths = new ArrayList<>();
		for (ZipDirectory.Entry entry : listing.entries()) {
			if (entry.isSymlink()) {
				problems
					.add(new Problem(entry.name(), "a symbolic link; an archive may hold only files and directories"));
				paths.add(null);
			}
			else if (entry.isSpecial()) {
				problems.add(new Problem(entry.name(),
						"a special file (device, fifo or socket); an archive may hold only files and directories"));
				paths.add(null);
			}
			else {
				paths.add(layout.add(entry.name()));
			}
		}
		layout.checkFilesAreNotDirectories();
		if (problems.size() > before && !inflateDespiteProblems) {
			return null;
		}
		try (ZipFile zip = new ZipFile(file.toFile())) {
			Enumeration<? extends ZipEntry> zipEntries = zip.entries();
			long total = 0;
			for (int i = 0; zipEntries.hasMoreElements(); i++) {
				ZipEntry zipEntry = zipEntries.nextElement();
				if (i >= listing.entries().size() || !zipEntry.getName().equals(listing.entries().get(i).name())) {
					problems.add(new Problem(ARCHIVE, "the zip central directory is inconsistent"));
					return null;
				}
				String path = paths.get(i);
				if (zipEntry.isDirectory()) {
					if (path != null) {
						sink.directory(path);
					}
					continue;
				}
				long inflated = inflate(zip, zipEntry, total, properties, problems,
						(path != null) ? sink.file(path, listing.entries().get(i)) : null);
				if (inflated < 0) {
					return null;
				}
				total += inflated;
			}
			return new Walked(layout, listing.entries().size(), total);
		}
		catch (IOException ex) {
			problems.add(new Problem(ARCHIVE, "not a valid zip archive: " + ex.getMessage()));
			return null;
		}
	}

	/**
	 * Inflates one entry, counting its bytes. Errors reading the archive become problems;
	 * errors writing to {@code out} are thrown as {@link UncheckedIOException}.
	 * @return the bytes inflated, or -1 if a limit was reached or the entry is corrupt
	 */
	private static long inflate(ZipFile zip, ZipEntry entry, long totalBefore, PackagingProperties properties,
			List<Problem> problems, @Nullable OutputStream out) throws IOException {
		long maxTotal = properties.maxUncompressedSize().toBytes();
		long threshold = properties.compressionRatioThreshold().toBytes();
		long compressed = Math.max(1, entry.getCompressedSize());
		long declared = entry.getSize();
		if (declared > maxTotal || (declared > 0 && totalBefore + declared > maxTotal)) {
			problems.add(new Problem(entry.getName(), "declares " + declared + " bytes uncompressed; the archive may "
					+ "inflate to " + maxTotal + " bytes at most (pyapp.packaging.max-uncompressed-size)"));
			if (out != null) {
				close(out);
			}
			return -1;
		}
		CRC32 crc = new CRC32();
		long count = 0;
		try (InputStream in = zip.getInputStream(entry)) {
			byte[] buffer = new byte[64 * 1024];
			int read;
			while ((read = readChunk(in, buffer, entry, problems)) > 0) {
				count += read;
				if (totalBefore + count > maxTotal) {
					problems.add(new Problem(ARCHIVE, "inflates to more than " + maxTotal
							+ " bytes; the limit is pyapp.packaging.max-uncompressed-size (a zip bomb?)"));
					return -1;
				}
				if (count > threshold && count > compressed * properties.maxCompressionRatio()) {
					problems.add(new Problem(entry.getName(),
							"compressed more than " + properties.maxCompressionRatio() + " to 1 (" + compressed
									+ " bytes inflate to over " + count
									+ "); refused as a zip bomb (pyapp.packaging.max-compression-ratio)"));
					return -1;
				}
				crc.update(buffer, 0, read);
				if (out != null) {
					write(out, buffer, read);
				}
			}
			if (read != -1) {
				return -1;
			}
		}
		finally {
			if (out != null) {
				close(out);
			}
		}
		if (declared != -1 && count != declared) {
			problems.add(new Problem(entry.getName(),
					"corrupt: declares " + declared + " bytes uncompressed but holds " + count));
			return -1;
		}
		if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
			problems.add(new Problem(entry.getName(), "corrupt: its content does not match its CRC"));
			return -1;
		}
		return count;
	}

	private static void write(OutputStream out, byte[] buffer, int length) {
		try {
			out.write(buffer, 0, length);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write an extracted file", ex);
		}
	}

	private static void close(OutputStream out) {
		try {
			out.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write an extracted file", ex);
		}
	}

	/** Reads a chunk; a corrupt deflate stream becomes a problem and -2. */
	private static int readChunk(InputStream in, byte[] buffer, ZipEntry entry, List<Problem> problems) {
		try {
			return in.read(buffer);
		}
		catch (IOException ex) {
			problems.add(new Problem(entry.getName(), "corrupt: " + ex.getMessage()));
			return -2;
		}
	}

}
