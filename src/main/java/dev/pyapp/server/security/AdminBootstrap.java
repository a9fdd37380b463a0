package dev.pyapp.server.security;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.core.AtomicFiles;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * On the first start (no user at all) creates the user {@code admin} with a random
 * password, written to {@code PYAPP_HOME/initial-admin-password} (0600); the log names
 * the file, never the password. There is no built-in default password. Runs before the
 * web server accepts requests. The password's BCrypt hash, a third of a second of CPU
 * (more on a busy machine), is computed in the background from the moment this bean is
 * created, while the rest of the context starts.
 */
@Component
class AdminBootstrap implements SmartInitializingSingleton {

	static final String ADMIN = "admin";

	private static final Logger logger = LoggerFactory.getLogger(AdminBootstrap.class);

	// no 0/O, 1/l/I: the password is read off a terminal and typed in
	private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	private static final SecureRandom random = new SecureRandom();

	private final UserAccounts users;

	/** The first admin's password and its hash, being computed; null if users exist. */
	private final @Nullable Initial initial;

	AdminBootstrap(UserAccounts users) {
		this.users = users;
		this.initial = (users.count() > 0) ? null : Initial.start(users);
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.users.count() > 0) {
			return;
		}
		Initial initial = (this.initial != null) ? this.initial : Initial.start(this.users);
		String password = initial.password();
		// the file first: if the server dies in between, no account exists whose
		// password nobody knows
		AtomicFiles.write(this.users.initialPasswordFile(), password + "\n", AtomicFiles.OWNER_ONLY);
		if (this.users.createIfAbsentHashed(ADMIN, initial.hash().join(), Role.ADMIN)) {
			// the password itself is never logged: logs travel further than the file
			logger.warn("Created the web UI user '{}'; its password is in {} (readable by the server's user only);"
					+ " change it after logging in", ADMIN, this.users.initialPasswordFile());
		}
	}

	/**
	 * A generated password and its hash, computed on a thread of its own.
	 *
	 * @param password the password
	 * @param hash its hash, when done
	 */
	private record Initial(String password, CompletableFuture<String> hash) {

		static Initial start(UserAccounts users) {
			String password = randomPassword(20);
			CompletableFuture<String> hash = CompletableFuture.supplyAsync(() -> users.encode(password), (task) -> {
				Thread thread = new Thread(task, "pyapp-admin-hash");
				thread.setDaemon(true);
				thread.start();
			});
			return new Initial(password, hash);
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
