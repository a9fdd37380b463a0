package dev.pyapp.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import dev.pyapp.server.core.AppId;

/**
 * The credentials of each app's MongoDB user, derived from one random key the server
 * keeps in {@code PYAPP_HOME/db/app-databases.key} (0600): the same every time for an
 * app, so that a running app's URL stays valid across server restarts, and useless
 * without the key. The user is named after the app.
 */
final class AppDatabaseSecrets {

	private final byte[] key;

	AppDatabaseSecrets(byte[] key) {
		this.key = key.clone();
	}

	/**
	 * Reads the key, creating it on first use.
	 * @param file the key file
	 * @return the secrets
	 */
	static AppDatabaseSecrets load(Path file) {
		try {
			if (!Files.exists(file)) {
				byte[] key = new byte[32];
				new SecureRandom().nextBytes(key);
				Files.createDirectories(file.getParent());
				Path temp = Files.createTempFile(file.getParent(), ".app-databases", ".tmp",
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
				Files.writeString(temp, HexFormat.of().formatHex(key) + "\n");
				Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
			}
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			return new AppDatabaseSecrets(HexFormat.of().parseHex(Files.readString(file).trim()));
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new IllegalStateException("Cannot read the app database key " + file, ex);
		}
	}

	/**
	 * The user name of an app ({@code <app>}).
	 * @param app the app
	 * @return the user name
	 */
	String user(AppId app) {
		return app.value();
	}

	/**
	 * The password of an app's user: 64 hex digits.
	 * @param app the app
	 * @return the password
	 */
	String password(AppId app) {
		return HexFormat.of().formatHex(ScramServer.hmac(this.key, "password:" + app.value()));
	}

	/**
	 * The SCRAM salt of an app's user (embedded MongoDB).
	 * @param app the app
	 * @return 16 bytes
	 */
	byte[] salt(AppId app) {
		return Arrays.copyOf(ScramServer.hmac(this.key, "salt:" + app.value()), 16);
	}

}
