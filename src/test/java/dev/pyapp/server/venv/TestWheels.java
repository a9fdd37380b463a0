package dev.pyapp.server.venv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Wheels made by the tests, for an app's {@code deps/}: pip installs them offline.
 */
public final class TestWheels {

	/** 1980-01-01, the earliest time a zip entry holds. */
	private static final long ENTRY_TIME = 315532800000L;

	private TestWheels() {
	}

	/**
	 * A pure-Python wheel ({@code py3-none-any}) with its {@code METADATA}, {@code WHEEL}
	 * and {@code RECORD}; the same bytes at every call (entries sorted, times fixed), so
	 * that an upgrade's {@code deps/} is unchanged.
	 * @param distribution the distribution's name as in the file name
	 * ({@code hello_cli}); {@code METADATA} names it with dashes
	 * @param version its version
	 * @param files its files (modules, and {@code dist-info/} files such as
	 * {@code entry_points.txt} under their name in the {@code .dist-info} directory)
	 * @return the wheel's bytes
	 */
	public static byte[] wheel(String distribution, String version, Map<String, byte[]> files) throws IOException {
		String info = distribution + "-" + version + ".dist-info/";
		Map<String, byte[]> all = new TreeMap<>(files);
		all.put(info + "METADATA",
				("Metadata-Version: 2.1\nName: " + distribution.replace('_', '-') + "\nVersion: " + version + "\n")
					.getBytes(StandardCharsets.UTF_8));
		all.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: pyapp-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
			.getBytes(StandardCharsets.UTF_8));
		StringBuilder record = new StringBuilder();
		for (Map.Entry<String, byte[]> file : all.entrySet()) {
			record.append(file.getKey())
				.append(",sha256=")
				.append(recordHash(file.getValue()))
				.append(',')
				.append(file.getValue().length)
				.append('\n');
		}
		record.append(info).append("RECORD,,\n");
		all.put(info + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (Map.Entry<String, byte[]> file : all.entrySet()) {
				ZipEntry entry = new ZipEntry(file.getKey());
				entry.setTime(ENTRY_TIME);
				zip.putNextEntry(entry);
				zip.write(file.getValue());
				zip.closeEntry();
			}
		}
		return out.toByteArray();
	}

	/**
	 * A file's hash as a wheel's {@code RECORD} gives it: SHA-256, URL-safe base64
	 * without padding.
	 * @param content the file's content
	 * @return the hash
	 */
	public static String recordHash(byte[] content) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
