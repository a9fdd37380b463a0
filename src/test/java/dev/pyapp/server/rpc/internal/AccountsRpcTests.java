package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.List;

import dev.pyapp.server.security.ApiToken;
import dev.pyapp.server.security.ApiTokens;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.security.UserAccounts;
import dev.pyapp.server.security.UserAccounts.UserInfo;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code account.*}, {@code users.*} and {@code tokens.*} results: a password
 * or a token's value appears once, when it is made, and never a hash.
 */
class AccountsRpcTests {

	private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

	private final UserAccounts users = mock(UserAccounts.class);

	private final ApiTokens tokens = mock(ApiTokens.class);

	private final Callers callers = mock(Callers.class);

	@BeforeEach
	void signIn() {
		TestingAuthenticationToken authentication = new TestingAuthenticationToken("alice", null, "ROLE_ADMIN");
		authentication.setAuthenticated(true);
		SecurityContextHolder.getContext().setAuthentication(authentication);
		given(this.callers.current()).willReturn(new Caller("user:alice", "alice", Role.ADMIN));
	}

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void accountGet() {
		given(this.users.exists("alice")).willReturn(true);
		given(this.users.usesInitialPassword("alice")).willReturn(false);
		assertJson(new AccountRpc(this.users).get(), "{'user':'alice','has_password':true,'initial_password':false}");
	}

	@Test
	void accountPasswordSet() {
		assertJson(new AccountRpc(this.users).setPassword(new AccountRpc.PasswordParams("old", "new")),
				"{'changed':true}");
	}

	@Test
	void usersList() {
		given(this.users.list()).willReturn(List.of(user("bob", Role.DEPLOYER)));
		assertJson(new UsersRpc(this.users).list(), "[" + BOB + "]");
	}

	@Test
	void usersCreateReturnsAMadeUpPasswordOnce() {
		given(this.users.create("bob", null, Role.DEPLOYER))
			.willReturn(new UserAccounts.Created(user("bob", Role.DEPLOYER), "made-up-password"));
		assertJson(new UsersRpc(this.users).create(new UsersRpc.CreateParams("bob", "deployer", null)),
				BOB.replace("}", ",'password':'made-up-password'}"));
	}

	@Test
	void usersCreateWithAPasswordDoesNotReturnIt() {
		given(this.users.create("bob", "a chosen password", Role.DEPLOYER))
			.willReturn(new UserAccounts.Created(user("bob", Role.DEPLOYER), null));
		assertJson(new UsersRpc(this.users).create(new UsersRpc.CreateParams("bob", "deployer", "a chosen password")),
				BOB);
	}

	@Test
	void usersUpdate() {
		given(this.users.setRole("bob", Role.VIEWER)).willReturn(user("bob", Role.VIEWER));
		assertJson(new UsersRpc(this.users).update(new UsersRpc.UpdateParams("bob", "viewer")),
				BOB.replace("deployer", "viewer"));
	}

	@Test
	void usersRemove() {
		assertJson(new UsersRpc(this.users).remove(new UsersRpc.RemoveParams("bob")),
				"{'username':'bob','removed':true}");
	}

	@Test
	void tokensList() {
		given(this.tokens.list()).willReturn(List.of(token(null), token(Instant.parse("2026-01-03T00:00:00Z"))));
		assertJson(new TokensRpc(this.tokens, this.callers).list(),
				"[" + TOKEN + "," + TOKEN.replace("'last_used':null", "'last_used':'2026-01-03T00:00:00Z'") + "]");
	}

	@Test
	void tokensCreateReturnsTheValueOnce() {
		given(this.tokens.create("alice", "ci", Role.DEPLOYER))
			.willReturn(new ApiTokens.Created(token(null), "pyapp_secret"));
		assertJson(new TokensRpc(this.tokens, this.callers).create(new TokensRpc.CreateParams("ci", "deployer")),
				TOKEN.replace("}", ",'token':'pyapp_secret'}"));
	}

	@Test
	void tokensRevoke() {
		given(this.tokens.revoke("t1")).willReturn(token(null));
		assertJson(new TokensRpc(this.tokens, this.callers).revoke(new TokensRpc.RevokeParams("t1")),
				TOKEN.replace("}", ",'revoked':true}"));
	}

	private static final String BOB = "{'username':'bob','role':'deployer','created':'2026-01-01T00:00:00Z',"
			+ "'password_changed':'2026-01-02T00:00:00Z'}";

	private static final String TOKEN = "{'id':'t1','name':'ci','user':'alice','created':'2026-01-01T00:00:00Z',"
			+ "'last_used':null,'role':'deployer'}";

	private static UserInfo user(String name, Role role) {
		return new UserInfo(name, role, CREATED, Instant.parse("2026-01-02T00:00:00Z"));
	}

	private static ApiToken token(Instant lastUsed) {
		return new ApiToken("t1", "alice", "ci", "hash-never-shown", CREATED, lastUsed, Role.DEPLOYER);
	}

}
