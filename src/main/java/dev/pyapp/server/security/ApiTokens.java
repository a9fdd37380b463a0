package dev.pyapp.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import dev.pyapp.server.core.PyappHome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * API tokens. On the first start a random token is written to
 * {@code PYAPP_HOME/api-token} (mode 0600); the CLI on the same host reads it from there.
 * Tokens are compared in constant time and never logged.
 */
@Component
public class ApiTokens {

	private static final Logger logger = LoggerFactory.getLogger(ApiTokens.class);

	private static final SecureRandom random = new SecureRandom();

	private final Path tokenFile;

	private final byte[] localToken;

	ApiTokens(PyappHome home) {
		this.tokenFile = home.apiTokenFile();
		this.localToken = loadOrCreate(this.tokenFile).getBytes(StandardCharsets.UTF_8);
		logger.info("API token: {} (read by the CLI on this host)", this.tokenFile);
	}

	/**
	 * A new random token: 32 bytes, URL-safe base64.
	 * @return the token
	 */
	public static String newToken() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * Checks a presented token.
	 * @param presented the token from the request
	 * @return the name of the principal the token belongs to, if it is valid
	 */
	Optional<String> authenticate(String presented) {
		byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
		if (MessageDigest.isEqual(bytes, this.localToken)) {
			return Optional.of("api-token");
		}
		return Optional.empty();
	}

	public Path tokenFile() {
		return this.tokenFile;
	}

	private static String loadOrCreate(Path file) {
		try {
			if (Files.isRegularFile(file)) {
				String token = Files.readString(file, StandardCharsets.UTF_8).trim();
				if (!token.isEmpty()) {
					return token;
				}
			}
			String token = newToken();
			Path temp = Files.createTempFile(file.getParent(), ".api-token", ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return token;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read or create the API token file " + file, ex);
		}
	}

}
