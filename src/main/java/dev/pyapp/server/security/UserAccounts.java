package dev.pyapp.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.security.internal.CallerCache;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The users of the web UI, kept in MongoDB with BCrypt password hashes, each with a
 * {@link Role}. The first user, {@code admin}, stays an admin: it can be neither demoted
 * nor removed, so the server always has one.
 */
@Component
public class UserAccounts implements UserDetailsService {

	/** The shortest password accepted when a password is changed. */
	public static final int MIN_PASSWORD_LENGTH = 12;

	private static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile("^[a-z][a-z0-9._-]{0,39}$");

	private final UserAccountRepository repository;

	private final PasswordEncoder encoder;

	private final PyappHome home;

	private final Clock clock;

	/** Tokens' callers carry their user's role: dropped on every change of a user. */
	private final CallerCache callers;

	UserAccounts(UserAccountRepository repository, PyappHome home, CallerCache callers) {
		this.repository = repository;
		this.callers = callers;
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
		return User.withUsername(account.username())
			.password(account.passwordHash())
			.roles(account.effectiveRole().name())
			.build();
	}

	/**
	 * A user's role now (a role changed while the user is logged in counts at once).
	 * @param username the user
	 * @return the role, or empty when there is no such user
	 */
	public Optional<Role> role(String username) {
		return this.repository.findById(username).map(UserAccount::effectiveRole);
	}

	/**
	 * Every user, by name.
	 * @return the users
	 */
	public List<UserInfo> list() {
		return this.repository.findAll()
			.stream()
			.sorted(Comparator.comparing(UserAccount::username))
			.map(UserAccounts::info)
			.toList();
	}

	/**
	 * Creates a user.
	 * @param username the name ({@code ^[a-z][a-z0-9._-]{0,39}$})
	 * @param password the password, or {@code null} for a random one (returned)
	 * @param role the role
	 * @return the user, with the password when it was generated
	 * @throws PyappException {@code INVALID} for a bad name or a short password,
	 * {@code CONFLICT} if the name is taken
	 */
	public Created create(String username, @Nullable String password, Role role) {
		List<Problem> problems = new ArrayList<>();
		if (username == null || !USERNAME.matcher(username).matches() || ApiTokens.LOCAL_PRINCIPAL.equals(username)) {
			problems.add(new Problem("username",
					"expected 1 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter"));
		}
		if (password != null && password.length() < MIN_PASSWORD_LENGTH) {
			problems.add(new Problem("password", "the password needs at least " + MIN_PASSWORD_LENGTH + " characters"));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("the user was not created", problems);
		}
		String chosen = (password != null) ? password : AdminBootstrap.randomPassword(20);
		if (!createIfAbsent(username, chosen, role)) {
			throw PyappException.conflict("a user named '" + username + "' exists already");
		}
		return new Created(info(this.repository.findById(username).orElseThrow()), (password == null) ? chosen : null);
	}

	/**
	 * Changes a user's role.
	 * @param username the user
	 * @param role the new role
	 * @return the user
	 * @throws PyappException {@code NOT_FOUND} for an unknown user, {@code FORBIDDEN} for
	 * the first admin
	 */
	public UserInfo setRole(String username, Role role) {
		UserAccount account = account(username);
		if (AdminBootstrap.ADMIN.equals(username) && role != Role.ADMIN) {
			throw new PyappException(ErrorKind.FORBIDDEN, "the user 'admin' stays an admin");
		}
		UserInfo changed = info(this.repository.save(account.withRole(role)));
		this.callers.forgetUser(username);
		return changed;
	}

	/**
	 * Removes a user; their sessions and API tokens stop working.
	 * @param username the user
	 * @throws PyappException {@code NOT_FOUND} for an unknown user, {@code FORBIDDEN} for
	 * the first admin
	 */
	public void remove(String username) {
		account(username);
		if (AdminBootstrap.ADMIN.equals(username)) {
			throw new PyappException(ErrorKind.FORBIDDEN, "the user 'admin' cannot be removed");
		}
		this.repository.deleteById(username);
		this.callers.forgetUser(username);
	}

	private UserAccount account(String username) {
		return this.repository.findById(username)
			.orElseThrow(() -> PyappException.notFound("no user named '" + username + "'"));
	}

	private static UserInfo info(UserAccount account) {
		return new UserInfo(account.username(), account.effectiveRole(), account.created(), account.passwordChanged());
	}

	/**
	 * A user as the API shows it (never the hash).
	 *
	 * @param username the name
	 * @param role the role
	 * @param created when it was created
	 * @param passwordChanged when its password was last set
	 */
	public record UserInfo(String username, Role role, Instant created, Instant passwordChanged) {
	}

	/**
	 * A user just created.
	 *
	 * @param user the user
	 * @param password the generated password, shown once; {@code null} when the caller
	 * chose it
	 */
	public record Created(UserInfo user, @Nullable String password) {
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
			.orElseThrow(() -> new PyappException(ErrorKind.FORBIDDEN,
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
	boolean createIfAbsent(String username, String password, Role role) {
		if (this.repository.existsById(username)) {
			return false;
		}
		return createIfAbsentHashed(username, encode(password), role);
	}

	/**
	 * Creates a user unless one of that name exists, with a password hashed before by
	 * {@link #encode(String)}.
	 * @param username the name
	 * @param passwordHash the hash
	 * @return {@code true} if the user was created
	 */
	boolean createIfAbsentHashed(String username, String passwordHash, Role role) {
		if (this.repository.existsById(username)) {
			return false;
		}
		Instant now = this.clock.instant();
		this.repository.save(new UserAccount(username, passwordHash, now, now, role));
		this.callers.forgetUser(username);
		return true;
	}

	/**
	 * The stored form of a password (BCrypt, with the prefix the form login expects).
	 * @param password the password
	 * @return its hash
	 */
	String encode(String password) {
		return this.encoder.encode(password);
	}

	long count() {
		return this.repository.count();
	}

	/**
	 * Whether the user still logs in with the password generated at the first start (the
	 * first admin, while {@code PYAPP_HOME/initial-admin-password} exists): the UI asks
	 * to change it.
	 * @param username the user
	 * @return whether it does
	 */
	public boolean usesInitialPassword(String username) {
		return AdminBootstrap.ADMIN.equals(username) && Files.exists(initialPasswordFile());
	}

	Path initialPasswordFile() {
		return this.home.initialAdminPasswordFile();
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
