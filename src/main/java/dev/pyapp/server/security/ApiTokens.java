package dev.pyapp.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.security.internal.ApiTokenRepository;
import dev.pyapp.server.security.internal.CallerCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * API tokens. On the first start a random token is written to
 * {@code PYAPP_HOME/api-token} (mode 0600); the CLI on the same host reads it from there.
 * Users create further tokens of their own; those are kept only as SHA-256 hashes and
 * shown once. Tokens are never logged.
 */
@Component
public class ApiTokens {

	/** The principal the local token file authenticates as. */
	public static final String LOCAL_PRINCIPAL = "api-token";

	static final String USER_TOKEN_PREFIX = "pyapp_";

	private static final Logger logger = LoggerFactory.getLogger(ApiTokens.class);

	private static final SecureRandom random = new SecureRandom();

	private final Path tokenFile;

	private final byte[] localToken;

	private final ApiTokenRepository repository;

	private final UserAccountRepository users;

	private final Clock clock;

	private final CallerCache callers;

	@Autowired
	ApiTokens(PyappHome home, ApiTokenRepository repository, UserAccountRepository users, CallerCache callers) {
		this(home, repository, users, callers, Clock.systemUTC());
	}

	ApiTokens(PyappHome home, ApiTokenRepository repository, UserAccountRepository users, CallerCache callers,
			Clock clock) {
		this.callers = callers;
		this.tokenFile = home.apiTokenFile();
		this.localToken = loadOrCreate(this.tokenFile).getBytes(StandardCharsets.UTF_8);
		this.repository = repository;
		this.users = users;
		this.clock = clock;
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
	 * Checks a presented token: the local token file's (always {@code admin}), or a
	 * user's token, whose role is its own but never more than its user's role now. A user
	 * token seen recently is answered from {@link CallerCache}, without a store read.
	 * @param presented the token from the request
	 * @return who calls with it, if it is valid
	 */
	Optional<Caller> authenticate(String presented) {
		byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
		if (MessageDigest.isEqual(bytes, this.localToken)) {
			return Optional.of(new Caller(LOCAL_PRINCIPAL, null, Role.ADMIN));
		}
		if (!presented.startsWith(USER_TOKEN_PREFIX)) {
			return Optional.empty();
		}
		// the lookup is by hash, so its timing tells nothing about the token itself
		String hash = sha256(presented);
		long generation = this.callers.generation();
		CallerCache.Entry cached = this.callers.get(hash, this.clock.instant());
		if (cached != null) {
			ApiToken touched = touch(cached.token());
			if (touched != cached.token()) {
				this.callers.put(hash, new CallerCache.Entry(touched, cached.caller(), cached.cached()), generation);
			}
			return Optional.of(cached.caller());
		}
		Instant read = this.clock.instant();
		return this.repository.findByHash(hash).map(this::touch).map((token) -> {
			Caller caller = caller(token);
			this.callers.put(hash, new CallerCache.Entry(token, caller, read), generation);
			return caller;
		});
	}

	private Caller caller(ApiToken token) {
		Role role = token.effectiveRole();
		if (!LOCAL_PRINCIPAL.equals(token.user())) {
			// a user who was demoted (or removed) takes their tokens down with them
			role = this.users.findById(token.user())
				.map((user) -> Role.least(user.effectiveRole(), token.effectiveRole()))
				.orElse(Role.VIEWER);
		}
		return new Caller("token:" + token.name(), token.user(), role);
	}

	/**
	 * Creates a token for a user. The returned value is the only time the token is
	 * visible: only its hash is stored.
	 * @param user the user the token acts as
	 * @param name what the token is for, such as {@code laptop cli}
	 * @param role what the token may do
	 * @return the stored token and its value
	 * @throws PyappException ({@code INVALID}) for a blank or overlong name
	 */
	public Created create(String user, String name, Role role) {
		Assert.hasText(user, "'user' must have text");
		String trimmed = (name != null) ? name.strip() : "";
		if (trimmed.isEmpty() || trimmed.length() > 80) {
			throw PyappException.invalid("invalid token name",
					List.of(new Problem("name", "give the token a name of 1 to 80 characters")));
		}
		String value = USER_TOKEN_PREFIX + newToken();
		ApiToken token = new ApiToken(UUID.randomUUID().toString(), user, trimmed, sha256(value), this.clock.instant(),
				null, role);
		return new Created(this.repository.save(token), value);
	}

	/**
	 * Every user token, oldest first (without values; the hashes stay inside).
	 * @return the tokens
	 */
	public List<ApiToken> list() {
		return this.repository.findAllByOrderByCreatedAsc();
	}

	/**
	 * Revokes a token: it authenticates nothing from now on.
	 * @param id the token's id
	 * @return the revoked token
	 * @throws PyappException ({@code NOT_FOUND}) if there is no such token
	 */
	public ApiToken revoke(String id) {
		ApiToken token = this.repository.findById(id)
			.orElseThrow(() -> PyappException.notFound("no API token with id '" + id + "'"));
		this.repository.deleteById(id);
		this.callers.forgetToken(id);
		return token;
	}

	/**
	 * Revokes every token of a user (when the user is removed).
	 * @param user the user
	 * @return how many were revoked
	 */
	int revokeAll(String user) {
		List<ApiToken> tokens = this.repository.findAll()
			.stream()
			.filter((token) -> token.user().equals(user))
			.toList();
		this.repository.deleteAll(tokens);
		this.callers.forgetUser(user);
		return tokens.size();
	}

	public Path tokenFile() {
		return this.tokenFile;
	}

	private ApiToken touch(ApiToken token) {
		Instant now = this.clock.instant();
		// written at most once a minute: a busy script should not turn reads into writes
		if (token.lastUsed() == null || token.lastUsed().isBefore(now.minus(Duration.ofMinutes(1)))) {
			return this.repository.save(token.usedAt(now));
		}
		return token;
	}

	static String sha256(String value) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
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

	/**
	 * A token just created.
	 *
	 * @param token the stored token
	 * @param value the token itself, to show once
	 */
	public record Created(ApiToken token, String value) {
	}

}
