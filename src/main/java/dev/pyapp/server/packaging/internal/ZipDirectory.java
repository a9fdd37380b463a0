package dev.pyapp.server.packaging.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;

/**
 * The central directory of a zip file, read directly: {@link java.util.zip.ZipFile} does
 * not expose an entry's external attributes, which hold the unix mode that marks a
 * symlink, and it would load a directory of millions of entries before we could count
 * them.
 */
public final class ZipDirectory {

	private static final int EOCD = 0x06054b50;

	private static final int ZIP64_LOCATOR = 0x07064b50;

	private static final int ZIP64_EOCD = 0x06064b50;

	private static final int CENTRAL_HEADER = 0x02014b50;

	private static final int HOST_UNIX = 3;

	/**
	 * An entry as the central directory records it.
	 *
	 * @param name the raw name
	 * @param unixMode the unix mode ({@code st_mode}), or 0 if the archiver recorded none
	 */
	public record Entry(String name, int unixMode) {

		static final int S_IFMT = 0170000;

		static final int S_IFLNK = 0120000;

		static final int S_IFREG = 0100000;

		static final int S_IFDIR = 0040000;

		boolean isSymlink() {
			return (this.unixMode & S_IFMT) == S_IFLNK;
		}

		/** A fifo, device or socket: nothing an archive should hold. */
		boolean isSpecial() {
			int type = this.unixMode & S_IFMT;
			return type != 0 && type != S_IFREG && type != S_IFDIR && type != S_IFLNK;
		}

		boolean isExecutable() {
			return (this.unixMode & 0100) != 0;
		}

	}

	/**
	 * The entries, in the directory's order.
	 *
	 * @param entries the entries, at most {@code limit}
	 * @param declaredCount how many entries the directory declares
	 */
	record Listing(List<Entry> entries, long declaredCount) {
	}

	private ZipDirectory() {
	}

	/**
	 * Reads the central directory.
	 * @param file the zip file
	 * @param limit the most entries to read: a directory declaring more is not read
	 * @return the entries
	 * @throws ZipException if the file is not a zip file
	 * @throws IOException if it cannot be read
	 */
	static Listing read(Path file, int limit) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			int tailLength = (int) Math.min(size, 22 + 65535);
			ByteBuffer tail = read(channel, size - tailLength, tailLength);
			int eocd = -1;
			for (int i = tailLength - 22; i >= 0; i--) {
				if (tail.getInt(i) == EOCD && i + 22 + (tail.getShort(i + 20) & 0xFFFF) <= tailLength) {
					eocd = i;
					break;
				}
			}
			if (eocd < 0) {
				throw new ZipException("no end of central directory record");
			}
			long count = tail.getShort(eocd + 10) & 0xFFFF;
			long offset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
			long eocdPosition = size - tailLength + eocd;
			if (count == 0xFFFF || offset == 0xFFFFFFFFL) {
				if (eocdPosition < 20) {
					throw new ZipException("truncated zip64 end of central directory");
				}
				ByteBuffer locator = read(channel, eocdPosition - 20, 20);
				if (locator.getInt(0) == ZIP64_LOCATOR) {
					ByteBuffer zip64 = read(channel, locator.getLong(8), 56);
					if (zip64.getInt(0) != ZIP64_EOCD) {
						throw new ZipException("invalid zip64 end of central directory");
					}
					count = zip64.getLong(32);
					offset = zip64.getLong(48);
				}
			}
			if (count > limit) {
				return new Listing(List.of(), count);
			}
			if (offset < 0 || offset >= size) {
				throw new ZipException("central directory offset out of range");
			}
			return new Listing(entries(channel, offset, (int) count), count);
		}
	}

	private static List<Entry> entries(FileChannel channel, long offset, int count) throws IOException {
		channel.position(offset);
		InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
		List<Entry> entries = new ArrayList<>(Math.min(count, 10000));
		byte[] header = new byte[46];
		for (int i = 0; i < count; i++) {
			readFully(in, header);
			ByteBuffer buffer = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
			if (buffer.getInt(0) != CENTRAL_HEADER) {
				throw new ZipException("invalid central directory header at entry " + i);
			}
			int host = (buffer.getShort(4) & 0xFFFF) >> 8;
			int nameLength = buffer.getShort(28) & 0xFFFF;
			int extraLength = buffer.getShort(30) & 0xFFFF;
			int commentLength = buffer.getShort(32) & 0xFFFF;
			long external = buffer.getInt(38) & 0xFFFFFFFFL;
			byte[] name = new byte[nameLength];
			readFully(in, name);
			in.skipNBytes(extraLength + commentLength);
			// the mode is meaningful from unix archivers; others leave the high bits 0
			int mode = (host == HOST_UNIX || (external >>> 16) != 0) ? (int) (external >>> 16) : 0;
			entries.add(new Entry(decode(name), mode));
		}
		return entries;
	}

	private static String decode(byte[] name) throws ZipException {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(name))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new ZipException("an entry name is not valid UTF-8");
		}
	}

	private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
		if (position < 0 || position + length > channel.size()) {
			throw new ZipException("truncated zip file");
		}
		ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
		while (buffer.hasRemaining()) {
			if (channel.read(buffer, position + buffer.position()) < 0) {
				throw new EOFException("unexpected end of file");
			}
		}
		return buffer.flip();
	}

	private static void readFully(InputStream in, byte[] bytes) throws IOException {
		if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
			throw new ZipException("truncated central directory");
		}
	}

}
