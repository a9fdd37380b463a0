package dev.pyapp.server.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests of files and streams, in lowercase hex: packages, the node agent's jar,
 * dropped archives, the files of shared distributions.
 */
public final class Sha256 {

	private Sha256() {
	}

	/**
	 * A new SHA-256 digest.
	 * @return the digest
	 */
	public static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform must provide SHA-256
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * The SHA-256 of what a stream holds from where it is to its end.
	 * @param in the stream (not closed)
	 * @return the digest, hex
	 * @throws IOException when the stream cannot be read
	 */
	public static String of(InputStream in) throws IOException {
		MessageDigest digest = newDigest();
		byte[] buffer = new byte[64 << 10];
		for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
			digest.update(buffer, 0, read);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * The SHA-256 of a file's bytes.
	 * @param file the file
	 * @return the digest, hex
	 * @throws UncheckedIOException when the file cannot be read
	 */
	public static String of(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return of(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

}
