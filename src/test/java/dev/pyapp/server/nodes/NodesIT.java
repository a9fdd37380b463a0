package dev.pyapp.server.nodes;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.security.WebSession;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A manager and a node, end to end: a real OpenSSH server on 127.0.0.1 plays the remote
 * host (this same machine, with the agent in a home of its own and on a free port). The
 * agent is the built server jar, started once for the whole class.
 */
@Tag("ssh")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(OutputCaptureExtension.class)
class NodesIT {

	private static final Path dir = createDirectory();

	private static final Path home = dir.resolve("manager");

	private static final Path agentHome = dir.resolve("agent");

	private static final Path jar = Path.of("target/pyapp-server.jar").toAbsolutePath();

	private static final Path guestbook = Path.of("examples/dist/guestbook.pyapp").toAbsolutePath();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static TestSshd sshd;

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper mapper;

	@Autowired
	private NodeRegistry registry;

	@Autowired
	private MongoOperations mongo;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		sshd = TestSshd.start(Files.createDirectories(dir.resolve("sshd")));
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		registry.add("pyapp.nodes.agent-jar", jar::toString);
		registry.add("pyapp.nodes.health-interval", () -> "1s");
	}

	@AfterAll
	static void cleanUp() throws Exception {
		// the agent and the app daemons are normally stopped by nodes.remove; this is the
		// safety net
		appDaemons().forEach(ProcessHandle::destroy);
		Path pid = agentHome.resolve("agent.pid");
		if (Files.exists(pid)) {
			ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroy);
		}
		Path javaPid = agentHome.resolve("agent-java.pid");
		if (Files.exists(javaPid)) {
			ProcessHandle.of(Long.parseLong(Files.readString(javaPid).trim())).ifPresent(ProcessHandle::destroy);
		}
		if (sshd != null) {
			sshd.close();
		}
		// the agent's app users and cgroups, when a test failed before the node's removal
		dev.pyapp.server.isolation.TestAccounts.deleteUnder(agentHome);
		try {
			AtomicFiles.deleteTree(dir);
		}
		catch (java.io.UncheckedIOException ex) {
			// the manager (shared Spring test context) may still write to its home
		}
	}

	@Test
	@Order(1)
	void refusesAHostKeyThatDoesNotMatch() throws Exception {
		JsonNode wrong = rpc("nodes.add", Map.of("name", "n1", "host", "127.0.0.1", "port", sshd.port(), "user", user(),
				"host_key", sshd.otherFingerprint(), "private_key", sshd.privateKey()));
		assertThat(wrong.path("error").path("code").asInt()).isEqualTo(-32004);
		assertThat(wrong.path("error").path("message").asString()).contains("host key mismatch")
			.contains(sshd.hostKeyFingerprint())
			.contains(sshd.otherFingerprint());
		JsonNode unknown = rpc("nodes.add", Map.of("name", "n1", "host", "127.0.0.1", "port", sshd.port(), "user",
				user(), "private_key", sshd.privateKey()));
		assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32004);
		assertThat(unknown.path("error").path("message").asString()).contains("unknown host key")
			.contains(sshd.hostKeyFingerprint());
		assertThat(rpc("nodes.list", null).path("result")).isEmpty();
	}

	@Test
	@Order(2)
	void addsANodeWithItsHostKeyPinned(CapturedOutput output) throws Exception {
		JsonNode added = result(rpc("nodes.add", Map.of("name", "n1", "host", "127.0.0.1", "port", sshd.port(), "user",
				user(), "host_key", sshd.hostKeyFingerprint(), "private_key", sshd.privateKey())));
		assertThat(added.path("host_key").asString()).isEqualTo(sshd.hostKeyFingerprint());
		assertThat(added.path("state").asString()).isEqualTo("added");
		assertThat(added.path("key").asString()).isEqualTo("private_key");
		String keyBody = keyBody();
		assertThat(added.toString()).doesNotContain(keyBody);
		assertThat(rpc("nodes.list", null).toString()).doesNotContain(keyBody);
		// sealed at rest
		Document stored = this.mongo.getCollection("nodes").find().first();
		assertThat(stored.toJson()).doesNotContain(keyBody).doesNotContain("OPENSSH PRIVATE KEY");
		assertThat(output.getAll()).doesNotContain(keyBody);
		assertThat(Files.getPosixFilePermissions(home.resolve("node-secret.key")))
			.containsExactlyInAnyOrderElementsOf(AtomicFiles.OWNER_ONLY);
	}

	@Test
	@Order(3)
	void runsCommandsOnTheNodeOverSsh() {
		ExecResult result = this.registry.shell("n1")
			.exec(ExecRequest.of("sh", "-c", "echo \"$1 from $(hostname)\"", "sh", "it's me"));
		assertThat(result.succeeded()).isTrue();
		assertThat(result.output()).startsWith("it's me from ");
	}

	@Test
	@Order(4)
	void installsTheAgentWithProgress(CapturedOutput output) throws Exception {
		CompletableFuture<JsonNode> install = CompletableFuture.supplyAsync(() -> rpc("nodes.install",
				Map.of("name", "n1", "home", agentHome.toString(), "agent_port", freePort())));
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> install.isDone()
					|| rpc("nodes.list", null).path("result").path(0).path("progress").isObject());
		JsonNode installed = result(install.get());
		assertThat(installed.path("state").asString()).isEqualTo("installed");
		assertThat(installed.path("progress").isNull()).isTrue();
		assertThat(installed.path("agent").path("home").asString()).isEqualTo(agentHome.toString());
		assertThat(installed.path("agent").path("service").asString()).isEqualTo("process");
		assertThat(installed.path("agent").path("version").asString()).isNotEmpty();
		assertThat(Files.readString(agentHome.resolve("agent.properties"))).contains("server.address=127.0.0.1")
			.contains("pyapp.agent=true");
		assertThat(output.getAll()).contains("[check] checking the host").contains("[start] waiting for the agent");

		String token = Files.readString(agentHome.resolve("api-token")).trim();
		assertThat(token).isNotEmpty();
		assertThat(rpc("nodes.list", null).toString()).doesNotContain(token);
		assertThat(output.getAll()).doesNotContain(token).doesNotContain(keyBody());
		String keyBody = keyBody();
		assertThat(commandLines()).noneMatch((line) -> line.contains(token) || line.contains(keyBody));
		assertThat(this.mongo.getCollection("nodes").find().first().toJson()).doesNotContain(token);
	}

	@Test
	@Order(5)
	void reachesTheAgentThroughTheTunnel() {
		JsonNode info = result(rpc("server.info", Map.of("node", "n1")));
		assertThat(info.path("home").asString()).isEqualTo(agentHome.toString());
		JsonNode local = result(rpc("server.info", Map.of("node", "local")));
		assertThat(local.path("home").asString()).isEqualTo(home.toString());
		JsonNode unknown = rpc("server.info", Map.of("node", "nowhere"));
		assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32001);
		// the agent's own errors come back unchanged
		JsonNode missing = rpc("apps.get", Map.of("node", "n1", "name", "absent"));
		assertThat(missing.path("error").path("code").asInt()).isEqualTo(-32001);
		assertThat(missing.path("error").path("message").asString()).contains("absent");
	}

	@Test
	@Order(6)
	void installsAnAppOnTheNodeAndListsIt() throws Exception {
		// a freshly started agent first provisions gunicorn into its server-packages
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> result(rpc("server.info", Map.of("node", "n1"))).path("gunicorn").path("state").asString(""),
					(state) -> "ready".equals(state) || "failed".equals(state));
		HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/archives"))
			.header("Authorization", "Bearer " + token())
			.POST(HttpRequest.BodyPublishers.ofFile(guestbook))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(upload.statusCode()).isEqualTo(201);
		String archive = this.mapper.readTree(upload.body()).path("archive").asString();
		JsonNode app = result(rpc("apps.install", Map.of("archive", archive, "node", "n1")));
		assertThat(app.path("name").asString()).isEqualTo("guestbook");
		assertThat(agentHome.resolve("apps/guestbook/current")).exists();
		assertThat(home.resolve("apps/guestbook")).doesNotExist();
		// the manager's copy of the upload is gone once forwarded
		assertThat(home.resolve("tmp/uploads/" + archive + ".pyapp")).doesNotExist();
		JsonNode apps = result(rpc("apps.list", null));
		assertThat(apps).anySatisfy((entry) -> {
			assertThat(entry.path("name").asString()).isEqualTo("guestbook");
			assertThat(entry.path("node").asString()).isEqualTo("n1");
		});
		assertThat(result(rpc("apps.list", Map.of("node", "n1")))).hasSize(1);
		// config.*, servers.* and the others go the same way
		assertThat(result(rpc("config.get", Map.of("node", "n1", "name", "guestbook"))).has("values")).isTrue();
		assertThat(rpc("config.get", Map.of("name", "guestbook")).path("error").path("code").asInt()).isEqualTo(-32001);
		assertThat(result(rpc("servers.list", Map.of("node", "n1"))).isArray()).isTrue();
	}

	@Test
	@Order(7)
	void shipsTheNodesAppLogsToTheManager() throws Exception {
		// what the app's daemon prints goes to this file on the node; the agent
		// captures it
		Path stdout = agentHome.resolve("apps/guestbook/logs/stdout.log");
		Files.createDirectories(stdout.getParent());
		Files.writeString(stdout, "hello from the node\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			JsonNode records = result(rpc("logs.query", Map.of("app", "guestbook", "text", "hello from the node")))
				.path("records");
			assertThat(records).hasSize(1);
			assertThat(records.path(0).path("logger").asString()).isEqualTo("stdout");
			assertThat(records.path(0).path("node").asString()).isEqualTo("n1");
		});
	}

	@Test
	@Order(8)
	void showsTheNodesAppOnItsOwnPage() throws Exception {
		WebSession ui = ui();
		HttpResponse<String> page = ui.get("/apps/guestbook?node=n1");
		assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
		assertThat(page.body()).contains("data-app=\"guestbook\"")
			.contains("data-node=\"n1\"")
			.contains("<h1>guestbook on node n1</h1>")
			.contains("href=\"/apps/guestbook/config?node=n1\"")
			.contains("<code>pyapp install FILE.pyapp --node n1</code>");
		HttpResponse<String> config = ui.get("/apps/guestbook/config?node=n1");
		assertThat(config.statusCode()).isEqualTo(200);
		assertThat(config.body()).contains("data-node=\"n1\"").contains("href=\"/apps/guestbook?node=n1\"");
		// this server has no guestbook: its page without the node stays a 404
		assertThat(ui.get("/apps/guestbook").statusCode()).isEqualTo(404);
		// a name that is no node: a 404 that says so, the name as text only
		HttpResponse<String> unknown = ui.get("/apps/guestbook?node=nowhere");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).contains("No such node").contains("No node named &#39;nowhere&#39; is registered");
		HttpResponse<String> hostile = ui
			.get("/apps/guestbook/config?node=" + URLEncoder.encode("<b>x</b>", StandardCharsets.UTF_8));
		assertThat(hostile.statusCode()).isEqualTo(404);
		assertThat(hostile.body()).contains("No node can be named &#39;&lt;b&gt;x&lt;/b&gt;&#39;")
			.doesNotContain("<b>x</b>");

		// what the page calls, through the same session: the node's app
		String csrf = ui.csrfToken();
		assertThat(uiCall(ui, csrf, "apps.get").path("name").asString()).isEqualTo("guestbook");
		assertThat(uiCall(ui, csrf, "tasks.list").isArray()).isTrue();
		assertThat(uiCall(ui, csrf, "hooks.list").isArray()).isTrue();
		assertThat(uiCall(ui, csrf, "apps.metrics").isObject()).isTrue();
		// the form is the node's: rendered from the spec and values the node gave
		JsonNode spec = uiCall(ui, csrf, "config.spec");
		JsonNode values = uiCall(ui, csrf, "config.get");
		HttpResponse<String> fields = ui.postJson("/apps/guestbook/config/fields",
				this.mapper.writeValueAsString(Map.of("spec", spec, "values", values)), csrf);
		assertThat(fields.statusCode()).isEqualTo(200);
		assertThat(fields.body()).contains("data-path=\"site.title\"").contains("data-path=\"site.theme\"");
	}

	@Test
	@Order(9)
	void marksAnUnreachableNodeAndRecovers() throws Exception {
		long agentPid = Long.parseLong(Files.readString(agentHome.resolve("agent-java.pid")).trim());
		sshd.stop();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode node = result(rpc("nodes.list", null)).path(0);
			assertThat(node.path("reachable").asBoolean(true)).isFalse();
			assertThat(node.path("last_error").asString()).isNotEmpty();
		});
		long started = System.nanoTime();
		JsonNode failed = rpc("server.info", Map.of("node", "n1"));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		assertThat(failed.path("error").path("code").asInt()).isEqualTo(-32005);
		assertThat(failed.path("error").path("message").asString()).contains("unreachable");
		// the app's page still loads, and what it calls says why the node does not answer
		WebSession ui = ui();
		assertThat(ui.get("/apps/guestbook?node=n1").statusCode()).isEqualTo(200);
		JsonNode pageCall = this.mapper.readTree(ui.rpc(
				"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"apps.get\",\"params\":{\"name\":\"guestbook\",\"node\":\"n1\"}}",
				ui.csrfToken())
			.body());
		assertThat(pageCall.path("error").path("code").asInt()).isEqualTo(-32005);
		assertThat(pageCall.path("error").path("message").asString()).contains("unreachable");
		// the node's apps are still listed, and its agent keeps running there
		assertThat(result(rpc("apps.list", null)))
			.anySatisfy((entry) -> assertThat(entry.path("node").asString()).isEqualTo("n1"));
		assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).contains(true);

		sshd.start();
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(
					() -> assertThat(result(rpc("nodes.list", null)).path(0).path("reachable").asBoolean()).isTrue());
		assertThat(result(rpc("server.info", Map.of("node", "n1"))).path("home").asString())
			.isEqualTo(agentHome.toString());
	}

	@Test
	@Order(10)
	void pinsTheNewHostKeyOfANodeWhoseKeyChanged() throws Exception {
		long agentPid = Long.parseLong(Files.readString(agentHome.resolve("agent-java.pid")).trim());
		sshd.switchHostKey();
		// the manager refuses the new key by itself, and says how to pin it
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			JsonNode node = result(rpc("nodes.list", null)).path(0);
			assertThat(node.path("reachable").asBoolean(true)).isFalse();
			assertThat(node.path("last_error").asString()).contains("host key mismatch")
				.contains(sshd.otherFingerprint())
				.contains("nodes rekey");
		});
		// a malformed key, and the old key the host no longer presents, pin nothing
		JsonNode wrong = rpc("nodes.rekey", Map.of("name", "n1", "host_key", sshd.hostKeyFingerprint() + "x"));
		assertThat(wrong.path("error").path("code").asInt()).isEqualTo(-32002);
		JsonNode stale = rpc("nodes.rekey", Map.of("name", "n1", "host_key", sshd.hostKeyFingerprint()));
		assertThat(stale.path("error").path("code").asInt()).isEqualTo(-32004);
		assertThat(result(rpc("nodes.list", null)).path(0).path("host_key").asString())
			.isEqualTo(sshd.hostKeyFingerprint());

		JsonNode rekeyed = result(rpc("nodes.rekey", Map.of("name", "n1", "host_key", sshd.otherFingerprint())));

		assertThat(rekeyed.path("host_key").asString()).isEqualTo(sshd.otherFingerprint());
		assertThat(result(rpc("server.info", Map.of("node", "n1"))).path("home").asString())
			.isEqualTo(agentHome.toString());
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(
					() -> assertThat(result(rpc("nodes.list", null)).path(0).path("reachable").asBoolean()).isTrue());
		// nothing on the node was touched: the same agent, the app still there
		assertThat(ProcessHandle.of(agentPid).map(ProcessHandle::isAlive)).contains(true);
		assertThat(result(rpc("apps.list", Map.of("node", "n1"))))
			.anySatisfy((entry) -> assertThat(entry.path("name").asString()).isEqualTo("guestbook"));
	}

	@Test
	@Order(11)
	void removesTheNodeAndUninstallsTheAgent() throws Exception {
		long supervisor = Long.parseLong(Files.readString(agentHome.resolve("agent.pid")).trim());
		long agent = Long.parseLong(Files.readString(agentHome.resolve("agent-java.pid")).trim());
		List<ProcessHandle> daemons = appDaemons();
		assertThat(daemons).as("the guestbook's gunicorn on the node").isNotEmpty();
		JsonNode removed = result(rpc("nodes.remove", Map.of("name", "n1", "purge", true)));
		assertThat(removed.path("uninstalled").asBoolean()).isTrue();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ProcessHandle.of(agent).isEmpty() && ProcessHandle.of(supervisor).isEmpty());
		// the app daemons outlive a stopping agent, so removing the node stops them first
		await().atMost(Duration.ofSeconds(60)).until(() -> daemons.stream().noneMatch(ProcessHandle::isAlive));
		assertThat(agentHome).doesNotExist();
		// a purge removes the apps as apps.remove does: no user or cgroup of them is left
		assertThat(dev.pyapp.server.isolation.TestAccounts.leftUnder(agentHome)).isEmpty();
		assertThat(result(rpc("nodes.list", null))).isEmpty();
		assertThat(rpc("server.info", Map.of("node", "n1")).path("error").path("code").asInt()).isEqualTo(-32001);
	}

	private JsonNode rpc(String method, Map<String, Object> params) {
		try {
			Map<String, Object> request = new java.util.LinkedHashMap<>();
			request.put("jsonrpc", "2.0");
			request.put("id", 1);
			request.put("method", method);
			if (params != null) {
				request.put("params", params);
			}
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + "/rpc"))
				.header("Authorization", "Bearer " + token())
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(this.mapper.writeValueAsString(request)))
				.build(), HttpResponse.BodyHandlers.ofString());
			return this.mapper.readTree(response.body());
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A session of the UI, logged in as the admin the first start created. */
	private WebSession ui() throws IOException, InterruptedException {
		WebSession session = new WebSession(this.port);
		String password = Files.readString(home.resolve("initial-admin-password")).trim();
		assertThat(session.login("admin", password).statusCode()).isEqualTo(302);
		return session;
	}

	/** A call of the app page of the node's guestbook, as its script makes it. */
	private JsonNode uiCall(WebSession ui, String csrf, String method) throws IOException, InterruptedException {
		String body = this.mapper.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params",
				Map.of("name", "guestbook", "node", "n1")));
		return result(this.mapper.readTree(ui.rpc(body, csrf).body()));
	}

	private static JsonNode result(JsonNode response) {
		assertThat(response.has("error")).as("error: %s", response.path("error")).isFalse();
		return response.path("result");
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

	private static String token() throws IOException {
		return Files.readString(home.resolve("api-token")).trim();
	}

	private static String user() {
		return System.getProperty("user.name");
	}

	/** The base64 body of the private key, the part that must never leak. */
	private static String keyBody() throws IOException {
		List<String> lines = sshd.privateKey().lines().filter((line) -> !line.startsWith("-----")).toList();
		return lines.get(1);
	}

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static List<String> commandLines() throws IOException {
		try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
			return processes.filter((path) -> path.getFileName().toString().matches("\\d+")).map((path) -> {
				try {
					return new String(Files.readAllBytes(path.resolve("cmdline")), StandardCharsets.UTF_8);
				}
				catch (IOException ex) {
					return "";
				}
			}).toList();
		}
	}

	/**
	 * The app daemons running on the node: the pids in the apps' {@code run/*.pid} files
	 * whose processes run from the agent's home.
	 */
	private static List<ProcessHandle> appDaemons() throws IOException {
		Path apps = agentHome.resolve("apps");
		if (!Files.isDirectory(apps)) {
			return List.of();
		}
		try (Stream<Path> files = Files.walk(apps, 3)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".pid"))
				.filter((file) -> file.getParent().getFileName().toString().equals("run"))
				.flatMap((file) -> {
					try {
						return ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).stream();
					}
					catch (IOException | NumberFormatException ex) {
						// a pid file being replaced or removed: no daemon behind it
						return Stream.empty();
					}
				})
				.filter((process) -> process.info()
					.commandLine()
					.map((line) -> line.contains(agentHome.toString()))
					.orElse(false))
				.toList();
		}
	}

	private static Path createDirectory() {
		return TestHomes.create(Path.of("/tmp"), "pn");
	}

}
