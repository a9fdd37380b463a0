package dev.pyapp.server.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.pyapp.server.TestHomes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Roles and the audit log over real HTTP: users and tokens with roles, a call beyond the
 * role refused with -32004 naming it, every kind of principal in the audit log (a UI
 * session, a user's token, the local token, the drop folder), secrets masked, a failed
 * call recorded with its error, and users from before roles migrated to admin.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// a file that never becomes a readable zip is given up after give-up
		properties = { "pyapp.dropbox.enabled=true", "pyapp.dropbox.settle=200ms", "pyapp.dropbox.give-up=3s" })
class RolesAndAuditIntegrationTests {

	private static final Path home = createHome();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper mapper;

	@Autowired
	private MongoOperations mongo;

	@Autowired
	private RoleMigration migration;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@Test
	void aTokenWithTheViewerRoleReadsButIsRefusedAChangeNamingTheRole() throws Exception {
		String token = result(local("tokens.create", "{\"name\":\"ci-read\",\"role\":\"viewer\"}")).path("token")
			.asString();
		assertThat(result(bearer(token, "apps.list", null)).isArray()).isTrue();
		JsonNode refused = reply(
				bearer(token, "servers.add", "{\"name\":\"x\",\"hostnames\":[\"x.test\"],\"listen\":\"127.0.0.1:1\"}"));
		assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32004);
		assertThat(refused.path("error").path("message").asString()).contains("needs the role deployer")
			.contains("has the role viewer");
		assertThat(reply(bearer(token, "users.list", null)).path("error").path("code").asInt()).isEqualTo(-32004);
		// the refusal is in the audit log, under the token's name
		JsonNode records = result(local("audit.query", "{\"principal\":\"token:ci-read\"}")).path("records");
		assertThat(records.get(0).path("method").asString()).isEqualTo("users.list");
		assertThat(records.get(0).path("error").path("code").asInt()).isEqualTo(-32004);
		assertThat(records.get(0).path("user").asString()).isEqualTo("api-token");
	}

	@Test
	void aDeployerTokenDeploysButCreatesNoUsersAndNoTokenCanOutrankItsUser() throws Exception {
		result(local("users.create",
				"{\"username\":\"carol\",\"role\":\"deployer\",\"password\":\"carol-password-1\"}"));
		WebSession carol = new WebSession(this.port);
		carol.login("carol", "carol-password-1");
		// a deployer may not make tokens (SPEC: not users, tokens or nodes)
		JsonNode tokens = reply(carol.rpc(body("tokens.create", "{\"name\":\"mine\"}"), carol.csrfToken()));
		assertThat(tokens.path("error").path("code").asInt()).isEqualTo(-32004);
		// a CI token that may deploy but not administer: an admin's token with the
		// deployer role
		String ci = result(local("tokens.create", "{\"name\":\"ci-deploy\",\"role\":\"deployer\"}")).path("token")
			.asString();
		JsonNode added = reply(bearer(ci, "servers.add",
				"{\"name\":\"ci\",\"hostnames\":[\"ci.test\"],\"listen\":\"127.0.0.1:18081\"}"));
		assertThat(added.has("error")).as(added.toString()).isFalse();
		assertThat(reply(bearer(ci, "users.create", "{\"username\":\"mallory\",\"role\":\"admin\"}")).path("error")
			.path("code")
			.asInt()).isEqualTo(-32004);
		// the UI session of a deployer works for deployer methods, and its page
		// says its role
		JsonNode removed = reply(carol.rpc(body("servers.remove", "{\"name\":\"ci\"}"), carol.csrfToken()));
		assertThat(removed.has("error")).as(removed.toString()).isFalse();
		assertThat(carol.get("/apps").body()).contains("data-role=\"deployer\"");
	}

	@Test
	void everyKindOfPrincipalIsRecordedWithSecretsMaskedAndFailuresWithTheirError() throws Exception {
		// a UI session
		result(local("users.create", "{\"username\":\"alice\",\"role\":\"admin\",\"password\":\"alice-password-1\"}"));
		WebSession alice = new WebSession(this.port);
		alice.login("alice", "alice-password-1");
		JsonNode node = reply(alice.rpc(body("nodes.add",
				"{\"name\":\"n1\",\"host\":\"127.0.0.1\",\"port\":1,\"user\":\"root\",\"private_key\":\"-----BEGIN SECRET KEY-----\"}"),
				alice.csrfToken()));
		assertThat(node.has("error")).isTrue();
		// a user's token (the session's own)
		String token = result(reply(
				alice.rpc(body("tokens.create", "{\"name\":\"laptop\",\"role\":\"deployer\"}"), alice.csrfToken())))
			.path("token")
			.asString();
		result(bearer(token, "notifications.rules.add",
				"{\"min_level\":\"ERROR\",\"channel\":\"webhook\",\"target\":\"https://bob:hunter2@hooks.example.org/x\"}"));
		// the drop folder
		Path dropped = home.resolve("dropbox/broken.pyapp");
		Files.createDirectories(dropped.getParent());
		Files.writeString(dropped, "not a zip");

		JsonNode session = single("alice", "nodes.add");
		assertThat(session.path("outcome").asString()).isEqualTo("error");
		// recorded with the error its caller got
		assertThat(session.path("error").path("code").asInt()).isEqualTo(node.path("error").path("code").asInt());
		assertThat(session.path("error").path("message").asString())
			.isEqualTo(node.path("error").path("message").asString());
		assertThat(session.path("params").path("private_key").asString()).isEqualTo("***");
		assertThat(session.toString()).doesNotContain("BEGIN SECRET KEY");
		assertThat(session.path("duration_ms").asLong()).isGreaterThanOrEqualTo(0);

		JsonNode byToken = single("token:laptop", "notifications.rules.add");
		assertThat(byToken.path("user").asString()).isEqualTo("alice");
		assertThat(byToken.path("role").asString()).isEqualTo("deployer");
		assertThat(byToken.path("outcome").asString()).isEqualTo("ok");
		assertThat(byToken.path("params").path("target").asString()).isEqualTo("https://bob:***@hooks.example.org/x");

		JsonNode created = single("alice", "tokens.create");
		assertThat(created.path("params").path("name").asString()).isEqualTo("laptop");

		assertThat(single("api-token", "users.create").path("params").path("password").asString()).isEqualTo("***");

		await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
			JsonNode drop = single("dropbox", "apps.install");
			assertThat(drop.path("outcome").asString()).isEqualTo("error");
			assertThat(drop.path("params").path("file").asString()).isEqualTo("broken.pyapp");
		});
		// read-only calls are not recorded
		result(local("apps.list", null));
		assertThat(result(local("audit.query", "{\"method\":\"apps.list\"}")).path("records").size()).isZero();
	}

	@Test
	void anUploadIsRecordedAndNeedsTheDeployerRole() throws Exception {
		String viewer = result(local("tokens.create", "{\"name\":\"upload-viewer\",\"role\":\"viewer\"}")).path("token")
			.asString();
		assertThat(upload(viewer).statusCode()).isEqualTo(403);
		assertThat(upload(token()).statusCode()).isEqualTo(400);
		JsonNode records = result(local("audit.query", "{\"method\":\"archives.*\"}")).path("records");
		assertThat(records.size()).isGreaterThanOrEqualTo(2);
		assertThat(records.toString()).contains("token:upload-viewer").contains("api-token");
	}

	@Test
	void usersAndTokensFromBeforeRolesBecomeAdminsAndTheFirstAdminStaysOne() throws Exception {
		result(local("users.create", "{\"username\":\"legacy\",\"role\":\"viewer\"}"));
		this.mongo.updateFirst(Query.query(Criteria.where("_id").is("legacy")), new Update().unset("role"),
				UserAccount.class);
		this.migration.afterSingletonsInstantiated();
		assertThat(result(local("users.list", null)).toString())
			.contains("{\"username\":\"legacy\",\"role\":\"admin\"");
		JsonNode demote = reply(local("users.update", "{\"username\":\"admin\",\"role\":\"viewer\"}"));
		assertThat(demote.path("error").path("code").asInt()).isEqualTo(-32004);
		assertThat(reply(local("users.remove", "{\"username\":\"admin\"}")).path("error").path("code").asInt())
			.isEqualTo(-32004);
	}

	private JsonNode single(String principal, String method) throws Exception {
		JsonNode records = result(
				local("audit.query", "{\"principal\":\"" + principal + "\",\"method\":\"" + method + "\",\"limit\":1}"))
			.path("records");
		assertThat(records.size()).as(principal + " " + method).isEqualTo(1);
		return records.get(0);
	}

	private static String body(String method, String params) {
		return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\""
				+ ((params != null) ? ",\"params\":" + params : "") + "}";
	}

	private HttpResponse<String> local(String method, String params) throws Exception {
		return bearer(token(), method, params);
	}

	private HttpResponse<String> bearer(String token, String method, String params) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body(method, params)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> upload(String token) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/archives"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/octet-stream")
			.POST(HttpRequest.BodyPublishers.ofString("not a zip"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String token() throws IOException {
		return Files.readString(home.resolve("api-token")).trim();
	}

	private JsonNode reply(HttpResponse<String> response) {
		return this.mapper.readTree(response.body());
	}

	private JsonNode result(HttpResponse<String> response) {
		JsonNode reply = reply(response);
		assertThat(reply.has("error")).as(response.body()).isFalse();
		return reply.path("result");
	}

	private JsonNode result(JsonNode reply) {
		assertThat(reply.has("error")).as(reply.toString()).isFalse();
		return reply.path("result");
	}

	private static Path createHome() {
		return TestHomes.create("pyapp-audit");
	}

}
