package dev.pyapp.server.nodes.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;

import org.springframework.stereotype.Component;

/**
 * Encrypts what a node needs and nobody may read (private keys, agent tokens) before it
 * is stored: AES-256-GCM with a key kept in {@code PYAPP_HOME/node-secret.key} (0600), so
 * a copy of the database alone reveals nothing.
 */
@Component
public class NodeSecrets {

	private static final SecureRandom random = new SecureRandom();

	private static final String PREFIX = "v1:";

	private final SecretKeySpec key;

	NodeSecrets(PyappHome home) {
		this.key = new SecretKeySpec(loadOrCreate(home.nodeSecretKeyFile()), "AES");
	}

	public String encrypt(String plain) {
		try {
			byte[] iv = new byte[12];
			random.nextBytes(iv);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(128, iv));
			byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
			byte[] out = new byte[iv.length + sealed.length];
			System.arraycopy(iv, 0, out, 0, iv.length);
			System.arraycopy(sealed, 0, out, iv.length, sealed.length);
			return PREFIX + Base64.getEncoder().encodeToString(out);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot encrypt a node secret", ex);
		}
	}

	public String decrypt(String sealed) {
		if (!sealed.startsWith(PREFIX)) {
			throw new IllegalStateException("A node secret is not in a known format");
		}
		try {
			byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(128, in, 0, 12));
			return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			// the message names no secret: only that the key file does not match
			throw new IllegalStateException(
					"Cannot decrypt a node secret: PYAPP_HOME/node-secret.key is not the key it was stored with");
		}
	}

	private static byte[] loadOrCreate(Path file) {
		try {
			if (Files.isRegularFile(file)) {
				byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
				if (key.length == 32) {
					return key;
				}
				throw new IllegalStateException(file + " does not hold a 256-bit key");
			}
			byte[] key = new byte[32];
			random.nextBytes(key);
			AtomicFiles.write(file, Base64.getEncoder().encodeToString(key) + "\n", AtomicFiles.OWNER_ONLY);
			return key;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
	}

}
