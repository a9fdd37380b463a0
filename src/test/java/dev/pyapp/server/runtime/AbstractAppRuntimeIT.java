package dev.pyapp.server.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.hooks.TaskRun;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.isolation.IsolationStatus;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.LogViewer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The runtime end to end with real python3, venv and an app server: installs, isolation,
 * log capture, crash restarts, hooks and tasks, graceful reloads and zero-downtime
 * upgrades and rollbacks under load, a failing health check, adoption by a restarted
 * server and the crash limit. One PYAPP_HOME and one provisioning for the whole class;
 * the tests build on each other, in order (each has an order of its own: JUnit runs tests
 * of the same order in an order it does not promise). One subclass per app server
 * ({@code pyapp.runtime.server}): the contract is the same for each.
 */
@Tag("process")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractAppRuntimeIT {

	private static final AppId GUESTBOOK = AppId.of("guestbook");

	private static final AppId DEPSAPP = AppId.of("depsapp");

	/**
	 * Short, so that the test of the KILL after it does not wait long (it waits all of
	 * it: the request it stops in sleeps for 10 minutes); the daemons of the other tests
	 * end within a fraction of it, their requests take milliseconds.
	 */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

	private Path home;

	private Path fixtures;

	private Path six;

	private ConfigurableApplicationContext context;

	/** The app server every app of the class runs on. */
	abstract String server();

	/** What that server's sockets speak. */
	abstract WireProtocol protocol();

	@BeforeAll
	void startServer() throws Exception {
		this.home = dev.pyapp.server.venv.ServerPackagesTemplate
			.copyInto(Files.createTempDirectory(Path.of("/tmp"), "pa"));
		this.fixtures = Files.createTempDirectory("pyapp-fixtures");
		// pip (a process of its own) downloads while the context starts
		java.util.concurrent.FutureTask<Path> six = new java.util.concurrent.FutureTask<>(
				() -> TestArchives.downloadSix(this.fixtures));
		new Thread(six, "download-six").start();
		this.context = startContext();
		bean(dev.pyapp.server.venv.VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(3));
		try {
			this.six = six.get(3, java.util.concurrent.TimeUnit.MINUTES);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	@AfterAll
	void stopEverything() throws IOException {
		if (this.context != null) {
			this.context.close();
		}
		// the daemons outlive the server by design: stop them by their pid files (the
		// server's app.pid: gunicorn's own pid file holds its pid inside the sandbox)
		try (Stream<Path> files = Files.walk(this.home.resolve("apps"))) {
			for (Path pidFile : files.filter((file) -> file.getFileName().toString().equals("app.pid")).toList()) {
				try {
					long pid = Long.parseLong(Files.readString(pidFile).trim());
					ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
				}
				catch (IOException | NumberFormatException ex) {
					// gone already
				}
			}
		}
		dev.pyapp.server.isolation.TestAccounts.deleteUnder(this.home);
		AtomicFiles.deleteTree(this.home);
		AtomicFiles.deleteTree(this.fixtures);
	}

	@Test
	@Order(1)
	void installsTheExampleAppAndServesItOverItsSocket() throws Exception {
		Release live = deployer().install(InstallRequest.archive(guestbookArchive("1.0.0"), "guestbook.pyapp"));

		assertThat(live.version()).isEqualTo("1.0.0");
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		assertThat(HttpProbe.get(protocol(), socket, "/health").status()).isEqualTo(200);
		HttpProbe.Response env = HttpProbe.get(protocol(), socket, "/env");
		assertThat(env.body()).contains("\"PYAPP_NAME\": \"guestbook\"")
			.contains(this.home.resolve("apps/guestbook/data/db/main.sqlite3").toString())
			.contains("\"cwd\": \"" + this.home.resolve("apps/guestbook/releases/" + live.releaseId() + "/src"));
		assertThat(hooksLog()).containsExactly("post-install 1.0.0");
		AppStatus status = supervisor().status(GUESTBOOK);
		assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
		assertThat(status.server()).isEqualTo(server());
		JsonNode process = rpc("apps.get", Map.of("name", "guestbook")).path("process");
		assertThat(process.path("server").asString()).isEqualTo(server());
		assertThat(process.path("pid").asLong()).isEqualTo(status.pid());
		assertThat(Files.readString(this.home.resolve("apps/guestbook/run/app.pid")).trim())
			.isEqualTo(Long.toString(status.pid()));
		// the request is served by a worker, not by the master
		assertThat(workerPid(socket)).isNotEqualTo(Long.toString(status.pid()));
		// SPEC §10: the socket is 0660, reachable through the web server's group only
		Path own = socket.toRealPath();
		assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(own)))
			.isEqualTo("rw-rw----");
		if ("root".equals(System.getProperty("user.name"))) {
			int web = new dev.pyapp.server.nodes.SystemAccounts().find("www-data").orElseThrow().gid();
			assertThat(Files.getAttribute(own, "unix:gid")).isEqualTo(web);
			assertThat(Files.getAttribute(Path.of("/proc", status.pid().toString()), "unix:uid"))
				.isEqualTo(Files.getAttribute(this.home.resolve("apps/guestbook/data"), "unix:uid"))
				.isNotEqualTo(0);
			// the log socket: the server's, the app's group alone may connect
			Path logs = this.home.resolve("apps/guestbook/run/logs.sock");
			assertThat(java.nio.file.attribute.PosixFilePermissions
				.toString(Files.getPosixFilePermissions(logs, java.nio.file.LinkOption.NOFOLLOW_LINKS)))
				.isEqualTo("rw-rw----");
			assertThat(Files.getAttribute(logs, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
			assertThat(Files.getAttribute(logs, "unix:gid", java.nio.file.LinkOption.NOFOLLOW_LINKS))
				.isEqualTo(Files.getAttribute(this.home.resolve("apps/guestbook/data"), "unix:gid"));
		}
		// gunicorn 26's control socket is off: nothing in the app user's home
		assertThat(this.home.resolve("apps/guestbook/home/.gunicorn")).doesNotExist();
		// SPEC §10: what the app writes (its hook, its daemon) has the app's own umask,
		// 0027 (0077 as the server's user), not the server's (022 here, from the shell)
		assertThat(HttpProbe.get(protocol(), socket, "/").status()).isEqualTo(200);
		boolean ownUser = "root".equals(System.getProperty("user.name"));
		Path data = this.home.resolve("apps/guestbook/data");
		assertThat(mode(data.resolve("hooks.log"))).isEqualTo(ownUser ? "rw-r-----" : "rw-------");
		assertThat(mode(data.resolve("db/main.sqlite3"))).isEqualTo(ownUser ? "rw-r-----" : "rw-------");
		if (ownUser) {
			// made by the server, given to the app with the mode its umask makes
			assertThat(mode(data.resolve("db"))).isEqualTo("rwxr-x---");
		}
	}

	private static String mode(Path path) throws IOException {
		return java.nio.file.attribute.PosixFilePermissions
			.toString(Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
	}

	@Test
	@Order(2)
	void installsAnAppWhoseDependencyShipsInDepsAndServesItOverAPort() throws Exception {
		deployer().install(InstallRequest.archive(TestArchives.depsApp(this.fixtures, "1.0.0", 200, this.six), "d"));

		Integer port = supervisor().status(DEPSAPP).port();
		assertThat(port).isNotNull();
		assertThat(HttpProbe.get(protocol(), port, "/version").body()).isEqualTo("1.0.0");
		assertThat(HttpProbe.get(protocol(), port, "/import?module=six").body()).isEqualTo("ok");
		assertThat(HttpProbe.get(protocol(), port, "/import?module=blinker").body()).isEqualTo("ok");
		assertThat(Files.exists(this.home.resolve("server-packages/blinker"))).isTrue();
	}

	@Test
	@Order(4)
	void anAppSeesOnlyItsOwnAndTheSharedPackages() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		boolean sandbox = "bubblewrap".equals(bean(AppIsolation.class).status(GUESTBOOK, null).sandbox());
		// shared by depsapp: in a sandbox only on the path of the apps that use it (one
		// app's shared module never runs in another), else on every app's
		assertThat(HttpProbe.get(protocol(), socket, "/import?module=blinker").body())
			.contains(sandbox ? "\"ok\": false" : "\"ok\": true");
		// depsapp's own dependency
		assertThat(HttpProbe.get(protocol(), socket, "/import?module=six").body()).contains("\"ok\": false");
		// installed in the host interpreter's site-packages
		assertThat(HttpProbe.get(protocol(), socket, "/import?module=yaml").body()).contains("\"ok\": false");
	}

	@Test
	@Order(3)
	void capturesLogRecordsWithTheirRequestPathAndPrintedLines() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		String marker = "marker-" + System.nanoTime();
		assertThat(HttpProbe.get(protocol(), socket, "/log?level=WARNING&msg=" + marker).body()).isEqualTo("logged");
		assertThat(HttpProbe.get(protocol(), socket, "/print?msg=" + marker + "-printed").body()).isEqualTo("printed");

		LogViewer logs = bean(LogViewer.class);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<LogRecord> records = logs
				.query(new LogQuery("guestbook", null, null, null, null, marker, null, 10, null))
				.records();
			assertThat(records).anySatisfy((record) -> {
				assertThat(record.logger()).isEqualTo("guestbook");
				assertThat(record.level()).isEqualTo(LogLevel.WARNING);
				assertThat(record.message()).isEqualTo(marker);
				assertThat(record.path()).isEqualTo("/log");
				assertThat(record.release()).isEqualTo(registry().get(GUESTBOOK).currentRelease());
				long master = supervisor().status(GUESTBOOK).pid();
				assertThat(record.pid()).isNotNull().isNotEqualTo((int) master);
				// the worker's pid as the host sees it (ps, kill), not the one in its
				// sandbox's PID namespace
				assertThat(ProcessHandle.of(master).orElseThrow().descendants().map(ProcessHandle::pid))
					.contains(record.pid().longValue());
			});
			assertThat(records).anySatisfy((record) -> {
				assertThat(record.logger()).isEqualTo("stdout");
				assertThat(record.level()).isEqualTo(LogLevel.INFO);
				assertThat(record.message()).isEqualTo(marker + "-printed");
			});
			// SPEC §9: a line printed inside a request carries the request's path too
			// (shipped by the shim, not read from the stdout file), and is stored once
			List<LogRecord> printed = logs
				.query(new LogQuery("guestbook", null, null, null, "stdout", marker + "-printed", null, 10, null))
				.records();
			assertThat(printed).singleElement().satisfies((record) -> {
				assertThat(record.level()).isEqualTo(LogLevel.INFO);
				assertThat(record.path()).isEqualTo("/print");
				assertThat(record.release()).isEqualTo(registry().get(GUESTBOOK).currentRelease());
				assertThat(record.pid()).isNotNull();
			});
		});
	}

	@Test
	@Order(5)
	void reloadsGracefullyWithoutAFailedRequest() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		long master = supervisor().status(GUESTBOOK).pid();
		String worker = workerPid(socket);
		// the same master with new workers, or for uWSGI a new daemon beside (its HUP can
		// drop a request; the new sandbox's worker may have the same pid inside it)
		boolean inPlace = bean(AppServers.class).find(server()).orElseThrow().reloadsInPlace();
		try (Client client = new Client(protocol(), socket)) {
			supervisor().reload(GUESTBOOK);
			if (inPlace) {
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(200))
					.untilAsserted(() -> assertThat(workerPid(socket)).isNotEqualTo(worker));
			}
			client.awaitMore();
			assertThat(client.failures()).describedAs(client.lastError()).isZero();
		}
		assertThat(supervisor().status(GUESTBOOK).pid() == master).isEqualTo(inPlace);
		assertThat(supervisor().status(GUESTBOOK).state()).isEqualTo(ProcessState.RUNNING);
	}

	@Test
	@Order(6)
	void runsTasksOnTheirScheduleAndOnRequest() throws IOException {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.home.resolve("apps/guestbook/data/tasks.log")).exists());
		ScheduledTasks tasks = bean(ScheduledTasks.class);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(tasks.runs(GUESTBOOK, "purge-sessions")).isNotEmpty()
				.allSatisfy((run) -> assertThat(run.outcome()).isIn("succeeded", "running")));
		AppContexts contexts = bean(AppContexts.class);
		String release = registry().get(GUESTBOOK).currentRelease();
		Path log = this.home.resolve("apps/guestbook/data/tasks.log");
		tasks.unschedule(GUESTBOOK);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> tasks.list(GUESTBOOK, contexts.tasks(GUESTBOOK, release))
				.stream()
				.noneMatch((task) -> task.running()));
		long before = Files.readAllLines(log).size();
		TaskRun run = tasks.run(GUESTBOOK, contexts.tasks(GUESTBOOK, release).get(0),
				contexts.context(GUESTBOOK, release));
		assertThat(run.outcome()).isEqualTo("succeeded");
		assertThat(run.trigger()).isEqualTo("manual");
		assertThat(run.finished()).isNotNull();
		assertThat(Files.readAllLines(log)).hasSize((int) before + 1);
		// last_run is the newest of the runs kept
		assertThat(tasks.list(GUESTBOOK, contexts.tasks(GUESTBOOK, release)))
			.filteredOn((task) -> task.name().equals(run.task()))
			.singleElement()
			.satisfies((task) -> {
				assertThat(task.lastRun()).isEqualTo(tasks.runs(GUESTBOOK, run.task()).get(0));
				assertThat(task.lastRun().id()).isEqualTo(run.id());
			});
		// GH-15: what a task logs is its output, and each run leaves a record with its
		// outcome under the app
		assertThat(run.output()).contains("INFO guestbook.tasks: purge-sessions removed 0 stale session(s)");
		LogViewer logs = bean(LogViewer.class);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					logs.query(new LogQuery("guestbook", null, null, null, "pyapp.task", null, null, 100, null))
						.records())
				.anySatisfy((record) -> assertThat(record.message())
					.startsWith("task purge-sessions (manual) succeeded in ")));
	}

	@Test
	@Order(7)
	void anAppWithoutItsRequiredSettingsWaitsForThemBeforePostInstallAndStart() throws Exception {
		AppId app = AppId.of("confapp");
		deployer().install(InstallRequest.archive(TestArchives.confApp(this.fixtures), "confapp.pyapp"));

		assertThat(deployer().needsConfiguration(app)).isTrue();
		assertThat(supervisor().status(app).state()).isEqualTo(ProcessState.STOPPED);
		assertThat(this.home.resolve("apps/confapp/data/installed")).doesNotExist();

		bean(AppConfigurator.class).set(app, Map.of("site", Map.of("title", "Hello PyApp")));

		assertThat(deployer().needsConfiguration(app)).isFalse();
		assertThat(supervisor().status(app).state()).isEqualTo(ProcessState.RUNNING);
		assertThat(this.home.resolve("apps/confapp/data/installed")).content().contains("Hello PyApp");
		assertThat(HttpProbe.get(protocol(), this.home.resolve("apps/confapp/run/app.sock"), "/").body())
			.contains("Hello PyApp");
		// GH-15: the output of a post-install that waited for the configuration is logged
		// too, what it logged at its level
		LogViewer logs = bean(LogViewer.class);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					logs.query(new LogQuery("confapp", null, null, null, "pyapp.deploy", null, null, 100, null))
						.records())
				.anySatisfy((record) -> assertThat(record.message())
					.isEqualTo("[post-install] post-install prints to stdout"))
				.anySatisfy((record) -> {
					assertThat(record.message())
						.isEqualTo("[post-install] WARNING confapp.hooks: post-install logs a warning");
					assertThat(record.level()).isEqualTo(dev.pyapp.server.logs.LogLevel.WARNING);
				}));
		deployer().remove(app, false);
		assertThat(this.home.resolve("apps/confapp")).doesNotExist();
	}

	@Test
	@Order(8)
	void restartsADaemonKilledWithSigkill() throws Exception {
		long pid = supervisor().status(GUESTBOOK).pid();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();

		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			AppStatus status = supervisor().status(GUESTBOOK);
			assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
			assertThat(status.pid()).isNotEqualTo(pid);
			assertThat(HttpProbe.get(protocol(), socket, "/health").status()).isEqualTo(200);
		});
		assertThat(supervisor().status(GUESTBOOK).restarts()).isEqualTo(1);
	}

	@Test
	@Order(9)
	void upgradesAndRollsBackWithoutAFailedRequest() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		String first = registry().get(GUESTBOOK).currentRelease();
		Path archive = guestbookArchive("1.1.0");
		long before = supervisor().status(GUESTBOOK).pid();
		assertSandboxed(before);
		List<LogRecord> stopped = stopLines();
		try (Client client = new Client(protocol(), socket)) {
			deployer().install(InstallRequest.archive(archive, "guestbook-1.1.0.pyapp"));
			assertThat(HttpProbe.get(protocol(), socket, "/version").body()).isEqualTo("1.1.0");
			client.awaitMore();
			assertThat(client.failures()).describedAs(client.lastError()).isZero();
		}
		// SPEC §10: the new release's daemon is sandboxed too (a new master, not the old)
		long after = supervisor().status(GUESTBOOK).pid();
		assertThat(after).isNotEqualTo(before);
		assertSandboxed(after);
		assertThat(hooksLog()).containsExactly("post-install 1.0.0", "pre-update 1.1.0", "post-update 1.1.0");
		String second = registry().get(GUESTBOOK).currentRelease();
		// SPEC §10: the new daemon's start-up lines, written beside the live daemon
		// before the switch, are filed under its own release
		awaitServerLine("Starting", second);
		// and the replaced daemon's last lines, written after the switch, under its own
		awaitStopLines(stopped, first);

		stopped = stopLines();
		try (Client client = new Client(protocol(), socket)) {
			Release back = deployer().rollback(GUESTBOOK, null).live();
			assertThat(back.releaseId()).isEqualTo(first);
			assertThat(HttpProbe.get(protocol(), socket, "/version").body()).isEqualTo("1.0.0");
			client.awaitMore();
			assertThat(client.failures()).describedAs(client.lastError()).isZero();
		}
		assertThat(hooksLog()).hasSize(3);
		assertThat(Files.readSymbolicLink(this.home.resolve("apps/guestbook/current")).toString()).endsWith(first);
		assertSandboxed(supervisor().status(GUESTBOOK).pid());
		// the replaced daemons' cgroups went with them
		awaitDaemonCgroupsOfLiveDaemonOnly(GUESTBOOK);
		awaitStopLines(stopped, second);
	}

	/**
	 * Waits for the last line of a replaced daemon (its server's), and expects every such
	 * line but those known before under a release.
	 */
	private void awaitStopLines(List<LogRecord> known, String release) {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(stopLines()).filteredOn((record) -> !known.contains(record))
				.isNotEmpty()
				.allSatisfy((record) -> assertThat(record.release()).as(record.message()).isEqualTo(release)));
	}

	/** The app server's lines that say a daemon stopped. */
	private List<LogRecord> stopLines() {
		String text = server().equals("uwsgi") ? "goodbye to uWSGI" : "Shutting down: Master";
		return bean(LogViewer.class)
			.query(new LogQuery("guestbook", null, null, null, server(), text, null, 100, null, null))
			.records();
	}

	/** Waits for a line of the app server's own in the records of a release. */
	private void awaitServerLine(String text, String release) {
		LogViewer logs = bean(LogViewer.class);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(
					logs.query(new LogQuery("guestbook", null, null, null, server(), text, null, 10, null, release))
						.records())
				.as("%s lines of %s", text, release)
				.isNotEmpty());
	}

	@Test // GH-15: apps.restart stopped and started: 122 of 603 requests got 502
	@Order(10)
	void restartsGracefullyWithoutAFailedRequest() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		long before = supervisor().status(GUESTBOOK).pid();
		try (Client client = new Client(protocol(), socket)) {
			AppStatus restarted = supervisor().restart(GUESTBOOK);
			assertThat(restarted.state()).isEqualTo(ProcessState.RUNNING);
			assertThat(restarted.pid()).isNotEqualTo(before);
			client.awaitMore();
			assertThat(client.failures()).describedAs(client.lastError()).isZero();
		}
		assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		// the new daemon has a socket of its own beside the release's (adopted below)
		assertThat(Files.readSymbolicLink(socket).toString()).endsWith("-b.sock");
		assertThat(HttpProbe.get(protocol(), socket, "/health").status()).isEqualTo(200);
		awaitDaemonCgroupsOfLiveDaemonOnly(GUESTBOOK);
	}

	@Test
	@Order(11)
	void scalesTheDaemonWithoutAFailedRequestUntilReset() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		long before = supervisor().status(GUESTBOOK).pid();
		try (Client client = new Client(protocol(), socket)) {
			JsonNode scaled = rpc("apps.scale", Map.of("name", "guestbook", "workers", 2, "threads", 2));
			assertThat(scaled.path("scale").path("workers").asInt()).isEqualTo(2);
			assertThat(scaled.path("scale").path("threads").asInt()).isEqualTo(2);
			assertThat(scaled.path("scale").path("source").asString()).isEqualTo("operator");
			assertThat(scaled.path("process").path("state").asString()).isEqualTo("running");
			client.awaitMore();
			assertThat(client.failures()).describedAs(client.lastError()).isZero();
		}
		// a new master with two workers, each with two threads
		ProcessHandle master = ProcessHandle.of(supervisor().status(GUESTBOOK).pid()).orElseThrow();
		assertThat(master.pid()).isNotEqualTo(before);
		List<ProcessHandle> workers = await().atMost(Duration.ofSeconds(30))
			.until(() -> master.children().toList(), (found) -> found.size() == 2);
		assertThat(workers).hasSize(2);
		assertThat(master.info().arguments().map(List::of).orElseThrow()).containsSubsequence("--threads", "2");
		assertThat(rpc("apps.get", Map.of("name", "guestbook")).path("scale").path("source").asString())
			.isEqualTo("operator");
		// checked before anything changes: the daemon runs on as it is
		JsonNode refused = rpcResponse("apps.scale", Map.of("name", "guestbook", "threads", 0));
		assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32002);
		assertThat(refused.path("error").path("data").path("errors").get(0).path("path").asString())
			.isEqualTo("threads");
		assertThat(supervisor().status(GUESTBOOK).pid()).isEqualTo(master.pid());

		JsonNode reset = rpc("apps.scale", Map.of("name", "guestbook", "reset", true));
		assertThat(reset.path("scale").path("workers").asInt()).isEqualTo(1);
		assertThat(reset.path("scale").path("threads").asInt()).isEqualTo(4);
		assertThat(reset.path("scale").path("source").asString()).isEqualTo("app");
		ProcessHandle again = ProcessHandle.of(supervisor().status(GUESTBOOK).pid()).orElseThrow();
		await().atMost(Duration.ofSeconds(30)).until(() -> again.children().count() == 1);
		assertThat(HttpProbe.get(protocol(), socket, "/health").status()).isEqualTo(200);
		awaitDaemonCgroupsOfLiveDaemonOnly(GUESTBOOK);
	}

	@Test
	@Order(12)
	void reloadsGracefullyInsideTheSandboxWithoutAFailedRequest() throws Exception {
		Path socket = this.home.resolve("apps/guestbook/run/app.sock");
		long master = supervisor().status(GUESTBOOK).pid();
		List<Long> workers = ProcessHandle.of(master).orElseThrow().children().map(ProcessHandle::pid).toList();
		assertThat(workers).isNotEmpty();
		boolean inPlace = bean(AppServers.class).find(server()).orElseThrow().reloadsInPlace();
		try (Client client = new Client(protocol(), socket)) {
			supervisor().reload(GUESTBOOK);
			if (inPlace) {
				// HUP reaches the master inside its PID namespace: it replaces every
				// worker
				await().atMost(Duration.ofSeconds(60))
					.untilAsserted(
							() -> assertThat(ProcessHandle.of(master).orElseThrow().children().map(ProcessHandle::pid))
								.isNotEmpty()
								.doesNotContainAnyElementsOf(workers));
			}
			client.awaitMore();
			assertThat(client.failures()).describedAs(client.lastError()).isZero();
		}
		// uWSGI's HUP can drop a just-accepted request: it is restarted beside instead
		long now = supervisor().status(GUESTBOOK).pid();
		if (inPlace) {
			assertThat(now).isEqualTo(master);
		}
		else {
			assertThat(now).isNotEqualTo(master);
			assertThat(ProcessHandle.of(master).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		}
		assertSandboxed(now);
	}

	@Test
	@Order(14)
	void aFailingHealthCheckLeavesTheOldReleaseLive() throws Exception {
		String live = registry().get(DEPSAPP).currentRelease();
		Path broken = TestArchives.depsApp(this.fixtures, "1.1.0", 500, this.six);

		assertThatThrownBy(() -> deployer().install(InstallRequest.archive(broken, "broken.pyapp")))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED);
				assertThat(ex.getMessage()).contains("health").contains("500");
			});
		assertThat(registry().get(DEPSAPP).currentRelease()).isEqualTo(live);
		assertThat(HttpProbe.get(protocol(), supervisor().status(DEPSAPP).port(), "/version").body())
			.isEqualTo("1.0.0");
		// the candidate's cgroup went with it
		awaitDaemonCgroupsOfLiveDaemonOnly(DEPSAPP);
	}

	@Test
	@Order(15)
	void aRestartedServerAdoptsTheRunningDaemons() throws Exception {
		long guestbookPid = supervisor().status(GUESTBOOK).pid();
		long depsPid = supervisor().status(DEPSAPP).pid();
		this.context.close();
		this.context = startContext();

		// running from the first answer of the restarted server, not once a background
		// thread reaches the app (SPEC §4): adopted before the web server starts
		JsonNode process = rpc("apps.get", Map.of("name", "guestbook")).path("process");
		assertThat(process.path("state").asString()).isEqualTo("running");
		assertThat(process.path("pid").asLong()).isEqualTo(guestbookPid);
		assertThat(supervisor().status(GUESTBOOK).state()).isEqualTo(ProcessState.RUNNING);
		assertThat(supervisor().status(DEPSAPP).state()).isEqualTo(ProcessState.RUNNING);
		assertThat(supervisor().status(GUESTBOOK).pid()).isEqualTo(guestbookPid);
		assertThat(supervisor().status(DEPSAPP).pid()).isEqualTo(depsPid);
		assertThat(HttpProbe.get(protocol(), this.home.resolve("apps/guestbook/run/app.sock"), "/health").status())
			.isEqualTo(200);
		assertSandboxed(guestbookPid);

		// still supervised: a crash after the adoption is restarted too
		ProcessHandle.of(depsPid).orElseThrow().destroyForcibly();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(supervisor().status(DEPSAPP).pid()).isNotNull().isNotEqualTo(depsPid));
	}

	@Test
	@Order(13)
	void marksAnAppFailedAfterFiveCrashesAndStartsItAgainOnRequest() throws Exception {
		// a start forgets earlier crashes
		supervisor().restart(DEPSAPP);
		for (int crash = 1; crash <= 5; crash++) {
			long pid = supervisor().status(DEPSAPP).pid();
			ProcessHandle.of(pid).orElseThrow().destroyForcibly();
			if (crash < 5) {
				await().atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(200))
					.untilAsserted(() -> assertThat(supervisor().status(DEPSAPP))
						.satisfies((status) -> assertThat(status.state()).isEqualTo(ProcessState.RUNNING))
						.satisfies((status) -> assertThat(status.pid()).isNotEqualTo(pid)));
			}
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(supervisor().status(DEPSAPP).state()).isEqualTo(ProcessState.FAILED));
		assertThat(supervisor().status(DEPSAPP).reason()).contains("crashed 5 times");

		AppStatus started = supervisor().start(DEPSAPP);
		assertThat(started.state()).isEqualTo(ProcessState.RUNNING);
		assertThat(HttpProbe.get(protocol(), started.port(), "/version").body()).isEqualTo("1.0.0");
		// none left by the crashed ones
		awaitDaemonCgroupsOfLiveDaemonOnly(DEPSAPP);
	}

	@Test
	@Order(16)
	void stopsMasterAndWorkersWithTermThenKillWhenARequestOutlastsTheStopTimeout() throws Exception {
		// the adoption test may have just restarted the app: wait until it runs and its
		// master has forked its workers
		AppStatus running = await().atMost(Duration.ofSeconds(60))
			.until(() -> supervisor().status(DEPSAPP), (status) -> status.state() == ProcessState.RUNNING);
		ProcessHandle master = ProcessHandle.of(running.pid()).orElseThrow();
		List<ProcessHandle> workers = await().atMost(Duration.ofSeconds(20))
			.until(() -> master.descendants().toList(), (found) -> !found.isEmpty());
		Path data = this.home.resolve("apps/depsapp/data");
		Thread request = new Thread(() -> {
			try {
				HttpProbe.get(protocol(), running.port(), "/sleep");
			}
			catch (IOException | RuntimeException ex) {
				// the worker is killed in the middle of it
			}
		}, "sleeping-request");
		request.start();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			try (Stream<Path> files = Files.list(data)) {
				assertThat(files.map((file) -> file.getFileName().toString()))
					.anyMatch((n) -> n.startsWith("sleeping-"));
			}
		});

		long started = System.nanoTime();
		AppStatus stopped = supervisor().stop(DEPSAPP);
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(stopped.state()).isEqualTo(ProcessState.STOPPED);
		// TERM first: the request in progress had the stop timeout to finish
		assertThat(took).isGreaterThanOrEqualTo(STOP_TIMEOUT.minusMillis(500));
		assertThat(master.isAlive()).isFalse();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(workers).noneMatch(ProcessHandle::isAlive));
		request.join(10_000);
		awaitDaemonCgroups(DEPSAPP, null);
		assertThat(supervisor().start(DEPSAPP).state()).isEqualTo(ProcessState.RUNNING);
	}

	@Test
	@Order(17)
	void stopsAndRemovesAnAppAfterItsPreDeleteHook() throws Exception {
		AppStatus stopped = supervisor().stop(GUESTBOOK);
		assertThat(stopped.state()).isEqualTo(ProcessState.STOPPED);
		assertThat(this.home.resolve("apps/guestbook/run/app.pid")).doesNotExist();
		assertThat(supervisor().start(GUESTBOOK).state()).isEqualTo(ProcessState.RUNNING);
		long pid = supervisor().status(GUESTBOOK).pid();

		deployer().remove(GUESTBOOK, true);

		assertThat(hooksLog()).last().asString().startsWith("pre-delete 1.0.0");
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(registry().find(GUESTBOOK)).isEmpty();
	}

	@Test
	@Order(18)
	void anInterruptedFirstInstallStaysFailedUntilItIsRemovedOrInstalledAgain() throws Exception {
		AppId app = AppId.of("confapp");
		String release = interruptFirstInstall(app);
		this.context.close();
		this.context = startContext();

		JsonNode got = rpc("apps.get", Map.of("name", "confapp"));
		assertThat(got.get("state").asString()).isEqualTo("failed");
		assertThat(got.get("release").isNull()).isTrue();
		assertThat(got.get("process").get("pid").isNull()).isTrue();
		assertThat(got.get("releases")).singleElement().satisfies((r) -> {
			assertThat(r.get("id").asString()).isEqualTo(release);
			assertThat(r.get("state").asString()).isEqualTo("failed");
			assertThat(r.get("message").asString()).startsWith("interrupted: ");
		});
		assertThat(got.get("last_deploy").get("message").asString()).startsWith("interrupted: ");
		assertThat(got.get("health").get("message").asString()).contains("first install was interrupted");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					rpc("apps.get", Map.of("name", "confapp")).get("last_error").get("message").asString())
				.contains("interrupted"));
		assertThat(rpc("apps.list", Map.of())).anySatisfy((listed) -> {
			assertThat(listed.get("name").asString()).isEqualTo("confapp");
			assertThat(listed.get("state").asString()).isEqualTo("failed");
		});
		// the half-done release is gone; the record of it stays
		assertThat(this.home.resolve("apps/confapp/releases/" + release)).doesNotExist();
		JsonNode start = rpcResponse("apps.start", Map.of("name", "confapp")).get("error");
		assertThat(start.get("code").asInt()).isEqualTo(-32003);
		assertThat(start.get("message").asString()).contains("no release to start; install it again");
		String user = got.get("isolation").get("user").asString();
		boolean ownUser = got.get("isolation").get("own_user").asBoolean();

		// removed as any app: its files, its records and its user go
		rpc("apps.remove", Map.of("name", "confapp"));
		assertThat(rpcResponse("apps.get", Map.of("name", "confapp")).get("error").get("code").asInt())
			.isEqualTo(-32001);
		assertThat(this.home.resolve("apps/confapp")).doesNotExist();
		if (ownUser) {
			assertThat(new ProcessBuilder("getent", "passwd", user).start().waitFor()).isNotZero();
		}

		// installed again over it: a first install, not a conflict
		interruptFirstInstall(app);
		this.context.close();
		this.context = startContext();
		assertThat(rpc("apps.get", Map.of("name", "confapp")).get("state").asString()).isEqualTo("failed");
		Release again = deployer()
			.install(InstallRequest.archive(TestArchives.confApp(this.fixtures), "confapp.pyapp"));
		JsonNode installed = rpc("apps.get", Map.of("name", "confapp"));
		assertThat(installed.get("state").asString()).isEqualTo("needs-configuration");
		assertThat(installed.get("release").asString()).isEqualTo(again.releaseId());
		bean(AppConfigurator.class).set(app, Map.of("site", Map.of("title", "Again")));
		assertThat(supervisor().status(app).state()).isEqualTo(ProcessState.RUNNING);
		deployer().remove(app, false);
		assertThat(this.home.resolve("apps/confapp")).doesNotExist();
	}

	/**
	 * What a kill -9 of the server in the post-install hook of a first install leaves:
	 * the app and its release stored, the release prepared with its venv, the lifecycle
	 * installing, the app's user made.
	 */
	private String interruptFirstInstall(AppId app) throws Exception {
		PreparedRelease prepared = bean(dev.pyapp.server.install.AppInstaller.class)
			.prepare(InstallRequest.archive(TestArchives.confApp(this.fixtures), "confapp.pyapp"));
		prepared.progress().close();
		String release = prepared.release().releaseId();
		bean(dev.pyapp.server.install.AppLifecycles.class).apply(app, (lifecycle) -> lifecycle.installing(release));
		bean(AppIsolation.class).prepare(app);
		Files.createDirectories(prepared.directory().resolve("venv/bin"));
		return release;
	}

	/**
	 * The daemon cgroups ({@code r-*}) below an app's cgroup are the live daemon's alone:
	 * a daemon that was replaced, rolled back, crashed, failed its health check or was
	 * stopped leaves none (its end is asynchronous after a switch: the drain delay).
	 */
	@Test
	@Order(19)
	void anUpgradeWithTheSameDependenciesStartsFromTheLiveEnvironment() throws Exception {
		AppId app = AppId.of("cliapp");
		Path releases = this.home.resolve("apps/cliapp/releases");
		Release first = deployer().install(InstallRequest.archive(TestArchives.cliApp(this.fixtures, "1.0.0"), "c"));
		Path old = releases.resolve(first.releaseId());

		Release second = deployer().install(InstallRequest.archive(TestArchives.cliApp(this.fixtures, "1.0.1"), "c"));

		Path next = releases.resolve(second.releaseId());
		assertThat(Files.readString(next.resolve("build.log")))
			.contains("reusing the environment of release " + first.releaseId() + ": dependencies unchanged")
			.doesNotContain("Processing " + next.resolve("deps"));
		Integer port = supervisor().status(app).port();
		assertThat(HttpProbe.get(protocol(), port, "/").body()).isEqualTo("1.0.1");
		// the console script of the copy runs in the new environment, in the sandbox that
		// shows the new release only
		assertThat(HttpProbe.get(protocol(), port, "/cli").body()).isEqualTo(next.resolve("venv").toString());
		assertThat(Files.readAllLines(next.resolve("venv/bin/hello-cli")).get(0))
			.startsWith("#!" + next.resolve("venv/bin/python"));
		assertThat(Files.readString(next.resolve("venv/pyvenv.cfg"))).doesNotContain(old.toString());
		// the old release is as it was, and runs again after a rollback
		assertThat(Files.readAllLines(old.resolve("venv/bin/hello-cli")).get(0))
			.startsWith("#!" + old.resolve("venv/bin/python"));
		assertThat(deployer().rollback(app, null).live().releaseId()).isEqualTo(first.releaseId());
		port = supervisor().status(app).port();
		assertThat(HttpProbe.get(protocol(), port, "/").body()).isEqualTo("1.0.0");
		assertThat(HttpProbe.get(protocol(), port, "/cli").body()).isEqualTo(old.resolve("venv").toString());
		deployer().remove(app, false);
	}

	private void awaitDaemonCgroupsOfLiveDaemonOnly(AppId app) {
		AppStatus status = supervisor().status(app);
		assertThat(status.state()).isEqualTo(ProcessState.RUNNING);
		awaitDaemonCgroups(app, status.pid());
	}

	/**
	 * Waits until the app has exactly one daemon cgroup, the one {@code pid} runs in, or
	 * none for a {@code null} pid. Nothing to check on a host without cgroups.
	 */
	private void awaitDaemonCgroups(AppId app, Long pid) {
		Path cgroup = appCgroup(app);
		if (cgroup == null) {
			return;
		}
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			List<Path> daemons;
			try (Stream<Path> children = Files.list(cgroup)) {
				daemons = children.filter(Files::isDirectory)
					.filter((child) -> child.getFileName().toString().startsWith("r-"))
					.toList();
			}
			if (pid == null) {
				assertThat(daemons).isEmpty();
			}
			else {
				assertThat(daemons).hasSize(1);
				assertThat(Files.readAllLines(daemons.get(0).resolve("cgroup.procs"))).contains(pid.toString());
			}
		});
	}

	/**
	 * The app's cgroup in the {@code pids} hierarchy (cgroup v1) or the unified one, or
	 * {@code null} when the host gives none.
	 */
	private Path appCgroup(AppId app) {
		String name = bean(AppIsolation.class).cgroup(app);
		if (name == null) {
			return null;
		}
		Path v1 = Path.of("/sys/fs/cgroup/pids/pyapp");
		return (Files.isDirectory(v1) ? v1 : Path.of("/sys/fs/cgroup/pyapp")).resolve(name);
	}

	/**
	 * The daemon whose master is {@code pid} runs as the app's own user in its own PID
	 * namespace (bubblewrap) when the host gives both: always on CI, which is root with
	 * bubblewrap installed.
	 */
	private void assertSandboxed(long pid) throws IOException {
		IsolationStatus isolation = bean(AppIsolation.class).status(GUESTBOOK, null);
		boolean root = "root".equals(System.getProperty("user.name"));
		if (root) {
			assertThat(isolation.ownUser()).isTrue();
			assertThat(isolation.sandbox()).describedAs(String.valueOf(isolation.sandboxReason()))
				.isEqualTo("bubblewrap");
		}
		assertThat(Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid")).isEqualTo(isolation.uid());
		if ("bubblewrap".equals(isolation.sandbox())) {
			assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns/pid")))
				.isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")));
		}
	}

	private ConfigurableApplicationContext startContext() {
		// arguments, not default properties: they must win over application.yml
		return new SpringApplicationBuilder(PyappServerApplication.class).run("--pyapp.home=" + this.home,
				"--pyapp.storage.persistent=true", "--server.port=0", "--pyapp.python.index=" + TestArchives.INDEX,
				"--pyapp.hooks.cron-seconds=*/5", "--pyapp.runtime.restart-backoff=50ms",
				"--pyapp.runtime.drain-delay=500ms", "--pyapp.python.provision=true",
				"--pyapp.runtime.stop-timeout=" + STOP_TIMEOUT.toSeconds() + "s", "--pyapp.runtime.server=" + server());
	}

	/** Calls the JSON-RPC API as the CLI does, with the local API token. */
	private JsonNode rpc(String method, Map<String, ?> params) throws Exception {
		JsonNode response = rpcResponse(method, params);
		assertThat(response.has("error")).as("%s failed: %s", method, response).isFalse();
		return response.get("result");
	}

	/** The whole JSON-RPC response, its error included. */
	private JsonNode rpcResponse(String method, Map<String, ?> params) throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rpc"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + Files.readString(this.home.resolve("api-token")).trim())
			.POST(HttpRequest.BodyPublishers.ofString(
					json.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params))))
			.build();
		return json.readTree(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body());
	}

	private String workerPid(Path socket) throws IOException {
		return JsonMapper.builder()
			.build()
			.readTree(HttpProbe.get(protocol(), socket, "/env").body())
			.get("pid")
			.asString();
	}

	private Path guestbookArchive(String version) throws Exception {
		return TestArchives.guestbook(this.fixtures, version);
	}

	private List<String> hooksLog() throws IOException {
		Path log = this.home.resolve("apps/guestbook/data/hooks.log");
		return Files.readAllLines(log).stream().map((line) -> line.substring(0, line.lastIndexOf(' '))).toList();
	}

	private AppDeployer deployer() {
		return bean(AppDeployer.class);
	}

	private AppSupervisor supervisor() {
		return bean(AppSupervisor.class);
	}

	private AppRegistry registry() {
		return bean(AppRegistry.class);
	}

	private <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/** Requests {@code /health} through a socket without pause, counting failures. */
	private static final class Client implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger requests = new AtomicInteger();

		private final AtomicInteger failures = new AtomicInteger();

		private volatile String lastError = "";

		private final Thread thread;

		Client(WireProtocol protocol, Path socket) {
			this.thread = new Thread(() -> {
				while (this.running.get()) {
					try {
						HttpProbe.Response response = HttpProbe.get(protocol, socket, "/health");
						if (response.status() != 200) {
							this.failures.incrementAndGet();
							this.lastError = "status " + response.status();
						}
					}
					catch (IOException | RuntimeException ex) {
						this.failures.incrementAndGet();
						this.lastError = ex.toString();
					}
					this.requests.incrementAndGet();
				}
			}, "test-client");
			this.thread.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> this.requests.get() > 5);
		}

		void awaitMore() {
			int now = this.requests.get();
			await().atMost(Duration.ofSeconds(30)).until(() -> this.requests.get() > now + 20);
		}

		int failures() {
			return this.failures.get();
		}

		String lastError() {
			return this.lastError;
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(5000);
		}

	}

}
