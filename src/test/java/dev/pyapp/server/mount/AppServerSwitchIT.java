package dev.pyapp.server.mount;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.logs.LogQuery;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.LogViewer;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server with its real runtime and a managed nginx: an upgrade from a gunicorn
 * release to a uWSGI one (and the rollback) changes the protocol nginx speaks without a
 * failed request, and {@code pyapp.runtime.server: auto} runs uWSGI where its plugin
 * matches the release's interpreter and says why not where it does not.
 */
@Tag("process")
@Tag("webserver")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppServerSwitchIT {

	private static final String INDEX = "file:///opt/pypi/simple";

	private static final AppId APP = AppId.of("switch");

	private Path home;

	private Path fixtures;

	private ConfigurableApplicationContext context;

	private int port;

	@BeforeAll
	void start() throws Exception {
		this.home = dev.pyapp.server.venv.ServerPackagesTemplate
			.copyInto(Files.createTempDirectory(Path.of("/tmp"), "pa"));
		Files.setPosixFilePermissions(this.home, PosixFilePermissions.fromString("rwxr-xr-x"));
		this.fixtures = Files.createTempDirectory("pyapp-switch");
		this.context = new SpringApplicationBuilder(PyappServerApplication.class).run("--pyapp.home=" + this.home,
				"--pyapp.storage.persistent=false", "--server.port=0", "--pyapp.python.index=" + INDEX,
				"--pyapp.runtime.drain-delay=500ms", "--pyapp.python.provision=true", "--pyapp.runtime.server=auto",
				"--pyapp.webserver.kind=nginx",
				// every interpreter on PATH, as by default (the test JVMs' environment
				// names Debian's only, pom.xml): the auto choice meets pyenv's too
				"--pyapp.python.interpreters=");
		this.context.getBean(dev.pyapp.server.venv.VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(3));
		this.port = AbstractWebServerIT.freePort();
	}

	@AfterAll
	void stop() throws IOException {
		if (this.context != null) {
			// the apps first: a removal applies the web server's configuration again,
			// which would start a stopped managed instance
			for (String app : List.of("switch", "auto311", "autonew")) {
				try {
					this.context.getBean(AppDeployer.class).remove(AppId.of(app), false);
				}
				catch (RuntimeException ex) {
					// not installed
				}
			}
			this.context.getBean(MountManager.class).stop();
			this.context.close();
		}
		// what a removal did not get to, had a test failed half-way: users and cgroups
		dev.pyapp.server.isolation.TestAccounts.deleteUnder(this.home);
		AtomicFiles.deleteTree(this.home);
		AtomicFiles.deleteTree(this.fixtures);
	}

	@Test
	@Order(1)
	void upgradesFromGunicornToUwsgiAndRollsBackWithoutAFailedRequest() throws Exception {
		deployer().install(InstallRequest.archive(archive("switch", "1.0.0", "gunicorn", null), "v1.pyapp"));
		assertThat(supervisor().status(APP).server()).isEqualTo("gunicorn");
		MountManager mounts = this.context.getBean(MountManager.class);
		mounts.addServer(new VirtualServer("main", List.of("switch.test"), "127.0.0.1:" + this.port, null, true));
		mounts.addMount(Mount.app("main", "/sw", "switch"));
		mounts.apply();
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> version().equals("1.0.0"));

		HttpLoad load = new HttpLoad(HttpLoad.tcp(this.port), "switch.test", "/sw/version", 4);
		// the static locations name the live release: each switch reloads nginx
		HttpLoad statics = new HttpLoad(HttpLoad.tcp(this.port), "switch.test", "/sw/static/version.txt", 2);
		load.start();
		statics.start();
		try {
			awaitProgress(load);
			awaitProgress(statics);
			deployer().install(InstallRequest.archive(archive("switch", "2.0.0", "uwsgi", null), "v2.pyapp"));
			AppStatus upgraded = supervisor().status(APP);
			assertThat(upgraded.server()).isEqualTo("uwsgi");
			assertThat(version()).isEqualTo("2.0.0");
			assertThat(mounts.render(null)).contains("uwsgi_pass pyapp_switch;").doesNotContain("r-");
			await().atMost(Duration.ofSeconds(20)).until(() -> get("/sw/static/version.txt").equals("2.0.0"));
			awaitProgress(load);
			awaitProgress(statics);

			deployer().rollback(APP, null);
			assertThat(supervisor().status(APP).server()).isEqualTo("gunicorn");
			assertThat(version()).isEqualTo("1.0.0");
			assertThat(mounts.render(null)).contains("proxy_pass http://pyapp_switch;");
			await().atMost(Duration.ofSeconds(20)).until(() -> get("/sw/static/version.txt").equals("1.0.0"));
			awaitProgress(load);
			awaitProgress(statics);
		}
		finally {
			load.stop();
			statics.stop();
		}
		System.out.printf("gunicorn -> uWSGI -> gunicorn through nginx: %d requests, %d failed; static file: %d, %d"
				+ " failed%n", load.ok.get(), load.failed.get(), statics.ok.get(), statics.failed.get());
		assertThat(load.errors).isEmpty();
		assertThat(load.failed.get()).isZero();
		assertThat(statics.errors).isEmpty();
		assertThat(statics.failed.get()).isZero();
	}

	@Test
	@Order(2)
	void autoRunsUwsgiWhereItsPluginRunsTheReleasesInterpreterAndSaysWhyNotElsewhere() throws Exception {
		AppId matching = AppId.of("auto311");
		AppId newer = AppId.of("autonew");
		// Debian's /usr/bin/python3.11 is what uwsgi-plugin-python3 embeds
		deployer().install(InstallRequest.archive(archive("auto311", "1.0.0", null, "==3.11.2"), "a.pyapp"));
		assertThat(supervisor().status(matching).server()).isEqualTo("uwsgi");

		// any other interpreter of the host (pyenv's here), even another 3.11 build
		Assumptions.assumeTrue(this.context.getBean(dev.pyapp.server.venv.VenvBuilder.class)
			.interpreters()
			.stream()
			.anyMatch((python) -> !python.version().equals("3.11.2")), "the host has no other interpreter");
		deployer().install(InstallRequest.archive(archive("autonew", "1.0.0", null, "!=3.11.2"), "b.pyapp"));
		assertThat(supervisor().status(newer).server()).isEqualTo("gunicorn");
		LogViewer logs = this.context.getBean(LogViewer.class);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<LogRecord> records = logs
				.query(new LogQuery("autonew", null, null, null, "pyapp.deploy", "app server", null, 10, null))
				.records();
			assertThat(records).anySatisfy((record) -> assertThat(record.message())
				.contains("app server: gunicorn (auto: uWSGI's python3 plugin embeds Python 3.11.2")
				.contains("not the environment's Python 3.1"));
		});
	}

	private void awaitProgress(HttpLoad load) {
		long seen = load.ok.get();
		await().atMost(Duration.ofSeconds(20)).until(() -> load.ok.get() > seen + 100);
	}

	private String version() throws IOException {
		return get("/sw/version");
	}

	private String get(String path) throws IOException {
		try (HttpLoad.Connection connection = new HttpLoad.Connection(HttpLoad.tcp(this.port))) {
			return connection.send("GET " + path + " HTTP/1.1\r\nHost: switch.test\r\nConnection: close\r\n\r\n")
				.body();
		}
	}

	private Path archive(String name, String version, String server, String python) throws IOException {
		Map<String, byte[]> entries = new TreeMap<>();
		StringBuilder metadata = new StringBuilder(
				"format: 1\nname: " + name + "\nversion: " + version + "\nentry:\n  wsgi: app:application\n");
		if (python != null) {
			metadata.append("python: \"").append(python).append("\"\n");
		}
		if (server != null) {
			metadata.append("daemon:\n  server: ").append(server).append('\n');
		}
		metadata.append("health:\n  path: /version\n");
		metadata.append("static:\n  - url: /static\n    path: static\n");
		entries.put("metadata.yaml", metadata.toString().getBytes());
		entries.put("static/version.txt", version.getBytes());
		entries.put("src/app.py",
				String
					.join("\n", "import os", "", "VERSION = os.environ['PYAPP_VERSION'].encode()", "", "",
							"def application(environ, start_response):",
							"    # the mount path comes as SCRIPT_NAME, from nginx and from the health check",
							"    if environ.get('PATH_INFO') != '/version':",
							"        start_response('404 Not Found', [('Content-Type', 'text/plain')])",
							"        return [environ.get('PATH_INFO', '').encode()]",
							"    start_response('200 OK', [('Content-Type', 'text/plain'), "
									+ "('Content-Length', str(len(VERSION)))])",
							"    return [VERSION]", "")
					.getBytes());
		Path archive = this.fixtures.resolve(name + "-" + version + ".pyapp");
		try (OutputStream file = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(file)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(entry.getKey()));
				zip.write(entry.getValue());
				zip.closeEntry();
			}
		}
		return archive;
	}

	private AppDeployer deployer() {
		return this.context.getBean(AppDeployer.class);
	}

	private AppSupervisor supervisor() {
		return this.context.getBean(AppSupervisor.class);
	}

}
