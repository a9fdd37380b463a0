package dev.pyapp.server.deploy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.scm.GitFixture;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The git route end to end over the API: real bare repositories served by
 * {@code file://}, {@code apps.install {git}}, {@code apps.update}, and post-commit hooks
 * signed as GitHub and {@code pyapp hooks install-git} sign them. Tagged {@code process}:
 * an install runs the whole deploy pipeline (venv, gunicorn) once the runtime is there.
 */
@Tag("process")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GitRoutesIT {

	// not DropFolderIT's helpers: their class's initializer makes a home of its own,
	// with a drop folder no context deletes (one /tmp/pyapp-drop* left per run)
	private static final Path home = dev.pyapp.server.venv.ServerPackagesTemplate
		.copyInto(TestHomes.create(Path.of("/tmp"), "pyapp-git"));

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper json;

	@Autowired
	private VenvBuilder venvs;

	private RpcTestClient rpc;

	private Path repos;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		registry.add("pyapp.python.index", () -> "file:///opt/pypi/simple");
		// the apps' poll intervals are checked every second, not every 10 s
		registry.add("pyapp.scm.poll-check", () -> "1s");
	}

	@BeforeEach
	void setUp() throws Exception {
		// gunicorn is in server-packages already (ServerPackagesTemplate): the server
		// finds it at start and runs no pip
		this.venvs.awaitProvisioning(Duration.ofMinutes(3));
		this.rpc = new RpcTestClient(this.port, home, this.json);
		this.repos = Files.createTempDirectory(Path.of("/tmp"), "pg");
	}

	@AfterEach
	void removeApps() throws Exception {
		for (JsonNode app : this.rpc.result("apps.list", Map.of())) {
			// an update a hook or the poller started may still be running
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> this.rpc.result("apps.remove", Map.of("name", app.get("name").stringValue())));
		}
		deleteTree(this.repos);
	}

	@AfterAll
	static void deleteHome() throws Exception {
		dev.pyapp.server.isolation.TestAccounts.deleteUnder(home);
		deleteTree(home);
	}

	@Test
	void oneBranchInstallsItsBranchAndUpdatesOnlyWhenItMoves() throws Exception {
		try (GitFixture origin = new GitFixture(this.repos)) {
			origin.commit(GitFixture.app("branchy", "1.0"), "main");
			String stable = origin.branch("stable").commit(GitFixture.app("branchy", "1.1"), "stable");
			origin.checkout("main").commit(GitFixture.app("branchy", "2.0.dev1"), "main moves on");

			JsonNode installed = this.rpc.result("apps.install",
					Map.of("git", Map.of("url", origin.url(), "strategy", "one-branch", "branch", "stable")));

			assertThat(installed.get("name").stringValue()).isEqualTo("branchy");
			assertThat(installed.get("version").stringValue()).isEqualTo("1.1");
			assertThat(installed.get("source").get("kind").stringValue()).isEqualTo("git");
			assertThat(installed.get("source").get("strategy").stringValue()).isEqualTo("one-branch");
			assertThat(installed.get("releases").get(0).get("commit").stringValue()).isEqualTo(stable);
			assertThat(home.resolve("git/branchy.git")).isDirectory();

			JsonNode current = this.rpc.result("apps.update", Map.of("name", "branchy"));
			assertThat(current.get("updated").booleanValue()).isFalse();
			assertThat(current.get("message").stringValue()).isEqualTo("already current");

			String fix = origin.checkout("stable").commit(GitFixture.app("branchy", "1.2"), "fix");
			JsonNode updated = this.rpc.result("apps.update", Map.of("name", "branchy"));
			assertThat(updated.get("updated").booleanValue()).isTrue();
			assertThat(updated.get("version").stringValue()).isEqualTo("1.2");
			assertThat(updated.get("commit").stringValue()).isEqualTo(fix);
			assertThat(updated.get("releases")).hasSize(2);
		}
	}

	@Test
	void latestTagFollowsNewTagsPushedThroughTheGenericHook() throws Exception {
		try (GitFixture origin = new GitFixture(this.repos)) {
			origin.commit(GitFixture.app("tagged", "1.0.0"), "1.0");
			origin.tag("v1.0.0", true);
			origin.commit(GitFixture.app("tagged", "1.1.0rc1"), "rc");
			origin.tag("v1.1.0rc1", true);
			JsonNode installed = this.rpc.result("apps.install",
					Map.of("git", Map.of("url", origin.url(), "strategy", "latest-tag", "tag_pattern", "v*")));
			assertThat(installed.get("version").stringValue()).isEqualTo("1.0.0");
			JsonNode hook = this.rpc.result("hooks.create", Map.of("name", "tagged", "provider", "generic"));

			String v11 = origin.commit(GitFixture.app("tagged", "1.1.0"), "1.1");
			origin.tag("v1.1.0", false);
			String body = push("refs/tags/v1.1.0", v11, origin.url());
			HttpResponse<String> response = RpcTestClient.post(hook.get("url").stringValue(), body,
					Map.of("X-Pyapp-Signature", "sha256=" + hmac(hook.get("secret").stringValue(), body),
							"X-Pyapp-Delivery", UUID.randomUUID().toString()));

			assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(version("tagged")).isEqualTo("1.1.0"));
		}
	}

	@Test
	void githubSignedPushUpdatesTheAppAndABadSignatureChangesNothing() throws Exception {
		try (GitFixture origin = new GitFixture(this.repos)) {
			origin.commit(GitFixture.app("hooked", "1.0"), "first");
			this.rpc.result("apps.install", Map.of("git", Map.of("url", origin.url())));
			JsonNode hook = this.rpc.result("hooks.create", Map.of("name", "hooked", "provider", "github"));
			String url = hook.get("url").stringValue();
			String secret = hook.get("secret").stringValue();
			assertThat(url).startsWith("http://127.0.0.1:" + this.port + "/hooks/")
				.endsWith(hook.get("id").stringValue());
			JsonNode listed = this.rpc.result("hooks.list", Map.of("name", "hooked"));
			assertThat(listed).hasSize(1);
			assertThat(listed.get(0).has("secret")).isFalse();
			assertThat(listed.toString()).doesNotContain(secret);

			String second = origin.commit(GitFixture.app("hooked", "1.1"), "second");
			String body = push("refs/heads/main", second, origin.url());
			HttpResponse<String> forged = RpcTestClient.post(url, body, github("sha256=" + hmac("wrong", body), "d-1"));
			HttpResponse<String> sha1Only = RpcTestClient.post(url, body,
					Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-2", "X-Hub-Signature", "sha1=00"));
			HttpResponse<String> unsigned = RpcTestClient.post(url, body,
					Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", "d-3"));
			assertThat(forged.statusCode()).isEqualTo(401);
			assertThat(sha1Only.statusCode()).isEqualTo(401);
			assertThat(unsigned.statusCode()).isEqualTo(401);
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(version("hooked")).isEqualTo("1.0");
				assertThat(this.rpc.result("apps.get", Map.of("name", "hooked")).get("releases")).hasSize(1);
			});

			HttpResponse<String> signed = RpcTestClient.post(url, body, github("sha256=" + hmac(secret, body), "d-4"));
			assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(version("hooked")).isEqualTo("1.1"));
			HttpResponse<String> again = RpcTestClient.post(url, body, github("sha256=" + hmac(secret, body), "d-4"));
			assertThat(again.statusCode()).isEqualTo(200);
			assertThat(again.body()).contains("duplicate");

			String onBranch = origin.branch("feature").commit(GitFixture.app("hooked", "9.0"), "feature");
			String featureBody = push("refs/heads/feature", onBranch, origin.url());
			assertThat(RpcTestClient.post(url, featureBody, github("sha256=" + hmac(secret, featureBody), "d-5"))
				.statusCode()).isEqualTo(202);
			await().during(Duration.ofSeconds(1))
				.atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(version("hooked")).isEqualTo("1.1"));

			this.rpc.result("hooks.remove", Map.of("id", hook.get("id").stringValue()));
			assertThat(RpcTestClient.post(url, body, github("sha256=" + hmac(secret, body), "d-6")).statusCode())
				.isEqualTo(404);
		}
	}

	@Test
	void autoFalseOnlyRecordsTheUpdateUntilAppsUpdate() throws Exception {
		try (GitFixture origin = new GitFixture(this.repos)) {
			origin.commit(manual("1.0"), "first");
			this.rpc.result("apps.install", Map.of("git", Map.of("url", origin.url())));
			JsonNode hook = this.rpc.result("hooks.create", Map.of("name", "manual", "provider", "gitlab"));
			assertThat(this.rpc.result("apps.get", Map.of("name", "manual")).get("update_available").isNull()).isTrue();

			String second = origin.commit(manual("1.1"), "second");
			String body = push("refs/heads/main", second, origin.url());
			HttpResponse<String> response = RpcTestClient.post(hook.get("url").stringValue(), body,
					Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", hook.get("secret").stringValue()));
			assertThat(response.statusCode()).isEqualTo(202);

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				JsonNode app = this.rpc.result("apps.get", Map.of("name", "manual"));
				assertThat(app.get("update_available").isObject()).isTrue();
				assertThat(app.get("update_available").get("commit").stringValue()).isEqualTo(second);
				assertThat(app.get("version").stringValue()).isEqualTo("1.0");
			});
			JsonNode updated = this.rpc.result("apps.update", Map.of("name", "manual"));
			assertThat(updated.get("version").stringValue()).isEqualTo("1.1");
			assertThat(updated.get("update_available").isNull()).isTrue();
		}
	}

	@Test
	void pollingPicksUpANewCommitWithoutAHook() throws Exception {
		try (GitFixture origin = new GitFixture(this.repos)) {
			origin.commit(GitFixture.app("polled", "1.0"), "first");
			this.rpc.result("apps.install", Map.of("git", Map.of("url", origin.url(), "poll_interval", "10s")));
			JsonNode git = this.rpc.result("apps.get", Map.of("name", "polled")).get("git");
			assertThat(git.get("poll_interval").stringValue()).isEqualTo("10s");
			assertThat(git.get("prereleases").booleanValue()).isFalse();
			assertThat(git.get("last_event").stringValue()).startsWith("installed 1.0 from ");

			origin.commit(GitFixture.app("polled", "1.1"), "second");

			await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(version("polled")).isEqualTo("1.1"));
		}
	}

	@Test
	void repositoryWithoutMetadataIsAClearError() throws Exception {
		try (GitFixture origin = new GitFixture(this.repos)) {
			origin.commit(Map.of("README.md", "just a readme\n", "src/app.py", "x = 1\n"), "not an app");

			JsonNode response = this.rpc.call("apps.install", Map.of("git", Map.of("url", origin.url())));

			assertThat(response.get("error").get("code").intValue()).isEqualTo(-32002);
			JsonNode error = response.get("error").get("data").get("errors").get(0);
			assertThat(error.get("path").stringValue()).isEqualTo("metadata.yaml");
			assertThat(error.get("message").stringValue()).contains("no metadata.yaml").contains(origin.url());
			assertThat(this.rpc.result("apps.list", Map.of())).isEmpty();
			try (var left = Files.list(home.resolve("git"))) {
				assertThat(left).isEmpty();
			}
		}
	}

	@Test
	void invalidGitParamsAreAllReported() throws Exception {
		JsonNode response = this.rpc.call("apps.install",
				Map.of("git", Map.of("url", "ftp://example.test/a/b.git", "strategy", "newest", "colour", "red")));

		assertThat(response.get("error").get("code").intValue()).isEqualTo(-32002);
		assertThat(response.get("error").get("data").get("errors").findValuesAsString("path"))
			.containsExactlyInAnyOrder("git.url", "git.strategy", "git.colour");
	}

	private String version(String app) throws Exception {
		return this.rpc.result("apps.get", Map.of("name", app)).get("version").stringValue();
	}

	private static Map<String, String> manual(String version) {
		Map<String, String> files = new LinkedHashMap<>(GitFixture.app("manual", version));
		files.put("metadata.yaml", files.get("metadata.yaml") + "updates:\n  auto: false\n");
		return files;
	}

	private static Map<String, String> github(String signature, String delivery) {
		return Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery", delivery, "X-Hub-Signature-256", signature);
	}

	/** The payload of {@code pyapp hooks install-git}, which GitHub's push resembles. */
	private static String push(String ref, String after, String url) {
		return "{\"ref\": \"" + ref + "\", \"before\": \"0123456789012345678901234567890123456789\", \"after\": \""
				+ after + "\", \"repository\": \"" + url + "\"}";
	}

	static String hmac(String secret, String body) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
	}

	private static void deleteTree(Path path) {
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			AtomicFiles.deleteTree(path);
			assertThat(path).doesNotExist();
		});
	}

}
