package dev.pyapp.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The users of the web UI, kept in MongoDB with BCrypt password hashes. Every user may do
 * everything (v1 has no roles).
 */
@Component
public class UserAccounts implements UserDetailsService {

	/** The shortest password accepted when a password is changed. */
	public static final int MIN_PASSWORD_LENGTH = 12;

	static final String INITIAL_PASSWORD_FILE = "initial-admin-password";

	private final UserAccountRepository repository;

	private final PasswordEncoder encoder;

	private final PyappHome home;

	private final Clock clock;

	UserAccounts(UserAccountRepository repository, PyappHome home) {
		this.repository = repository;
		// hashes carry their scheme ({bcrypt}...), as Spring Security's default
		// DelegatingPasswordEncoder, which checks the form login, expects
		this.encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
		this.home = home;
		this.clock = Clock.systemUTC();
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		UserAccount account = this.repository.findById(username)
			.orElseThrow(() -> new UsernameNotFoundException("no such user"));
		return User.withUsername(account.username()).password(account.passwordHash()).roles("ADMIN").build();
	}

	/**
	 * Whether a user of that name exists.
	 * @param username the name
	 * @return {@code true} if it does
	 */
	public boolean exists(String username) {
		return this.repository.existsById(username);
	}

	/**
	 * Changes a user's password after checking the current one. Changing the
	 * {@code admin} password deletes the initial password file.
	 * @param username the user
	 * @param current the current password
	 * @param password the new password
	 * @throws PyappException ({@code INVALID}) naming the field at fault: {@code current}
	 * when it does not match, {@code password} when the new one is too short or unchanged
	 */
	public void changePassword(String username, String current, String password) {
		UserAccount account = this.repository.findById(username)
			.orElseThrow(() -> new PyappException(dev.pyapp.server.core.ErrorKind.FORBIDDEN,
					"only a user of the web UI has a password to change"));
		List<Problem> problems = new ArrayList<>();
		if (current == null || !this.encoder.matches(current, account.passwordHash())) {
			problems.add(new Problem("current", "the current password is not correct"));
		}
		if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
			problems
				.add(new Problem("password", "the new password needs at least " + MIN_PASSWORD_LENGTH + " characters"));
		}
		else if (password.equals(current)) {
			problems.add(new Problem("password", "the new password must differ from the current one"));
		}
		else if (password.equalsIgnoreCase(username)) {
			problems.add(new Problem("password", "the new password must not be the user name"));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("the password was not changed", problems);
		}
		this.repository.save(account.withPasswordHash(this.encoder.encode(password), this.clock.instant()));
		if (AdminBootstrap.ADMIN.equals(username)) {
			deleteInitialPasswordFile();
		}
	}

	/**
	 * Creates a user unless one of that name exists.
	 * @param username the name
	 * @param password the password (hashed before it is stored)
	 * @return {@code true} if the user was created
	 */
	boolean createIfAbsent(String username, String password) {
		if (this.repository.existsById(username)) {
			return false;
		}
		Instant now = this.clock.instant();
		this.repository.save(new UserAccount(username, this.encoder.encode(password), now, now));
		return true;
	}

	long count() {
		return this.repository.count();
	}

	Path initialPasswordFile() {
		return this.home.resolve(INITIAL_PASSWORD_FILE);
	}

	private void deleteInitialPasswordFile() {
		try {
			Files.deleteIfExists(initialPasswordFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + initialPasswordFile(), ex);
		}
	}

}
