package dev.pyapp.server.security;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.MutableClock;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.security.internal.ApiTokenRepository;
import dev.pyapp.server.security.internal.CallerCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * User tokens with their callers kept in {@link CallerCache}: a known token reads nothing
 * from the store, and a revoke, a role change, a removal or the time bound take effect on
 * the next call.
 */
class ApiTokensTests {

	@TempDir
	Path home;

	private final ApiTokenRepository tokens = mock(ApiTokenRepository.class);

	private final UserAccountRepository users = mock(UserAccountRepository.class);

	private final Map<String, ApiToken> stored = new ConcurrentHashMap<>();

	private final Map<String, UserAccount> accounts = new ConcurrentHashMap<>();

	private final MutableClock clock = new MutableClock();

	private final CallerCache callers = new CallerCache();

	private ApiTokens apiTokens;

	private UserAccounts userAccounts;

	@BeforeEach
	void tokens() {
		willAnswer((invocation) -> {
			ApiToken token = invocation.getArgument(0);
			this.stored.put(token.id(), token);
			return token;
		}).given(this.tokens).save(any());
		willAnswer((invocation) -> this.stored.values()
			.stream()
			.filter((token) -> token.hash().equals(invocation.getArgument(0)))
			.findFirst()).given(this.tokens).findByHash(anyString());
		willAnswer((invocation) -> Optional.ofNullable(this.stored.get(invocation.<String>getArgument(0))))
			.given(this.tokens)
			.findById(anyString());
		willAnswer((invocation) -> this.stored.remove(invocation.<String>getArgument(0))).given(this.tokens)
			.deleteById(anyString());
		willAnswer((invocation) -> Optional.ofNullable(this.accounts.get(invocation.<String>getArgument(0))))
			.given(this.users)
			.findById(anyString());
		willAnswer((invocation) -> {
			UserAccount account = invocation.getArgument(0);
			this.accounts.put(account.username(), account);
			return account;
		}).given(this.users).save(any());
		willAnswer((invocation) -> this.accounts.remove(invocation.<String>getArgument(0))).given(this.users)
			.deleteById(anyString());
		this.accounts.put("alice",
				new UserAccount("alice", "{noop}x", this.clock.instant(), this.clock.instant(), Role.DEPLOYER));
		PyappHome pyappHome = new PyappHome(this.home);
		this.apiTokens = new ApiTokens(pyappHome, this.tokens, this.users, this.callers, this.clock);
		this.userAccounts = new UserAccounts(this.users, pyappHome, this.callers);
	}

	@Test
	void aKnownTokenReadsNothingFromTheStoreAgain() {
		String value = this.apiTokens.create("alice", "laptop", Role.ADMIN).value();

		Caller first = this.apiTokens.authenticate(value).orElseThrow();
		Caller second = this.apiTokens.authenticate(value).orElseThrow();

		assertThat(first).isEqualTo(new Caller("token:laptop", "alice", Role.DEPLOYER));
		assertThat(second).isEqualTo(first);
		verify(this.tokens, times(1)).findByHash(anyString());
		verify(this.users, times(1)).findById("alice");
	}

	@Test
	void aRevokedTokenAuthenticatesNothingAtOnce() {
		ApiTokens.Created created = this.apiTokens.create("alice", "laptop", Role.DEPLOYER);
		assertThat(this.apiTokens.authenticate(created.value())).isPresent();

		this.apiTokens.revoke(created.token().id());

		assertThat(this.apiTokens.authenticate(created.value())).isEmpty();
	}

	@Test
	void aRoleChangeCountsAtTheNextCall() {
		String value = this.apiTokens.create("alice", "laptop", Role.ADMIN).value();
		assertThat(this.apiTokens.authenticate(value).orElseThrow().role()).isEqualTo(Role.DEPLOYER);

		this.userAccounts.setRole("alice", Role.VIEWER);

		assertThat(this.apiTokens.authenticate(value).orElseThrow().role()).isEqualTo(Role.VIEWER);
	}

	@Test
	void aRemovedUsersTokensOnlyRead() {
		String value = this.apiTokens.create("alice", "laptop", Role.ADMIN).value();
		assertThat(this.apiTokens.authenticate(value).orElseThrow().role()).isEqualTo(Role.DEPLOYER);

		this.userAccounts.remove("alice");

		assertThat(this.apiTokens.authenticate(value).orElseThrow().role()).isEqualTo(Role.VIEWER);
	}

	@Test
	void aKeptCallerIsReadAgainAfterTheTimeBound() {
		String value = this.apiTokens.create("alice", "laptop", Role.ADMIN).value();
		this.apiTokens.authenticate(value);
		// changed behind this server's back
		this.accounts.put("alice",
				new UserAccount("alice", "{noop}x", this.clock.instant(), this.clock.instant(), Role.VIEWER));

		this.clock.advance(CallerCache.TTL.minusSeconds(1));
		assertThat(this.apiTokens.authenticate(value).orElseThrow().role()).isEqualTo(Role.DEPLOYER);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.apiTokens.authenticate(value).orElseThrow().role()).isEqualTo(Role.VIEWER);
	}

	@Test
	void lastUseIsStillWrittenAtMostOnceAMinute() {
		ApiTokens.Created created = this.apiTokens.create("alice", "laptop", Role.ADMIN);
		this.apiTokens.authenticate(created.value());
		Instant first = this.stored.get(created.token().id()).lastUsed();
		assertThat(first).isEqualTo(this.clock.instant());

		this.clock.advance(Duration.ofSeconds(20));
		this.apiTokens.authenticate(created.value());
		assertThat(this.stored.get(created.token().id()).lastUsed()).isEqualTo(first);

		this.clock.advance(Duration.ofSeconds(41));
		this.apiTokens.authenticate(created.value());
		assertThat(this.stored.get(created.token().id()).lastUsed()).isEqualTo(this.clock.instant());
	}

	@Test
	void unknownTokensAreNotKept() {
		assertThat(this.apiTokens.authenticate("pyapp_guessed")).isEmpty();
		assertThat(this.callers.size()).isZero();
	}

	@Test
	void keepsAtMostTheBoundLeastRecentlyUsedFirst() {
		CallerCache cache = new CallerCache();
		Instant now = Instant.now();
		for (int i = 0; i <= CallerCache.MAX_ENTRIES; i++) {
			cache.put("h" + i, entry("t" + i, now), cache.generation());
			if (i == 1) {
				// h0 used again: h1 is now the least recently used
				assertThat(cache.get("h0", now)).isNotNull();
			}
		}
		assertThat(cache.size()).isEqualTo(CallerCache.MAX_ENTRIES);
		assertThat(cache.get("h0", now)).isNotNull();
		assertThat(cache.get("h1", now)).isNull();
	}

	@Test
	void aLookupThatReadBeforeARevokeKeepsNothing() {
		CallerCache cache = new CallerCache();
		Instant now = Instant.now();
		long lookedUp = cache.generation();
		cache.forgetToken("t1");
		cache.put("h1", entry("t1", now), lookedUp);
		assertThat(cache.get("h1", now)).isNull();
	}

	private static CallerCache.Entry entry(String id, Instant now) {
		ApiToken token = new ApiToken(id, "alice", id, "hash-" + id, now, null, Role.ADMIN);
		return new CallerCache.Entry(token, new Caller("token:" + id, "alice", Role.ADMIN), now);
	}

}
