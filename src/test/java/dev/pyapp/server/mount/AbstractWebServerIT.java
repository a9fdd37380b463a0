package dev.pyapp.server.mount;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.internal.ConfigRenderer;
import dev.pyapp.server.mount.internal.MountStateRepository;
import dev.pyapp.server.mount.internal.MountTargets;
import dev.pyapp.server.mount.internal.WebServerProperties;
import dev.pyapp.server.nodes.NodeShell;
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

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The contract every web server kind meets for every app server, against the real web
 * server, managed by the server, and a real app server on unix sockets (app {@code echo},
 * whose stable socket {@code apps/echo/run/app.sock} is a symlink to a backend's socket,
 * as the runtime makes it): gunicorn spoken to over HTTP, uWSGI over the uwsgi protocol.
 * One subclass per web server kind and app server.
 */
@Tag("webserver")
@SpringBootTest(properties = { "pyapp.storage.persistent=false", "server.port=0" })
@Import(EchoTargets.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractWebServerIT {

	private static final Map<String, Path> homes = new ConcurrentHashMap<>();

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	MountManager mounts;

	@Autowired
	PyappHome home;

	@Autowired
	MountStateRepository states;

	@Autowired
	MountTargets targets;

	@Autowired
	List<ConfigRenderer> renderers;

	@Autowired
	WebServerProperties properties;

	@Autowired
	NodeShell shell;

	@Autowired
	dev.pyapp.server.nodes.HostIsolation host;

	private Path backends;

	private EchoBackend a;

	private EchoBackend b;

	private int port;

	abstract WebServerKind kind();

	/** The app server behind the web server: {@code gunicorn} or {@code uwsgi}. */
	abstract String appServer();

	static void register(DynamicPropertyRegistry registry, WebServerKind kind, String appServer) {
		// deleted when the context cache closes the context (TestHomes); a context made
		// again for the same kind gets a new one
		Path home = homes.compute(kind.value() + "-" + appServer, (k, made) -> {
			if (made != null && Files.isDirectory(made)) {
				return made;
			}
			try {
				Path dir = TestHomes.create(Path.of("/tmp"), "pa");
				// a web server started as root serves from an unprivileged user (Apache)
				Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
				return dir;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.webserver.kind", kind::value);
		// short enough for a test to wait it out
		registry.add("pyapp.webserver.app-timeout", () -> "3s");
		registry.add("pyapp.test.echo-protocol", () -> appServer.equals("uwsgi") ? "uwsgi" : "http");
	}

	@BeforeAll
	void startBackendsAndApply() throws Exception {
		this.backends = Files.createDirectories(this.home.root().resolve("b"));
		Path statics = Files.createDirectories(this.home.app(AppId.of("echo")).root().resolve("current/static/css"));
		Files.writeString(statics.resolve("site.css"), "body { color: teal }\n");
		Files.writeString(statics.resolve("site.css.map"), "{}\n");
		Files.writeString(statics.getParent().resolve("staticfiles.json"), "{\"paths\": {}}\n");
		Files.createDirectories(this.home.app(AppId.of("echo")).run());
		this.a = EchoBackend.start(appServer(), this.backends.resolve("a.sock"), "a", requestLog(), "application");
		AtomicFiles.switchLink(this.home.app(AppId.of("echo")).socket(), this.a.socket());
		this.port = freePort();
		this.mounts.addServer(new VirtualServer("one", List.of("one.test"), "127.0.0.1:" + this.port, null, true));
		this.mounts.addServer(new VirtualServer("two", List.of("two.test"), "127.0.0.1:" + this.port, null, false));
		this.mounts.addMount(Mount.app("one", "/", "echo"));
		this.mounts.addMount(Mount.app("two", "/deep/prefix", "echo"));
		WebServerStatus status = this.mounts.apply();
		assertThat(status.kind()).isEqualTo(kind());
		assertThat(status.state()).isEqualTo(WebServerState.RUNNING);
	}

	@AfterAll
	void stopEverything() throws InterruptedException {
		this.mounts.stop();
		if (this.a != null) {
			this.a.stop();
		}
		if (this.b != null) {
			this.b.stop();
		}
	}

	@Test
	@Order(1)
	void passesTheMountPrefixAsScriptNameByHostName() throws Exception {
		JsonNode root = echo("one.test", "/x/y?q=1", "SCRIPT_NAME: /evil\r\n");
		assertThat(root.get("script_name").stringValue()).isEmpty();
		assertThat(root.get("path_info").stringValue()).isEqualTo("/x/y");
		assertThat(root.get("url").stringValue()).isEqualTo("http://one.test:" + this.port + "/x/y?q=1");
		JsonNode deep = echo("two.test", "/deep/prefix/x/y", "SCRIPT_NAME: /evil\r\n");
		assertThat(deep.get("script_name").stringValue()).isEqualTo("/deep/prefix");
		assertThat(deep.get("path_info").stringValue()).isEqualTo("/x/y");
		assertThat(deep.get("host").stringValue()).isEqualTo("two.test:" + this.port);
		assertThat(clientAddress(deep)).isEqualTo("127.0.0.1");
		assertThat(deep.get("x_forwarded_proto").stringValue()).isEqualTo("http");
		assertForwardedHost(deep, "two.test");
		assertThat(deep.get("scheme").stringValue()).isEqualTo("http");
		// what a client claims is never taken for the web server's word
		JsonNode spoofed = echo("two.test", "/deep/prefix/x",
				"X-Forwarded-Host: evil.test\r\nX-Forwarded-Proto: https\r\n");
		assertThat(spoofed.get("x_forwarded_proto").stringValue()).isEqualTo("http");
		assertForwardedHost(spoofed, "two.test");
		assertThat(deep.get("app_url").stringValue()).isEqualTo("http://two.test:" + this.port + "/deep/prefix");
		assertThat(echo("two.test", "/deep/prefix", "").get("path_info").stringValue()).isEmpty();
		// an encoded slash reaches the app decoded, as nginx passes it (httpd: 404 by
		// default)
		assertThat(echo("two.test", "/deep/prefix/a%2Fb", "").get("path_info").stringValue()).isEqualTo("/a/b");
		// an unknown host name goes to the default server
		assertThat(echo("other.test", "/x", "").get("script_name").stringValue()).isEmpty();
		// the prefix is not matched as a string prefix: a path no mount serves is 404 on
		// every web server (Apache and lighttpd said 403: the empty document root was
		// closed to their workers)
		assertThat(get("two.test", "/deep/prefixfoo", "").status()).isEqualTo(404);
		// a body over the bound (100 MiB) is refused by the web server itself, the same
		// bound on each (Apache and lighttpd had none); its start is sent, as a client
		// does (httpd's mod_proxy_http ignores LimitRequestBody: a rewrite rule refuses
		// the declared length there)
		try (HttpLoad.Connection connection = new HttpLoad.Connection(HttpLoad.tcp(this.port))) {
			assertThat(connection
				.send("POST /deep/prefix/upload HTTP/1.1\r\nHost: two.test:" + this.port + "\r\nContent-Length: "
						+ (100L * 1024 * 1024 + 1) + "\r\nConnection: close\r\n\r\n" + "x".repeat(64 * 1024))
				.status()).isEqualTo(413);
		}
	}

	/**
	 * The status of a response the web server gave up waiting for.
	 * @return 504 but for Apache httpd, whose proxy modules give their own
	 */
	int timedOutStatus() {
		return 504;
	}

	/**
	 * An app that sends nothing for {@code pyapp.webserver.app-timeout} is given up at
	 * that bound by every web server, 504 but from Apache (before, lighttpd waited as
	 * long as the app took); a quicker one is served.
	 */
	@Test
	@Order(2)
	void givesUpOnAnAppSlowerThanTheTimeout() throws Exception {
		assertThat(get("two.test", "/deep/prefix/slow?seconds=0.1", "").status()).isEqualTo(200);
		long started = System.nanoTime();
		assertThat(get("two.test", "/deep/prefix/slow?seconds=6", "").status()).isEqualTo(timedOutStatus());
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
	}

	/**
	 * An app that builds absolute URLs from X-Forwarded-Host (Bottle does) keeps the port
	 * the client used; a client's own forwarding header never reaches it.
	 */
	@Test
	@Order(3)
	void forwardsTheHostWithItsPort() throws Exception {
		for (String[] request : new String[][] { { "two.test", "/deep/prefix/x" }, { "one.test", "/x" } }) {
			JsonNode echo = echo(request[0], request[1], "X-Forwarded-Host: evil.test\r\nX-Forwarded-Port: 1\r\n");
			if (kind() == WebServerKind.LIGHTTPD && appServer().equals("uwsgi")) {
				// lighttpd's uwsgi path cannot set them (README, deviations): a
				// client's own never reach the app, and HTTP_HOST has the port
				assertThat(echo.get("x_forwarded_host").isNull()).as(request[0]).isTrue();
				assertThat(echo.get("x_forwarded_port").stringValue()).as(request[0])
					.isEqualTo(String.valueOf(this.port));
				continue;
			}
			assertThat(echo.get("x_forwarded_host").stringValue()).as(request[0])
				.isEqualTo(request[0] + ":" + this.port);
			assertThat(echo.get("x_forwarded_port").stringValue()).as(request[0]).isEqualTo(String.valueOf(this.port));
		}
	}

	@Test
	@Order(2)
	void keepsRedirectsBelowThePrefix() throws Exception {
		HttpLoad.Response response = get("two.test", "/deep/prefix/redirect", "");
		assertThat(response.status()).isEqualTo(302);
		assertThat(response.headers().get("location"))
			.isEqualTo("http://two.test:" + this.port + "/deep/prefix/target");
	}

	@Test
	@Order(4)
	void servesStaticFilesItself() throws Exception {
		Files.writeString(requestLog(), "");
		for (String[] request : new String[][] { { "two.test", "/deep/prefix/static/css/site.css" },
				{ "one.test", "/static/css/site.css" } }) {
			HttpLoad.Response response = get(request[0], request[1], "");
			assertThat(response.status()).as(request[1]).isEqualTo(200);
			assertThat(response.body()).isEqualTo("body { color: teal }\n");
			assertThat(response.headers().get("content-type")).startsWith("text/css");
			assertThat(response.headers().get("cache-control")).contains("max-age=3600");
			// GH-15: nginx sent two Cache-Control headers
			assertThat(response.lines().get("cache-control")).isEqualTo(1);
		}
		assertThat(get("one.test", "/static/css/missing.css", "").status()).isEqualTo(404);
		// GH-15: an entry's excluded files are not served (Django's manifest)
		for (String excluded : new String[] { "/static/staticfiles.json", "/static/css/site.css.map" }) {
			assertThat(get("one.test", excluded, "").status()).as(excluded).isIn(403, 404);
		}
		assertThat(get("two.test", "/deep/prefix/static/staticfiles.json", "").status()).isIn(403, 404);
		assertThat(echo("one.test", "/after", "").get("path_info").stringValue()).isEqualTo("/after");
		assertThat(Files.readAllLines(requestLog())).containsExactly("/after");
	}

	/**
	 * A symlink in an app's static directory (one its user put in a generated directory
	 * it owns, without a sandbox) to a file the web server's user may read elsewhere is
	 * not followed, nor one to a directory; the directory's own files still are served.
	 */
	@Test
	@Order(4)
	void servesNoSymlinkPlantedInAStaticDirectory() throws Exception {
		Path outside = Files.createDirectories(this.home.root().resolve("outside"));
		Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path secret = Files.writeString(outside.resolve("secret.css"), "another app's secret\n");
		Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
		Path statics = this.home.app(AppId.of("echo")).root().resolve("current/static");
		Path fileLink = Files.createSymbolicLink(statics.resolve("css/leak.css"), secret);
		Path dirLink = Files.createSymbolicLink(statics.resolve("elsewhere"), outside);
		try {
			for (String path : new String[] { "/static/css/leak.css", "/static/elsewhere/secret.css" }) {
				HttpLoad.Response response = get("one.test", path, "");
				assertThat(response.status()).as(path).isIn(403, 404);
				assertThat(response.body()).as(path).doesNotContain("secret");
			}
			assertThat(get("two.test", "/deep/prefix/static/css/leak.css", "").status()).isIn(403, 404);
			assertThat(get("one.test", "/static/css/site.css", "").status()).isEqualTo(200);
		}
		finally {
			Files.delete(fileLink);
			Files.delete(dirLink);
		}
	}

	@Test
	@Order(5)
	void refusesABrokenConfigurationAndKeepsServing() throws Exception {
		Path live = this.mounts.status().config();
		String before = Files.readString(live);
		Path tls = Files.createDirectories(this.home.root().resolve("tls"));
		Path cert = Files.writeString(tls.resolve("cert.pem"), "not yet\n");
		Path key = Files.writeString(tls.resolve("key.pem"), "not yet\n");
		this.mounts.addServer(new VirtualServer("secure", List.of("secure.test"), "127.0.0.1:" + freePort(),
				new VirtualServer.Tls(cert.toString(), key.toString()), false));
		// files that are there but no certificate and key: httpd's own test passes them,
		// and its reload ended the running server
		assertThatThrownBy(this.mounts::apply).isInstanceOfSatisfying(PyappException.class, (ex) -> {
			assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED);
			assertThat(ex.getLog()).contains("cert.pem");
		});
		assertThat(Files.readString(live)).isEqualTo(before);
		assertThat(echo("two.test", "/deep/prefix/still", "").get("path_info").stringValue()).isEqualTo("/still");
		Files.delete(cert);
		assertThatThrownBy(this.mounts::apply).isInstanceOfSatisfying(PyappException.class, (ex) -> {
			assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED);
			assertThat(ex.getLog()).contains("cert.pem");
		});
		assertThat(Files.readString(live)).isEqualTo(before);
		assertThat(echo("two.test", "/deep/prefix/still", "").get("path_info").stringValue()).isEqualTo("/still");
		this.mounts.removeServer("secure");
		assertThat(this.mounts.apply().state()).isEqualTo(WebServerState.RUNNING);
	}

	@Test
	@Order(6)
	void switchesBackendsWithoutAFailedRequest() throws Exception {
		HttpLoad load = new HttpLoad(HttpLoad.tcp(this.port), "two.test", "/deep/prefix/load", 4);
		load.start();
		try {
			awaitAllConnectionsOn(load, "a");
			this.b = EchoBackend.start(appServer(), this.backends.resolve("b.sock"), "b", requestLog(), "application");
			AtomicFiles.switchLink(this.home.app(AppId.of("echo")).socket(), this.b.socket());
			awaitDrained(load, "b");
			this.a.stop();
			awaitAllConnectionsOn(load, "b");
			this.a = EchoBackend.start(appServer(), this.backends.resolve("a.sock"), "a", requestLog(), "application");
			AtomicFiles.switchLink(this.home.app(AppId.of("echo")).socket(), this.a.socket());
			awaitDrained(load, "a");
			this.b.stop();
			awaitAllConnectionsOn(load, "a");
		}
		finally {
			load.stop();
		}
		System.out.printf("%s/%s: %d requests during two switches, %d failed, %d keep-alive resets retried%n",
				kind().value(), appServer(), load.ok.get(), load.failed.get(), load.resets.get());
		assertThat(load.errors).isEmpty();
		assertThat(load.failed.get()).isZero();
		assertThat(load.ok.get()).isGreaterThan(100);
	}

	@Test // GH-15: the first request after apply got the old configuration in 3 of 6
			// tries
	@Order(7)
	void applyReturnsOnlyOnceTheNewConfigurationAloneAnswers() throws Exception {
		for (int i = 1; i <= 6; i++) {
			this.mounts.addServer(
					new VirtualServer("gen" + i, List.of("gen" + i + ".test"), "127.0.0.1:" + this.port, null, false));
			this.mounts.addMount(Mount.app("gen" + i, "/gen" + i, "echo"));
			this.mounts.apply();
			// the previous configuration sends this host to the default server's
			// root mount
			for (int request = 0; request < 5; request++) {
				assertThat(echo("gen" + i + ".test", "/gen" + i + "/x", "").get("script_name").stringValue())
					.as("request %d after apply %d", request, i)
					.isEqualTo("/gen" + i);
			}
		}
		for (int i = 1; i <= 6; i++) {
			this.mounts.removeMount("gen" + i, "/gen" + i);
			this.mounts.removeServer("gen" + i);
		}
		assertThat(this.mounts.apply().state()).isEqualTo(WebServerState.RUNNING);
	}

	@Test // GH-15: apply reported success while another process answered
	@Order(8)
	void applyFailsWhenAnotherProcessHoldsAListenAddress() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			String listen = "127.0.0.1:" + taken.getLocalPort();
			this.mounts.addServer(new VirtualServer("taken", List.of("taken.test"), listen, null, false));
			assertThatThrownBy(this.mounts::apply).isInstanceOfSatisfying(PyappException.class, (ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED);
				assertThat(ex.getMessage()).contains(listen + " is held by pid " + ProcessHandle.current().pid());
			});
			this.mounts.removeServer("taken");
		}
		assertThat(this.mounts.apply().state()).isEqualTo(WebServerState.RUNNING);
		assertThat(echo("two.test", "/deep/prefix/after", "").get("path_info").stringValue()).isEqualTo("/after");
	}

	@Test // GH-15: after a restart of the server, its managed web server was not adopted
	@Order(9)
	void aRestartedServerAdoptsItsRunningWebServerAndReloadsIt() throws Exception {
		long pid = this.mounts.status().pid();
		MountManager restarted = restartedManager();
		try {
			restarted.started();
			assertThat(restarted.status().pid()).isEqualTo(pid);
			assertThat(restarted.status().state()).isEqualTo(WebServerState.RUNNING);
			restarted
				.addServer(new VirtualServer("later", List.of("later.test"), "127.0.0.1:" + this.port, null, false));
			restarted.addMount(Mount.app("later", "/later", "echo"));
			assertThat(restarted.apply().pid()).isEqualTo(pid);
			assertThat(echo("later.test", "/later/x", "").get("script_name").stringValue()).isEqualTo("/later");
		}
		finally {
			restarted.close();
		}
		// without its pid file it is found by the addresses it holds
		Files.delete(this.home.webserver().resolve("run").resolve(kind().value() + ".pid"));
		MountManager again = restartedManager();
		try {
			again.started();
			assertThat(again.status().pid()).isEqualTo(pid);
			again.removeMount("later", "/later");
			again.removeServer("later");
			assertThat(again.apply().pid()).isEqualTo(pid);
		}
		finally {
			again.close();
		}
	}

	@Test // a new user's trial: an nginx brought back by pyapp.webserver.kind served the
			// mounts it served when it last ran, removed since under another kind
	@Order(12)
	void aRestartedServerStartsItsWebServerWithTheAppliedStateNotAnOlderFile() throws Exception {
		this.mounts
			.addServer(new VirtualServer("former", List.of("former.test"), "127.0.0.1:" + this.port, null, false));
		this.mounts.addMount(Mount.app("former", "/former", "echo"));
		this.mounts.apply();
		assertThat(echo("former.test", "/former/x", "").get("script_name").stringValue()).isEqualTo("/former");
		Path live = this.home.webserver().resolve(kind().value() + ".conf");
		String older = Files.readString(live);
		this.mounts.removeMount("former", "/former");
		this.mounts.removeServer("former");
		this.mounts.apply();
		String applied = Files.readString(live);
		// another kind ran meanwhile: this one was stopped with the file it had then
		this.mounts.stop();
		Files.writeString(live, older);
		MountManager restarted = restartedManager();
		try {
			restarted.started();
			assertThat(restarted.status().state()).isEqualTo(WebServerState.RUNNING);
			assertThat(Files.readString(live)).isEqualTo(applied);
			// the fallback server answers it now, at its root, not the removed mount
			assertThat(echo("former.test", "/former/x", "").get("script_name").stringValue()).isEmpty();
			assertThat(echo("two.test", "/deep/prefix/x", "").get("path_info").stringValue()).isEqualTo("/x");
		}
		finally {
			restarted.close();
			// this manager takes its instance over again (by its addresses), to stop it
			// at the end
			this.mounts.apply();
		}
	}

	private MountManager restartedManager() {
		return new MountManager(this.states, this.targets, this.renderers, this.properties, this.home, this.shell,
				this.host);
	}

	@Test
	@Order(10)
	void servesTheAppOverTlsWithHttpsAsItsScheme() throws Exception {
		Path tls = Files.createDirectories(this.home.root().resolve("tls-ok"));
		Path cert = tls.resolve("cert.pem");
		Path key = tls.resolve("key.pem");
		run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
				"/CN=secure.test", "-keyout", key.toString(), "-out", cert.toString()));
		// as in a real setup: the key is root's alone (nginx and Apache read it
		// before they drop root; lighttpd, which reads it again after, at every
		// graceful reload, ended then, found deploying a Flask-Login app: it reads
		// a copy of its group's)
		Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		int tlsPort = freePort();
		this.mounts.addServer(new VirtualServer("secure", List.of("secure.test"), "127.0.0.1:" + tlsPort,
				new VirtualServer.Tls(cert.toString(), key.toString()), false));
		this.mounts.addMount(Mount.app("secure", "/deep/prefix", "echo"));
		this.mounts.apply();
		try {
			List<String> curl = List.of("curl", "-sk", "--max-time", "10", "--resolve",
					"secure.test:" + tlsPort + ":127.0.0.1", "https://secure.test:" + tlsPort + "/deep/prefix/x?q=1");
			// a reload returns before the new listener answers
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> run(curl).startsWith("{"));
			JsonNode root = json.readTree(run(curl));
			assertThat(root.get("scheme").stringValue()).isEqualTo("https");
			assertThat(root.get("script_name").stringValue()).isEqualTo("/deep/prefix");
			assertThat(root.get("path_info").stringValue()).isEqualTo("/x");
			assertThat(root.get("url").stringValue())
				.isEqualTo("https://secure.test:" + tlsPort + "/deep/prefix/x?q=1");
			assertThat(root.get("x_forwarded_proto").stringValue()).isEqualTo("https");
			// a graceful reload with the TLS server in place keeps the same instance
			long pid = this.mounts.status().pid();
			this.mounts.addMount(Mount.app("secure", "/other", "echo"));
			assertThat(this.mounts.apply().pid()).isEqualTo(pid);
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> run(curl).startsWith("{"));
			assertThat(this.mounts.status().pid()).isEqualTo(pid);
		}
		finally {
			if (this.mounts.mounts().stream().anyMatch((mount) -> mount.path().equals("/other"))) {
				this.mounts.removeMount("secure", "/other");
			}
			this.mounts.removeMount("secure", "/deep/prefix");
			this.mounts.removeServer("secure");
			this.mounts.apply();
		}
	}

	private static String run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(command + ": " + output).isZero();
		return output;
	}

	/**
	 * The client's address as the app can know it: the last X-Forwarded-For entry the web
	 * server added, else REMOTE_ADDR (uWSGI sees the client itself; lighttpd cannot add
	 * X-Forwarded-For on its uwsgi path).
	 */
	private static String clientAddress(JsonNode echo) {
		JsonNode forwarded = echo.get("x_forwarded_for");
		if (forwarded != null && !forwarded.isNull()) {
			String[] entries = forwarded.stringValue().split(",");
			return entries[entries.length - 1].strip();
		}
		return echo.get("remote_addr").stringValue();
	}

	/**
	 * The last X-Forwarded-Host entry (the one the web server added, which an app behind
	 * one proxy trusts) is the request's host; on lighttpd's uwsgi path, which cannot set
	 * it, there is none, so a client's own never reaches the app.
	 */
	private void assertForwardedHost(JsonNode echo, String host) {
		JsonNode forwarded = echo.get("x_forwarded_host");
		if (kind() == WebServerKind.LIGHTTPD && appServer().equals("uwsgi")) {
			assertThat(forwarded.isNull()).as("X-Forwarded-Host %s", forwarded).isTrue();
		}
		else {
			String[] entries = forwarded.stringValue().split(",");
			assertThat(entries[entries.length - 1].strip()).startsWith(host);
		}
	}

	@Test
	@Order(11)
	void itsWorkersRunAsTheWebServersUserNeverRoot() throws IOException {
		org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
				"a web server started by another user cannot switch users");
		int web = new dev.pyapp.server.nodes.SystemAccounts().find("www-data").orElseThrow().uid();
		ProcessHandle main = ProcessHandle.of(this.mounts.status().pid()).orElseThrow();
		List<ProcessHandle> workers = main.descendants().toList();

		if (workers.isEmpty()) {
			// lighttpd is one process: it drops root itself
			assertThat(uid(main.pid())).isEqualTo(web);
		}
		else {
			assertThat(workers).extracting((process) -> uid(process.pid())).containsOnly(web);
		}
	}

	@Test // trial: lighttpd answered 503 for 2 to 3 s after the app was back
	@Order(11)
	void answersSoonAfterTheAppIsBackWhenARequestFoundItStopped() throws Exception {
		this.a.stop();
		// lighttpd counts whole seconds of CLOCK_MONOTONIC, which nanoTime reads: the
		// request that finds the app stopped goes midway through one, so its 1 s steps
		// fall half a second either side of the bound below. A request it refuses itself
		// (HTTP/1.1 without Host) first wakes it, so that it reads the clock again: idle,
		// it may not have since the second began
		await().atMost(Duration.ofSeconds(2))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> Math.abs(Math.floorMod(System.nanoTime(), 1_000_000_000L) - 500_000_000L) < 100_000_000L);
		try (HttpLoad.Connection connection = new HttpLoad.Connection(HttpLoad.tcp(this.port))) {
			assertThat(connection.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").status()).isEqualTo(400);
		}
		long refused = System.nanoTime();
		assertThat(get("one.test", "/stopped", "").status()).isIn(502, 503);
		this.a = EchoBackend.start(appServer(), this.backends.resolve("a.sock"), "a", requestLog(), "application");
		long back = System.nanoTime();
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> get("one.test", "/back", "").status() == 200);
		long answered = System.nanoTime();
		System.out.printf("%s/%s: app back %d ms after the refused request, answered after %d ms%n", kind().value(),
				appServer(), (back - refused) / 1_000_000, (answered - refused) / 1_000_000);
		// nginx and Apache try the app at once; lighttpd at its next second but one
		assertThat(Duration.ofNanos(answered - refused))
			.isLessThan(Duration.ofNanos(Math.max(back - refused + 300_000_000L, 2_000_000_000L)));
	}

	private static int uid(long pid) {
		try {
			return (int) Files.getAttribute(Path.of("/proc", Long.toString(pid)), "unix:uid");
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * As the runtime does before it stops a replaced daemon: the requests that reached
	 * the old one are served before it stops. Done when every client's last answer came
	 * from the new backend (lighttpd opens a backend connection per request), or, where
	 * the web server keeps its backend connections alive (nginx), after the runtime's
	 * drain delay (1 s) and 50 more answers. A daemon stopped sooner resets what still
	 * waits in its listen queue, and lighttpd then answers 503 for a second (on CI after
	 * only 50 answers: 22,582 failed requests).
	 */
	private void awaitDrained(HttpLoad load, String backend) {
		long seen = load.ok.get();
		long drained = System.nanoTime() + Duration.ofSeconds(1).toNanos();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> allOn(load, backend) || (System.nanoTime() - drained >= 0 && load.ok.get() > seen + 50));
	}

	private static boolean allOn(HttpLoad load, String backend) {
		return load.lastBodies.size() == 4 && load.lastBodies.values()
			.stream()
			.allMatch((body) -> body.contains("\"backend\": \"" + backend + "\""));
	}

	private void awaitAllConnectionsOn(HttpLoad load, String backend) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(load.lastBodies).hasSize(4);
			assertThat(load.lastBodies.values()).allMatch((body) -> body.contains("\"backend\": \"" + backend + "\""));
		});
		long seen = load.ok.get();
		await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > seen + 50);
	}

	JsonNode echo(String host, String path, String headers) throws IOException {
		HttpLoad.Response response = get(host, path, headers);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	HttpLoad.Response get(String host, String path, String headers) throws IOException {
		try (HttpLoad.Connection connection = new HttpLoad.Connection(HttpLoad.tcp(this.port))) {
			return connection.send("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + this.port + "\r\n" + headers
					+ "Connection: close\r\n\r\n");
		}
	}

	private Path requestLog() {
		return this.home.root().resolve("b/requests.log");
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
