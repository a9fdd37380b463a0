package dev.pyapp.server.isolation;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.hooks.TaskRun;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.logs.LogPage;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogViewer;
import dev.pyapp.server.runtime.AppCommands;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An installed app attacks the server and another app (SPEC §10, issue 12): from inside
 * its daemon, its post-install hook, a task run and a command run ({@code apps.run}'s
 * entry point), {@code hostile} tries to read the API token, the admin password, the
 * server's database file, {@code victim}'s config file, data, code and daemon
 * environment, to signal {@code victim}'s master, to write outside its own directories,
 * to talk to the server's MongoDB and to write log records as {@code victim}, and its
 * shared dependency puts a module into {@code server-packages/} that another app's code
 * would import if it could. Every attempt must fail.
 * <p>
 * The server runs as root here (CI is root): each app has its own user and a bubblewrap
 * sandbox. Run as another user the server gives its apps no users of their own (they run
 * as the server's user and {@code apps.get} says so) but still sandboxes them where
 * bubblewrap works: the file attempts fail the same way (nothing outside the app's own
 * directories is mounted), the signal fails (own PID namespace); without bubblewrap only
 * the modes of SPEC §10 "Files" stand between two apps of one user, which is why the
 * README recommends root for untrusted apps.
 */
@Tag("process")
@EnabledIf("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileAppIT {

	private static final AppId VICTIM = AppId.of("victim");

	private static final AppId HOSTILE = AppId.of("hostile");

	/** What every process of the hostile app tries; connect_mongo and spoof_log apart. */
	private static final List<String> ATTEMPTS = List.of("read_api_token", "read_admin_password", "read_h2_database",
			"list_server_home", "list_apps", "read_victim_config", "read_victim_data", "list_victim_data",
			"read_victim_code", "read_victim_environ", "signal_victim_master", "write_outside_own_directories");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String nonce = "spoofed-" + UUID.randomUUID();

	private final Map<String, JsonNode> results = new LinkedHashMap<>();

	private Path home;

	private Path fixtures;

	private ConfigurableApplicationContext context;

	private long victimPid;

	static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	@BeforeAll
	void installAVictimAndAnAttacker() throws Exception {
		this.home = dev.pyapp.server.venv.ServerPackagesTemplate
			.copyInto(Files.createTempDirectory(Path.of("/tmp"), "pa"));
		this.fixtures = Files.createTempDirectory("pyapp-hostile");
		this.context = new SpringApplicationBuilder(PyappServerApplication.class).run("--pyapp.home=" + this.home,
				"--pyapp.storage.persistent=true", "--server.port=0", "--pyapp.python.index=file:///opt/pypi/simple",
				"--pyapp.python.provision=true",
				// the test speaks HTTP to the daemon's socket: gunicorn (the uWSGI
				// runtime IT runs its
				// daemons in the same sandbox)
				"--pyapp.runtime.server=gunicorn");
		bean(VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(3));

		deployer().install(InstallRequest.archive(HostileArchives.victim(this.fixtures), "victim.pyapp"));
		InstalledApp victim = bean(AppRegistry.class).get(VICTIM);
		bean(AppRegistry.class).save(victim.withEnv(Map.of("VICTIM_ENV_SECRET", "environ-secret"), Instant.now()));
		this.victimPid = bean(AppSupervisor.class).restart(VICTIM).pid();

		Path apps = this.home.resolve("apps");
		Map<String, Object> targets = new LinkedHashMap<>();
		targets.put("home", this.home.toString());
		targets.put("api_token", this.home.resolve("api-token").toString());
		targets.put("admin_password", this.home.resolve("initial-admin-password").toString());
		targets.put("h2_file", this.home.resolve("db/pyapp.mv.db").toString());
		targets.put("victim", "victim");
		targets.put("victim_config", apps.resolve("victim/config/config.yaml").toString());
		targets.put("victim_data", apps.resolve("victim/data").toString());
		targets.put("victim_secret", apps.resolve("victim/data/secret.txt").toString());
		targets.put("victim_code", apps.resolve("victim/current/src/victim.py").toRealPath().toString());
		targets.put("victim_pid", this.victimPid);
		targets.put("mongo_port",
				bean(MongoConnectionDetails.class).getConnectionString().getHosts().get(0).split(":")[1]);
		targets.put("nonce", this.nonce);
		targets.put("mongo_port", Integer.parseInt((String) targets.get("mongo_port")));
		// what an attacker would go for really is there
		for (String key : List.of("api_token", "admin_password", "h2_file", "victim_config", "victim_secret",
				"victim_code")) {
			assertThat(Path.of((String) targets.get(key))).as(key).isRegularFile();
		}
		assertThat(Files.readString(Path.of((String) targets.get("victim_config")))).contains("victim-config-secret");
		assertThat(Files.readString(Path.of("/proc", Long.toString(this.victimPid), "environ")))
			.contains("environ-secret");

		deployer().install(InstallRequest
			.archive(HostileArchives.hostile(this.fixtures, json.writeValueAsString(targets)), "hostile.pyapp"));
	}

	@AfterAll
	void removeEverything() throws IOException {
		try {
			if (this.context != null) {
				for (AppId app : List.of(HOSTILE, VICTIM)) {
					if (bean(AppRegistry.class).find(app).isPresent()) {
						deployer().remove(app, false);
					}
				}
				this.context.close();
			}
		}
		finally {
			try (Stream<Path> files = Files.walk(this.home.resolve("apps"))) {
				for (Path pidFile : files.filter((file) -> file.getFileName().toString().equals("app.pid")).toList()) {
					ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
						.ifPresent(ProcessHandle::destroy);
				}
			}
			catch (IOException | NumberFormatException ex) {
				// nothing left to stop
			}
			TestAccounts.deleteUnder(this.home);
			AtomicFiles.deleteTree(this.home);
			AtomicFiles.deleteTree(this.fixtures);
		}
	}

	@Test
	@Order(1)
	void eachAppRunsAsItsOwnUserInASandbox() {
		IsolationStatus hostile = bean(AppIsolation.class).status(HOSTILE, null);
		IsolationStatus victim = bean(AppIsolation.class).status(VICTIM, null);

		assertThat(hostile.ownUser()).isTrue();
		assertThat(hostile.user()).isEqualTo("pyapp-hostile");
		assertThat(hostile.sandbox()).isEqualTo("bubblewrap");
		assertThat(hostile.uid()).isNotZero().isNotEqualTo(victim.uid());
		assertThat(processUid(bean(AppSupervisor.class).status(HOSTILE).pid())).isEqualTo(hostile.uid());
		assertThat(processUid(this.victimPid)).isEqualTo(victim.uid());
	}

	@Test
	@Order(2)
	void itsDaemonGetsNothing() throws Exception {
		JsonNode result = json.readTree(get(this.home.resolve("apps/hostile/run/app.sock"), "/attack"));

		assertAllFailed(result, "daemon");
	}

	@Test
	@Order(3)
	void itsHookGetsNothing() throws Exception {
		Path report = this.home.resolve("apps/hostile/data/attack-hook.json");
		assertThat(report).isRegularFile();

		assertAllFailed(json.readTree(Files.readString(report)), "hook");
	}

	@Test
	@Order(4)
	void itsTaskGetsNothing() {
		AppContexts contexts = bean(AppContexts.class);
		String release = bean(AppRegistry.class).get(HOSTILE).currentRelease();
		TaskRun run = bean(ScheduledTasks.class).run(HOSTILE, contexts.tasks(HOSTILE, release).get(0),
				contexts.context(HOSTILE, release));

		assertThat(run.outcome()).as(run.output()).isEqualTo("succeeded");
		String line = run.output().lines().filter((text) -> text.startsWith("{")).findFirst().orElseThrow();
		assertAllFailed(json.readTree(line), "task");
	}

	@Test
	@Order(5)
	void aCommandRunInItGetsNothing() {
		dev.pyapp.server.hooks.CommandResult result = bean(AppCommands.class)
			.run(HOSTILE, List.of("python", "hostile.py"), Duration.ofMinutes(1))
			.result();

		assertThat(result.exitCode()).as(result.output()).isZero();
		String line = result.output().lines().filter((text) -> text.startsWith("{")).findFirst().orElseThrow();
		assertAllFailed(json.readTree(line), "run");
	}

	@Test
	@Order(6)
	void theVictimAndTheHostAreUntouched() throws Exception {
		assertThat(ProcessHandle.of(this.victimPid).map(ProcessHandle::isAlive)).contains(true);
		assertThat(bean(AppSupervisor.class).status(VICTIM).pid()).isEqualTo(this.victimPid);
		assertThat(get(this.home.resolve("apps/victim/run/app.sock"), "/")).isEqualTo("victim ok");
		Path hostileSrc = this.home.resolve("apps/hostile/current/src");
		for (Path dir : List.of(this.home, this.home.resolve("server-packages"), this.home.resolve("apps/victim/data"),
				hostileSrc, Path.of("/usr"), Path.of("/etc"), Path.of("/"))) {
			try (Stream<Path> entries = Files.list(dir)) {
				assertThat(entries.map((entry) -> entry.getFileName().toString())).as(dir.toString())
					.noneMatch((name) -> name.startsWith("pwned"));
			}
		}
		assertThat(Files.readString(this.home.resolve("apps/hostile/config/config.yaml"), StandardCharsets.UTF_8))
			.doesNotContain("pwned");
	}

	/**
	 * Depends on the MongoDB of branch {@code hard} (issue 13.1: only the server's own
	 * process may connect): without it the embedded MongoDB answers any local process.
	 */
	@Test
	@Order(7)
	void noneOfItsProcessesReachesTheServersMongoDb() {
		assertThat(this.results).hasSize(4);
		this.results
			.forEach((source, result) -> assertThat(result.get("attempts").get("connect_mongo").get("ok").asBoolean())
				.as(source + ": connect_mongo " + result.get("attempts").get("connect_mongo").get("detail"))
				.isFalse());
	}

	/**
	 * Depends on the per-app log sockets of branch {@code hard} (issue 13.3: the server
	 * decides a record's app from the connection): without them the shared socket takes
	 * the app a batch names.
	 */
	@Test
	@Order(8)
	void noneOfItsProcessesWritesLogRecordsAsTheVictim() {
		LogViewer logs = bean(LogViewer.class);
		// the hostile app's own records arrive: what it claimed for the victim would have
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					logs.query(new LogQuery("hostile", null, null, null, null, "control-" + this.nonce, null, 10, null))
						.records())
				.isNotEmpty());
		LogPage spoofed = logs.query(new LogQuery("victim", null, null, null, null, this.nonce, null, 10, null));
		assertThat(spoofed.records()).isEmpty();
	}

	@Test
	@Order(9)
	void itsSocketInRunReplacedWithALinkToTheVictimsDoesNotTakeTheWebServerToTheVictim() throws Exception {
		Path web = bean(AppSupervisor.class).endpoint(HOSTILE).socket();
		assertThat(web).isEqualTo(this.home.resolve("apps/hostile/web/app.sock"));
		// what the hostile app's user may do in its own run/: its daemon's socket
		// replaced by a link to the victim's, which the web server's group reaches
		Path run = this.home.resolve("apps/hostile/run");
		Path socket = run.resolve(Files.readSymbolicLink(run.resolve("app.sock")));
		Path moved = socket.resolveSibling("moved.sock");
		Files.move(socket, moved);
		Files.createSymbolicLink(socket, this.home.resolve("apps/victim/run/app.sock"));
		try {
			assertThat(get(socket, "/")).isEqualTo("victim ok");
			// the web server's path still leads to the hostile app's own daemon
			assertThat(get(web, "/")).isEqualTo("ok");
			// and giving the socket to the web server again (at an adoption) refuses it
			assertThatThrownBy(() -> bean(AppIsolation.class).socketForWebServer(HOSTILE, socket))
				.hasMessageContaining("is not a socket of the app's user pyapp-hostile (a symlink)");
			assertThat(get(web, "/")).isEqualTo("ok");
		}
		finally {
			Files.delete(socket);
			Files.move(moved, socket);
		}
	}

	/**
	 * The hostile app's shared dependency put a {@code setproctitle} module into
	 * {@code server-packages/}: gunicorn imports it in every daemon when it is there, as
	 * code importing a module only if present does. Only the hostile app sees it.
	 */
	@Test
	@Order(10)
	void itsSharedPackageRunsInNoOtherApp() {
		assertThat(this.home.resolve("server-packages/setproctitle.py")).isRegularFile();
		AppCommands commands = bean(AppCommands.class);
		List<String> importIt = List.of("python", "-c", "import setproctitle; print(setproctitle.__file__)");

		dev.pyapp.server.hooks.CommandResult victim = commands.run(VICTIM, importIt, Duration.ofMinutes(1)).result();
		dev.pyapp.server.hooks.CommandResult hostile = commands.run(HOSTILE, importIt, Duration.ofMinutes(1)).result();

		assertThat(victim.exitCode()).as(victim.output()).isNotZero();
		assertThat(victim.output()).contains("No module named 'setproctitle'");
		assertThat(this.home.resolve("apps/victim/data/pwned-by-shared-package")).doesNotExist();
		// the app that asked for it imports it
		assertThat(hostile.exitCode()).as(hostile.output()).isZero();
		assertThat(hostile.output()).contains("server-packages/setproctitle.py");
	}

	@Test
	@Order(11)
	void removingAnAppDeletesItsUserUnlessItsDataIsKept() throws Exception {
		dev.pyapp.server.nodes.SystemAccounts accounts = new dev.pyapp.server.nodes.SystemAccounts();
		// pyapp-victim, or a name of this home's when another server on the host has that
		// one (two checkouts running this test at once)
		String hostileUser = bean(AppIsolation.class).status(HOSTILE, null).user();
		String victimUser = bean(AppIsolation.class).status(VICTIM, null).user();
		int victimUid = accounts.find(victimUser).orElseThrow().uid();

		deployer().remove(HOSTILE, false);
		deployer().remove(VICTIM, true);

		assertThat(accounts.find(hostileUser)).isEmpty();
		assertThat(accounts.find(victimUser)).isPresent();
		assertThat(Files.getAttribute(this.home.resolve("apps/victim/data/secret.txt"), "unix:uid"))
			.isEqualTo(victimUid);

		// installed again, it gets the same user and its data back
		deployer().install(InstallRequest.archive(HostileArchives.victim(this.fixtures), "victim.pyapp"));
		assertThat(bean(AppIsolation.class).status(VICTIM, null).uid()).isEqualTo(victimUid);
		assertThat(get(this.home.resolve("apps/victim/run/app.sock"), "/")).isEqualTo("victim ok");
	}

	private void assertAllFailed(JsonNode result, String source) {
		this.results.put(source, result);
		assertThat(result.get("source").stringValue()).isEqualTo(source);
		assertThat(result.get("identity").get("uid").asInt()).isNotZero();
		assertThat(result.get("identity").get("data_writable").asBoolean()).isTrue();
		JsonNode attempts = result.get("attempts");
		for (String attempt : ATTEMPTS) {
			JsonNode outcome = attempts.get(attempt);
			assertThat(outcome).as(source + ": " + attempt).isNotNull();
			assertThat(outcome.get("ok").asBoolean())
				.as(source + ": " + attempt + " got through: " + outcome.get("detail").stringValue())
				.isFalse();
		}
	}

	private static String get(Path socket, String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII)));
			java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			while (channel.read(buffer) > 0) {
				out.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			String text = out.toString(StandardCharsets.UTF_8);
			assertThat(text).startsWith("HTTP/1.1 200");
			return text.substring(text.indexOf("\r\n\r\n") + 4);
		}
	}

	private static int processUid(long pid) {
		try {
			return (int) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private AppDeployer deployer() {
		return bean(AppDeployer.class);
	}

	private <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

}
