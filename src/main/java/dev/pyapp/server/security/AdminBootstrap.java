package dev.pyapp.server.security;

import java.security.SecureRandom;

import dev.pyapp.server.core.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * On the first start (no user at all) creates the user {@code admin} with a random
 * password, written to {@code PYAPP_HOME/initial-admin-password} (0600); the log names
 * the file, never the password. There is no built-in default password. Runs before the
 * web server accepts requests.
 */
@Component
class AdminBootstrap implements SmartInitializingSingleton {

	static final String ADMIN = "admin";

	private static final Logger logger = LoggerFactory.getLogger(AdminBootstrap.class);

	// no 0/O, 1/l/I: the password is read off a terminal and typed in
	private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	private static final SecureRandom random = new SecureRandom();

	private final UserAccounts users;

	AdminBootstrap(UserAccounts users) {
		this.users = users;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.users.count() > 0) {
			return;
		}
		String password = randomPassword(20);
		// the file first: if the server dies in between, no account exists whose
		// password nobody knows
		AtomicFiles.write(this.users.initialPasswordFile(), password + "\n", AtomicFiles.OWNER_ONLY);
		if (this.users.createIfAbsent(ADMIN, password, Role.ADMIN)) {
			// the password itself is never logged: logs travel further than the file
			logger.warn("Created the web UI user '{}'; its password is in {} (readable by the server's user only);"
					+ " change it after logging in", ADMIN, this.users.initialPasswordFile());
		}
	}

	static String randomPassword(int length) {
		StringBuilder password = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return password.toString();
	}

}
