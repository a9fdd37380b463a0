package dev.pyapp.server.rpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.DeployProgress;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.rpc.internal.AppParams;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code apps.list} and {@code apps.get} over HTTP, for an app of every kind: configured
 * and stopped with a mount, waiting for a required setting, with a newer failed release,
 * without a live release, and a first install under way. Their JSON is compared byte for
 * byte with what the server answered before the listing was batched
 * ({@code rpc/apps-listing.json}, written from the code before that change); and
 * {@code apps.list} must cost the same number of store queries for 3 apps as for 23.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(AppListingIntegrationTests.CountCommands.class)
class AppListingIntegrationTests {

	private static final Path home = createHome();

	private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

	private static final HttpClient http = HttpClient.newHttpClient();

	/** Store commands started by each thread. */
	private static final ThreadLocal<int[]> commands = ThreadLocal.withInitial(() -> new int[1]);

	@LocalServerPort
	private int port;

	@Autowired
	private AppRegistry registry;

	@Autowired
	private PyappHome paths;

	@Autowired
	private MountManager mounts;

	@Autowired
	private AppsRpc apps;

	@Autowired
	private JsonMapper mapper;

	private final List<String> registered = new ArrayList<>();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		registry.add("pyapp.isolation.users", () -> "false");
		registry.add("pyapp.isolation.sandbox", () -> "false");
		registry.add("pyapp.python.provision", () -> "false");
		registry.add("pyapp.dropbox.enabled", () -> "false");
		registry.add("pyapp.webserver.managed", () -> "false");
	}

	@AfterEach
	void forget() {
		for (String name : this.registered) {
			this.registry.delete(AppId.of(name));
		}
		this.mounts.mounts().forEach((mount) -> this.mounts.removeMount(mount.server(), mount.path()));
		this.mounts.servers().forEach((server) -> this.mounts.removeServer(server.name()));
	}

	@Test
	void answersEveryKindOfAppAsBefore() throws Exception {
		register("blog", true, false);
		this.registry.save(release("blog", "0.9.0-20261119T100000Z", "0.9.0", T0.minus(1, ChronoUnit.DAYS),
				ReleaseState.RETIRED, null));
		this.mounts.addServer(new VirtualServer("main", List.of("main.test"), "127.0.0.1:18081", null, true));
		this.mounts.addMount(Mount.app("main", "/blog", "blog"));
		register("shop", false, false);
		register("wiki", true, true);
		this.registered.add("bare");
		this.registry.save(new InstalledApp("bare", AppSource.archive(), null, Map.of(), T0, T0));
		try (DeployProgress fresh = this.registry.begin(AppId.of("fresh"), "installing", "0.1.0", AppSource.archive(),
				"checking the package")) {
			ObjectNode answers = JsonMapper.builder().build().createObjectNode();
			answers.set("apps.list", call("apps.list", null));
			for (String name : List.of("bare", "blog", "fresh", "shop", "wiki")) {
				JsonNode app = call("apps.get", Map.of("name", name));
				assertThat(app.get("isolation") == null || app.get("isolation").isObject()).isTrue();
				if (app.has("isolation")) {
					// what the host allows (cgroups, users) is not this test's business
					((ObjectNode) app).put("isolation", "<isolation>");
				}
				answers.set("apps.get " + name, app);
			}
			String actual = answers.toPrettyString().replace(home.toString(), "$HOME") + "\n";
			String golden = System.getProperty("apps.listing.golden");
			if (golden != null) {
				Files.writeString(Path.of(golden), actual);
			}
			String expected = new String(getClass().getResourceAsStream("apps-listing.json").readAllBytes(),
					StandardCharsets.UTF_8);
			assertThat(actual).isEqualTo(expected);
		}
	}

	@Test
	void listsFromABoundedNumberOfQueries() throws Exception {
		for (int i = 0; i < 3; i++) {
			register("few" + i, i != 1, i == 2);
		}
		int few = commandsOf(() -> this.apps.list());
		for (int i = 0; i < 20; i++) {
			register("many" + i, i % 3 != 1, i % 3 == 2);
		}
		int many = commandsOf(() -> this.apps.list());
		assertThat(this.apps.list()).hasSize(23);
		assertThat(many).isEqualTo(few).isLessThanOrEqualTo(6);
		int get = commandsOf(() -> this.apps.get(new AppParams("many2")));
		assertThat(commandsOf(() -> this.apps.get(new AppParams("few2")))).isEqualTo(get);
		// once shown, an app whose newest release failed (and printed nothing) is
		// answered from memory like any other
		assertThat(get).isZero();
		assertThat(commandsOf(() -> this.apps.get(new AppParams("many0")))).isZero();
	}

	@Test // apps.list's JSON text is kept while its entries stay the same (ListingText)
	void showsEveryChangeInTheNextListing() throws Exception {
		register("alpha", true, false);
		String first = listed();
		assertThat(first).contains("\"name\":\"alpha\"").isEqualTo(listed());
		this.mounts.addServer(new VirtualServer("main", List.of("main.test"), "127.0.0.1:18081", null, true));
		this.mounts.addMount(Mount.app("main", "/alpha", "alpha"));
		assertThat(listed()).contains("{\"server\":\"main\",\"path\":\"/alpha\"}");
		register("beta", false, false);
		assertThat(listed()).contains("\"name\":\"beta\"").contains("\"state\":\"needs-configuration\"");
		Path config = this.paths.app(AppId.of("beta")).root().resolve("config/config.yaml");
		Files.writeString(config, "site:\n  title: beta\n");
		// a hand edit is noticed within a second (ConfigStates.RECHECK); asserted, not
		// until(): the recheck can land between the call and the mapper's listing in
		// listed(), which then differ once; the last poll checks both
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(listed()).doesNotContain("\"state\":\"needs-configuration\""));
		this.registry.delete(AppId.of("beta"));
		assertThat(listed()).doesNotContain("\"name\":\"beta\"").contains("\"name\":\"alpha\"");
	}

	/**
	 * {@code apps.list}'s response over HTTP, checked to be byte for byte what the mapper
	 * writes for {@link AppsRpc#list()} now.
	 */
	private String listed() throws Exception {
		String body = post("apps.list", null);
		assertThat(body).isEqualTo(
				"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + this.mapper.writeValueAsString(this.apps.list()) + "}");
		return body;
	}

	/** The store commands a call sends on this thread, after one call to warm caches. */
	private static int commandsOf(Runnable call) {
		call.run();
		int before = commands.get()[0];
		call.run();
		return commands.get()[0] - before;
	}

	private void register(String name, boolean configured, boolean failedUpgrade) throws Exception {
		this.registered.add(name);
		Path root = this.paths.app(AppId.of(name)).root();
		String live = "1.0.0-20261120T100000Z";
		Files.createDirectories(root.resolve("config"));
		releaseDirectory(root, live, name, "1.0.0");
		Files.createSymbolicLink(root.resolve("current"), Path.of("releases", live));
		if (configured) {
			Path config = root.resolve("config/config.yaml");
			Files.writeString(config, "site:\n  title: " + name + "\n");
			Files.setLastModifiedTime(config, FileTime.from(T0.plus(1, ChronoUnit.HOURS)));
		}
		this.registry.save(new InstalledApp(name, AppSource.archive(), live, Map.of("GREETING", "hello"), T0, T0));
		this.registry.save(release(name, live, "1.0.0", T0, ReleaseState.LIVE, null));
		if (failedUpgrade) {
			String failed = "1.1.0-20261121T100000Z";
			releaseDirectory(root, failed, name, "1.1.0");
			this.registry.save(release(name, failed, "1.1.0", T0.plus(1, ChronoUnit.DAYS), ReleaseState.FAILED,
					"the health check failed"));
		}
	}

	private static void releaseDirectory(Path root, String releaseId, String name, String version) throws Exception {
		Path release = Files.createDirectories(root.resolve("releases").resolve(releaseId));
		Files.writeString(release.resolve("metadata.yaml"), String.join("\n", "format: 1", "name: " + name,
				"version: " + version, "entry:", "  wsgi: app:application", ""));
		Files.writeString(release.resolve("configuration.yaml"),
				String.join("\n", "format: 1", "sections:", "  - name: site", "    label: Site", "    fields:",
						"      - name: title", "        widget: text", "        required: true", "      - name: color",
						"        widget: text", "        default: blue", ""));
	}

	private static Release release(String app, String releaseId, String version, Instant created, ReleaseState state,
			@Nullable String message) {
		return new Release(Release.id(app, releaseId), app, releaseId, version, app + ".pyapp", "0".repeat(64), null,
				created, state, message);
	}

	private JsonNode call(String method, @Nullable Map<String, ?> params) throws Exception {
		JsonNode response = JsonMapper.builder().build().readTree(post(method, params));
		assertThat(response.has("error")).as("%s failed: %s", method, response).isFalse();
		return response.get("result");
	}

	private String post(String method, @Nullable Map<String, ?> params) throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("jsonrpc", "2.0");
		body.put("id", 1);
		body.put("method", method);
		if (params != null) {
			body.put("params", params);
		}
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + Files.readString(home.resolve("api-token")).trim())
			.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
	}

	private static Path createHome() {
		try {
			return TestHomes.create("pyapp-listing").toRealPath();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class CountCommands {

		@Bean
		MongoClientSettingsBuilderCustomizer countCommandsPerThread() {
			return (settings) -> settings.addCommandListener(new CommandListener() {

				@Override
				public void commandStarted(CommandStartedEvent event) {
					commands.get()[0]++;
				}

			});
		}

	}

}
