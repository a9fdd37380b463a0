package dev.pyapp.server.security;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.pyapp.server.TestHomes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The UI's security over real HTTP: the first admin, form login with its rate limit,
 * session fixation, CSRF on session calls, per-user API tokens, password change and the
 * security headers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pyapp.security.login.free-failures=2", "pyapp.security.login.first-delay=10m",
				"pyapp.security.login.max-delay=10m" })
class SecurityIntegrationTests {

	private static final Path home = createHome();

	private static final String SERVER_INFO = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server.info\"}";

	@LocalServerPort
	private int port;

	@Autowired
	private UserAccounts users;

	@Autowired
	private UserAccountRepository repository;

	@Autowired
	private JsonMapper mapper;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@Test
	void firstStartCreatesAdminWithRandomPasswordInOwnerOnlyFile() throws Exception {
		Path file = home.resolve("initial-admin-password");
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		String password = Files.readString(file).trim();
		assertThat(password).hasSize(20).isNotIn("admin", "password", "changeme", "pyapp");
		assertThat(this.repository.findById("admin")).hasValueSatisfying(
				(admin) -> assertThat(admin.passwordHash()).startsWith("{bcrypt}$2").doesNotContain(password));

		for (String guess : new String[] { "admin", "password" }) {
			assertThat(new WebSession(this.port).login("admin", guess).headers().firstValue("Location"))
				.hasValueSatisfying((location) -> assertThat(location).endsWith("/login?error"));
		}
		HttpResponse<String> login = new WebSession(this.port).login("admin", password);
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location"))
			.hasValueSatisfying((location) -> assertThat(location).doesNotContain("/login"));
	}

	@Test
	void loginChangesSessionId() throws Exception {
		this.users.createIfAbsent("fixation", "fixation-password-1", Role.ADMIN);
		WebSession session = new WebSession(this.port);
		session.get("/login");
		String before = session.sessionId();
		assertThat(before).isNotNull();
		session.login("fixation", "fixation-password-1");
		assertThat(session.sessionId()).isNotNull().isNotEqualTo(before);
		assertThat(session.get("/apps").statusCode()).isEqualTo(200);
	}

	@Test
	void repeatedFailuresMakeTheNextAttemptWaitEvenWithTheRightPassword() throws Exception {
		this.users.createIfAbsent("target", "target-password-1", Role.ADMIN);
		this.users.createIfAbsent("bystander", "bystander-password-1", Role.ADMIN);
		for (int i = 0; i < 2; i++) {
			assertThat(location(new WebSession(this.port).login("target", "wrong-" + i))).endsWith("/login?error");
		}
		assertThat(location(new WebSession(this.port).login("target", "wrong-2"))).endsWith("/login?wait=600");

		assertThat(location(new WebSession(this.port).login("target", "target-password-1"))).contains("/login?wait=");
		assertThat(location(new WebSession(this.port).login("bystander", "bystander-password-1")))
			.doesNotContain("/login");
	}

	@Test // GH-13 (10)
	void aForwardedAddressFromAnUntrustedPeerIsIgnored() throws Exception {
		this.users.createIfAbsent("forwarded", "forwarded-password-1", Role.ADMIN);
		for (int i = 0; i < 3; i++) {
			// each guess claims another client address: without a trusted proxy they all
			// count for the peer's own address
			new WebSession(this.port).header("X-Forwarded-For", "203.0.113." + i).login("forwarded", "wrong-" + i);
		}
		assertThat(location(new WebSession(this.port).header("X-Forwarded-For", "198.51.100.7")
			.login("forwarded", "forwarded-password-1"))).contains("/login?wait=");
	}

	@Test // GH-13 (14)
	void theSessionCookieIsSameSiteLaxAndSecureOnlyOverTls() throws Exception {
		this.users.createIfAbsent("cookie-user", "cookie-user-password-1", Role.ADMIN);
		HttpResponse<String> login = new WebSession(this.port).header("X-Forwarded-Proto", "https")
			.login("cookie-user", "cookie-user-password-1");
		assertThat(location(login)).doesNotContain("/login");
		String cookie = login.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((value) -> value.startsWith("JSESSIONID="))
			.findFirst()
			.orElseThrow();
		assertThat(cookie).contains("SameSite=Lax").contains("HttpOnly");
		// plain HTTP, and the forwarded https comes from no trusted proxy
		assertThat(cookie).doesNotContain("Secure");
	}

	@Test
	void sessionCallsNeedTheCsrfToken() throws Exception {
		WebSession session = loggedIn("csrf-user");
		assertThat(session.rpc(SERVER_INFO, null).statusCode()).isEqualTo(403);
		assertThat(session.rpc(SERVER_INFO, "not-the-token").statusCode()).isEqualTo(403);
		HttpResponse<String> allowed = session.rpc(SERVER_INFO, session.csrfToken());
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(this.mapper.readTree(allowed.body()).path("result").has("version")).isTrue();
		// the logout form is state-changing too
		assertThat(session.postForm("/logout", java.util.Map.of()).statusCode()).isEqualTo(403);
	}

	@Test
	void apiRefusesMissingAndWrongTokens() throws Exception {
		WebSession anonymous = new WebSession(this.port);
		assertThat(anonymous.rpc(SERVER_INFO, null).statusCode()).isEqualTo(401);
		assertThat(anonymous.bearer("pyapp_wrong", SERVER_INFO).statusCode()).isEqualTo(401);
		assertThat(anonymous.bearer(Files.readString(home.resolve("api-token")).trim(), SERVER_INFO).statusCode())
			.isEqualTo(200);
	}

	@Test
	void userTokensWorkOnTheApiUntilRevoked() throws Exception {
		WebSession session = loggedIn("token-owner");
		String csrf = session.csrfToken();
		JsonNode created = result(session
			.rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tokens.create\",\"params\":{\"name\":\"laptop\"}}", csrf));
		String token = created.path("token").asString();
		assertThat(token).startsWith("pyapp_");
		assertThat(created.path("user").asString()).isEqualTo("token-owner");

		HttpResponse<String> withToken = session.bearer(token, SERVER_INFO);
		assertThat(withToken.statusCode()).isEqualTo(200);
		JsonNode listed = result(session.bearer(token, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tokens.list\"}"));
		assertThat(listed.toString()).contains("laptop").doesNotContain(token).doesNotContain(ApiTokens.sha256(token));
		assertThat(listed.toString()).contains("\"last_used\":\"");

		result(session.rpc("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tokens.revoke\",\"params\":{\"id\":\""
				+ created.path("id").asString() + "\"}}", csrf));
		assertThat(session.bearer(token, SERVER_INFO).statusCode()).isEqualTo(401);
	}

	@Test
	void passwordChangeChecksTheCurrentPassword() throws Exception {
		WebSession session = loggedIn("changer");
		String csrf = session.csrfToken();
		JsonNode refused = this.mapper.readTree(session.rpc(
				"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"account.password.set\",\"params\":{\"current\":\"nope\",\"password\":\"short\"}}",
				csrf)
			.body());
		assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32002);
		assertThat(refused.path("error").path("data").path("errors").toString()).contains("\"current\"")
			.contains("\"password\"");

		result(session.rpc(
				"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"account.password.set\",\"params\":{\"current\":\"changer-password-1\",\"password\":\"a-brand-new-password\"}}",
				csrf));
		assertThat(location(new WebSession(this.port).login("changer", "changer-password-1"))).endsWith("/login?error");
		assertThat(location(new WebSession(this.port).login("changer", "a-brand-new-password")))
			.doesNotContain("/login");
	}

	@Test
	void pagesCarryStrictSecurityHeaders() throws Exception {
		WebSession session = loggedIn("headers");
		for (HttpResponse<String> response : new HttpResponse[] { session.get("/login"), session.get("/apps"),
				session.rpc(SERVER_INFO, session.csrfToken()) }) {
			String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
			assertThat(csp).contains("script-src 'self'")
				.contains("frame-ancestors 'none'")
				.doesNotContain("unsafe-inline");
			assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
			assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		}
		assertThat(session.get("/apps").body()).doesNotContain("<script>").doesNotContain(" style=\"");
	}

	@Test
	void pagesNeedALogin() throws Exception {
		HttpResponse<String> response = new WebSession(this.port).get("/apps");
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(location(response)).endsWith("/login");
	}

	private WebSession loggedIn(String username) throws IOException, InterruptedException {
		String password = username + "-password-1";
		this.users.createIfAbsent(username, password, Role.ADMIN);
		WebSession session = new WebSession(this.port);
		assertThat(location(session.login(username, password))).doesNotContain("/login");
		return session;
	}

	private JsonNode result(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = this.mapper.readTree(response.body());
		assertThat(body.has("error")).as(response.body()).isFalse();
		return body.path("result");
	}

	private static String location(HttpResponse<String> response) {
		return response.headers().firstValue("Location").orElse("(no redirect: " + response.statusCode() + ")");
	}

	private static Path createHome() {
		return TestHomes.create("pyapp-security");
	}

}
