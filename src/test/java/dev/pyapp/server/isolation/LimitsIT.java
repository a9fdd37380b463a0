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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogViewer;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.ProcessState;
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
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every limit of SPEC §10 is in force on this host's cgroup layout (v1 on the development
 * and CI machines; v2 is covered by {@code CgroupsTests} against a fake cgroup file
 * system): an app asks for 96 MB, 40 processes, 128 open files and half a core; a memory
 * hog is killed and reported as out of memory, a fork bomb stops at the process limit,
 * the open files and the CPU time stop at theirs, and the operator's cap wins over the
 * app's request.
 */
@Tag("process")
@EnabledIf("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LimitsIT {

	private static final AppId APP = AppId.of("limits");

	private static final JsonMapper json = JsonMapper.builder().build();

	private Path home;

	private Path fixtures;

	private ConfigurableApplicationContext context;

	static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	@BeforeAll
	void installTheApp() throws Exception {
		this.home = dev.pyapp.server.venv.ServerPackagesTemplate
			.copyInto(Files.createTempDirectory(Path.of("/tmp"), "pa"));
		this.fixtures = Files.createTempDirectory("pyapp-limits");
		this.context = new SpringApplicationBuilder(PyappServerApplication.class).run("--pyapp.home=" + this.home,
				"--pyapp.storage.persistent=false", "--server.port=0", "--pyapp.python.index=file:///opt/pypi/simple",
				"--pyapp.python.provision=true", "--pyapp.runtime.restart-backoff=1s",
				// the test speaks HTTP to the daemon's socket: gunicorn (the uWSGI
				// runtime IT runs its
				// daemons in the same sandbox)
				"--pyapp.runtime.server=gunicorn");
		bean(VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(3));
		bean(AppDeployer.class).install(InstallRequest.archive(HostileArchives.limits(this.fixtures), "limits.pyapp"));
	}

	@AfterAll
	void removeEverything() {
		try {
			if (this.context != null) {
				bean(AppDeployer.class).remove(APP, false);
				this.context.close();
			}
		}
		finally {
			TestAccounts.deleteUnder(this.home);
			AtomicFiles.deleteTree(this.home);
			AtomicFiles.deleteTree(this.fixtures);
		}
	}

	@Test
	@Order(1)
	void showsEachLimitWithItsValueAndHowItIsEnforced() throws IOException {
		IsolationStatus status = bean(AppIsolation.class).status(APP, manifest());
		String kind = bean(HostIsolation.class).cgroupLayout();

		assertThat(kind).isIn("cgroup v1", "cgroup v2");
		assertThat(status.limits()).extracting(LimitStatus::name, LimitStatus::value, LimitStatus::source)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("memory", 96L << 20, "app"),
					org.assertj.core.groups.Tuple.tuple("processes", 40, "app"),
					org.assertj.core.groups.Tuple.tuple("open_files", 128, "app"),
					org.assertj.core.groups.Tuple.tuple("cpu", 0.5, "app"));
		assertThat(status.limits()).extracting(LimitStatus::enforcement)
			.containsExactly(kind + ((kind.equals("cgroup v1")) ? " (memory.limit_in_bytes)" : " (memory.max)"),
					kind + " (pids.max, threads included)", "rlimit RLIMIT_NOFILE (per process)",
					kind + ((kind.equals("cgroup v1")) ? " (cpu.cfs_quota_us)" : " (cpu.max)"));
		// the kernel has them
		if (kind.equals("cgroup v1")) {
			Path leaf = daemonCgroup(Path.of("/sys/fs/cgroup/memory/pyapp"));
			assertThat(Files.readString(leaf.resolve("memory.limit_in_bytes")).trim())
				.isEqualTo(Long.toString(96L << 20));
			assertThat(Files.readString(leaf.resolve("cgroup.procs"))).contains(Long.toString(pid()));
		}
	}

	@Test
	@Order(2)
	void aForkBombStopsAtTheProcessLimit() throws IOException {
		JsonNode result = json.readTree(get("/forkbomb"));

		assertThat(result.get("errno").asInt()).as(result.toString()).isEqualTo(11);
		assertThat(result.get("forked").asInt()).isLessThan(40);
		assertThat(get("/")).contains("pid");
	}

	@Test
	@Order(3)
	void openFilesStopAtTheirLimit() throws IOException {
		JsonNode result = json.readTree(get("/files"));

		assertThat(result.get("errno").asInt()).as(result.toString()).isEqualTo(24);
		assertThat(result.get("opened").asInt()).isLessThan(128).isGreaterThan(64);
	}

	@Test
	@Order(4)
	void cpuTimeStopsAtHalfACore() throws IOException {
		JsonNode result = json.readTree(get("/cpu?seconds=3"));

		// two busy processes for 3 s would use up to 6 CPU seconds on two free cores
		double used = result.get("cpu_seconds").asDouble();
		double wall = result.get("wall_seconds").asDouble();
		assertThat(used / wall).as(result.toString()).isLessThan(0.7);
	}

	@Test
	@Order(5)
	void aMemoryHogIsKilledAndReportedAsOutOfMemory() {
		long pid = pid();
		assertThat(failsOrAnswers("/hog?mb=400")).doesNotContain("allocated_mb");

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			AppStatus status = bean(AppSupervisor.class).status(APP);
			assertThat(status.reason()).isEqualTo("out of memory");
			assertThat(records("pyapp.runtime")).anyMatch((message) -> message.startsWith("out of memory")
					&& message.contains("memory limit 96 MiB") && message.contains("replaces the worker"));
		});
		// gunicorn replaced the worker: the same daemon serves on
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/")).contains("pid"));
		assertThat(pid()).isEqualTo(pid);
	}

	@Test
	@Order(6)
	void aDaemonThatEndsAfterAnOutOfMemoryKillIsRestartedAsACrash() {
		long pid = pid();
		int restarts = bean(AppSupervisor.class).status(APP).restarts();

		failsOrAnswers("/hog-then-exit?mb=400");

		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			AppStatus status = bean(AppSupervisor.class).status(APP);
			assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
			assertThat(status.pid()).isNotNull().isNotEqualTo(pid);
			assertThat(status.restarts()).isEqualTo(restarts + 1);
			assertThat(status.reason()).isEqualTo("out of memory");
			// logged with the crash, stored as the log records are: maybe after
			// the restart
			assertThat(records("pyapp.runtime")).anyMatch((message) -> message.contains("the daemon ended"));
		});
	}

	@Test
	@Order(7)
	void theOperatorsCapWinsOverTheAppsRequest() throws IOException {
		bean(AppIsolation.class).setLimits(APP, Map.of("memory", "64MB", "processes", 1000));
		bean(AppSupervisor.class).restart(APP);

		IsolationStatus status = bean(AppIsolation.class).status(APP, manifest());
		assertThat(status.limits().get(0)).extracting(LimitStatus::value, LimitStatus::source, LimitStatus::cap)
			.containsExactly(64L << 20, "operator", 64L << 20);
		// a cap above the request leaves the request
		assertThat(status.limits().get(1)).extracting(LimitStatus::value, LimitStatus::source)
			.containsExactly(40, "app");
		if (bean(HostIsolation.class).cgroupLayout().equals("cgroup v1")) {
			assertThat(Files
				.readString(daemonCgroup(Path.of("/sys/fs/cgroup/memory/pyapp")).resolve("memory.limit_in_bytes"))
				.trim()).isEqualTo(Long.toString(64L << 20));
		}
		assertThat(get("/")).contains("pid");
	}

	@Test
	@Order(8)
	void theApiShowsTheIsolationAndSetsCaps() throws Exception {
		JsonNode app = rpc("apps.get", Map.of("name", "limits")).get("result");
		JsonNode isolation = app.get("isolation");
		assertThat(isolation.get("user").stringValue()).isEqualTo("pyapp-limits");
		assertThat(isolation.get("own_user").asBoolean()).isTrue();
		assertThat(isolation.get("uid").asInt()).isPositive();
		assertThat(isolation.get("sandbox").stringValue()).isEqualTo("bubblewrap");
		assertThat(isolation.get("sandbox_reason").isNull()).isTrue();
		JsonNode memory = isolation.get("limits").get("memory");
		assertThat(memory.get("value").asLong()).isEqualTo(64L << 20);
		assertThat(memory.get("requested").asLong()).isEqualTo(96L << 20);
		assertThat(memory.get("source").stringValue()).isEqualTo("operator");
		assertThat(memory.get("enforced_by").stringValue()).startsWith("cgroup v");
		assertThat(isolation.get("limits").get("open_files").get("enforced_by").stringValue())
			.isEqualTo("rlimit RLIMIT_NOFILE (per process)");

		JsonNode refused = rpc("apps.limits.set",
				Map.of("name", "limits", "limits", Map.of("memory", "tiny", "processes", 2, "disk", "1G")));
		assertThat(refused.get("error").get("code").asInt()).isEqualTo(-32002);
		assertThat(refused.get("error").get("data").get("errors").findValuesAsString("path"))
			.containsExactlyInAnyOrder("limits.memory", "limits.processes", "limits.disk");

		long pid = pid();
		java.util.Map<String, Object> reset = new java.util.HashMap<>();
		reset.put("memory", null);
		JsonNode set = rpc("apps.limits.set", Map.of("name", "limits", "limits", reset)).get("result");
		assertThat(set.get("limits").get("memory").get("value").asLong()).isEqualTo(96L << 20);
		assertThat(set.get("limits").get("memory").get("source").stringValue()).isEqualTo("app");
		// a cgroup's limit: in force on the running daemon, without a restart
		assertThat(pid()).isEqualTo(pid);
		if (bean(HostIsolation.class).cgroupLayout().equals("cgroup v1")) {
			assertThat(Files
				.readString(daemonCgroup(Path.of("/sys/fs/cgroup/memory/pyapp")).resolve("memory.limit_in_bytes"))
				.trim()).isEqualTo(Long.toString(96L << 20));
		}
		assertThat(get("/")).contains("pid");

		// an rlimit cannot be changed from outside the sandbox: the daemon is restarted
		JsonNode files = rpc("apps.limits.set", Map.of("name", "limits", "limits", Map.of("open_files", 100)))
			.get("result");
		assertThat(files.get("limits").get("open_files").get("value").asLong()).isEqualTo(100);
		assertThat(pid()).isNotEqualTo(pid);
		assertThat(Files.readAllLines(Path.of("/proc", Long.toString(pid()), "limits")))
			.anySatisfy((line) -> assertThat(line).startsWith("Max open files").contains(" 100 "));
		assertThat(get("/")).contains("pid");
	}

	private JsonNode rpc(String method, Map<String, Object> params) throws Exception {
		String token = Files.readString(this.home.resolve("api-token")).trim();
		String port = this.context.getEnvironment().getProperty("local.server.port");
		java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/rpc"))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString(
						json.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params))))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		return json.readTree(response.body());
	}

	private Path daemonCgroup(Path parent) throws IOException {
		Path app = parent.resolve(bean(AppIsolation.class).cgroup(APP));
		try (Stream<Path> leaves = Files.list(app)) {
			return leaves.filter((leaf) -> leaf.getFileName().toString().startsWith("r-")).filter((leaf) -> {
				try {
					return Files.readString(leaf.resolve("cgroup.procs")).contains(Long.toString(pid()));
				}
				catch (IOException ex) {
					return false;
				}
			}).findFirst().orElseThrow();
		}
	}

	private List<String> records(String logger) {
		return bean(LogViewer.class).query(new LogQuery("limits", null, null, null, logger, null, null, 100, null))
			.records()
			.stream()
			.map((record) -> record.message())
			.toList();
	}

	private dev.pyapp.server.packaging.AppManifest manifest() {
		return bean(dev.pyapp.server.runtime.AppContexts.class).manifest(APP,
				bean(dev.pyapp.server.install.AppRegistry.class).get(APP).currentRelease());
	}

	private long pid() {
		return bean(AppSupervisor.class).status(APP).pid();
	}

	private String failsOrAnswers(String path) {
		try {
			return get(path);
		}
		catch (IOException | RuntimeException ex) {
			return ex.toString();
		}
	}

	private String get(String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.home.resolve("apps/limits/run/app.sock")));
			channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII)));
			java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			while (channel.read(buffer) > 0) {
				out.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			String text = out.toString(StandardCharsets.UTF_8);
			if (!text.startsWith("HTTP/1.1 200")) {
				throw new IOException("no 200 for " + path + ": " + text);
			}
			return text.substring(text.indexOf("\r\n\r\n") + 4);
		}
	}

	private <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

}
