package dev.pyapp.server.packaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files byte by byte, so tests can build what
 * {@link java.util.zip.ZipOutputStream} refuses to: duplicate names, symlink entries (a
 * unix mode in the external attributes), backslashes.
 */
final class TestZip {

	/** rw-r--r-- regular file. */
	static final int FILE_MODE = 0100644;

	/** A symlink, as Info-ZIP records it. */
	static final int SYMLINK_MODE = 0120777;

	private final List<Item> items = new ArrayList<>();

	/**
	 * @param declaredSize the uncompressed size the headers declare, -1 for the true one
	 * @param crc the CRC the headers declare, -1 for the true one
	 */
	private record Item(String name, byte[] content, int unixMode, boolean deflate, long declaredSize, long crc) {

		Item(String name, byte[] content, int unixMode, boolean deflate) {
			this(name, content, unixMode, deflate, -1, -1);
		}

	}

	/**
	 * Adds a deflated file whose headers lie about its size or CRC.
	 * @param declaredSize the size to declare (up to 4 GiB - 1), -1 for the true one
	 * @param crc the CRC to declare, -1 for the true one
	 */
	TestZip lying(String name, byte[] content, long declaredSize, long crc) {
		this.items.add(new Item(name, content, FILE_MODE, true, declaredSize, crc));
		return this;
	}

	/** Adds a file, deflated. */
	TestZip file(String name, String content) {
		return file(name, content.getBytes(StandardCharsets.UTF_8));
	}

	TestZip file(String name, byte[] content) {
		this.items.add(new Item(name, content, FILE_MODE, true));
		return this;
	}

	/** Adds a file stored without compression. */
	TestZip stored(String name, byte[] content) {
		this.items.add(new Item(name, content, FILE_MODE, false));
		return this;
	}

	TestZip directory(String name) {
		this.items.add(new Item(name.endsWith("/") ? name : name + "/", new byte[0], 040755, false));
		return this;
	}

	/**
	 * Adds an entry with a unix mode, such as {@link #SYMLINK_MODE} (its content is the
	 * link target).
	 */
	TestZip entry(String name, String content, int unixMode) {
		this.items.add(new Item(name, content.getBytes(StandardCharsets.UTF_8), unixMode, false));
		return this;
	}

	Path writeTo(Path file) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream central = new ByteArrayOutputStream();
		for (Item item : this.items) {
			byte[] name = item.name().getBytes(StandardCharsets.UTF_8);
			byte[] data = item.deflate() ? deflate(item.content()) : item.content();
			CRC32 checksum = new CRC32();
			checksum.update(item.content());
			long crcValue = (item.crc() >= 0) ? item.crc() : checksum.getValue();
			int size = (int) ((item.declaredSize() >= 0) ? item.declaredSize() : item.content().length);
			int offset = out.size();
			ByteBuffer local = header(30 + name.length);
			local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x800);
			local.putShort((short) (item.deflate() ? 8 : 0)).putInt(0x00210000);
			local.putInt((int) crcValue).putInt(data.length).putInt(size);
			local.putShort((short) name.length).putShort((short) 0).put(name);
			out.writeBytes(local.array());
			out.writeBytes(data);
			ByteBuffer header = header(46 + name.length);
			header.putInt(0x02014b50).putShort((short) (3 << 8 | 20)).putShort((short) 20).putShort((short) 0x800);
			header.putShort((short) (item.deflate() ? 8 : 0)).putInt(0x00210000);
			header.putInt((int) crcValue).putInt(data.length).putInt(size);
			header.putShort((short) name.length).putShort((short) 0).putShort((short) 0);
			header.putShort((short) 0).putShort((short) 0).putInt(item.unixMode() << 16).putInt(offset).put(name);
			central.writeBytes(header.array());
		}
		int centralOffset = out.size();
		out.writeBytes(central.toByteArray());
		ByteBuffer end = header(22);
		end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
		end.putShort((short) this.items.size()).putShort((short) this.items.size());
		end.putInt(central.size()).putInt(centralOffset).putShort((short) 0);
		out.writeBytes(end.array());
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
			return Files.write(file, out.toByteArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static ByteBuffer header(int size) {
		return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
	}

	private static byte[] deflate(byte[] content) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
		deflater.setInput(content);
		deflater.finish();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[64 * 1024];
		while (!deflater.finished()) {
			out.write(buffer, 0, deflater.deflate(buffer));
		}
		deflater.end();
		return out.toByteArray();
	}

}
