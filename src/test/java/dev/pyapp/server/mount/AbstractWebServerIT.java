package dev.pyapp.server.mount;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
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
 * The contract every web server kind meets, against the real web server, managed by the
 * server, and real gunicorn on unix sockets (app {@code echo}, whose stable socket
 * {@code apps/echo/run/app.sock} is a symlink to a backend's socket, as the runtime makes
 * it). One subclass per kind.
 */
@Tag("webserver")
@SpringBootTest(properties = { "pyapp.storage.persistent=false", "server.port=0" })
@Import(EchoTargets.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractWebServerIT {

	private static final Map<WebServerKind, Path> homes = new ConcurrentHashMap<>();

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	MountManager mounts;

	@Autowired
	PyappHome home;

	private Path backends;

	private Gunicorn a;

	private Gunicorn b;

	private int port;

	abstract WebServerKind kind();

	static void register(DynamicPropertyRegistry registry, WebServerKind kind) {
		Path home = homes.computeIfAbsent(kind, (k) -> {
			try {
				Path dir = Files.createTempDirectory(Path.of("/tmp"), "pa");
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
	}

	@BeforeAll
	void startBackendsAndApply() throws Exception {
		this.backends = Files.createDirectories(this.home.root().resolve("b"));
		Path statics = Files.createDirectories(this.home.app(AppId.of("echo")).root().resolve("current/static/css"));
		Files.writeString(statics.resolve("site.css"), "body { color: teal }\n");
		Files.createDirectories(this.home.app(AppId.of("echo")).run());
		this.a = Gunicorn.start(this.backends.resolve("a.sock"), "a", requestLog(), "application");
		AtomicFiles.switchLink(this.home.app(AppId.of("echo")).socket(), this.a.socket);
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
		assertThat(deep.get("x_forwarded_for").stringValue()).isEqualTo("127.0.0.1");
		assertThat(deep.get("x_forwarded_proto").stringValue()).isEqualTo("http");
		assertThat(deep.get("x_forwarded_host").stringValue()).startsWith("two.test");
		assertThat(deep.get("app_url").stringValue()).isEqualTo("http://two.test:" + this.port + "/deep/prefix");
		assertThat(echo("two.test", "/deep/prefix", "").get("path_info").stringValue()).isEmpty();
		// an unknown host name goes to the default server
		assertThat(echo("other.test", "/x", "").get("script_name").stringValue()).isEmpty();
		// the prefix is not matched as a string prefix
		assertThat(get("two.test", "/deep/prefixfoo", "").status()).isIn(403, 404);
	}

	/**
	 * An app that builds absolute URLs from X-Forwarded-Host (Bottle does) keeps the port
	 * the client used; a client's own forwarding header never reaches it.
	 */
	@Test
	@Order(2)
	void forwardsTheHostWithItsPort() throws Exception {
		for (String[] request : new String[][] { { "two.test", "/deep/prefix/x" }, { "one.test", "/x" } }) {
			JsonNode echo = echo(request[0], request[1], "X-Forwarded-Host: evil.test\r\nX-Forwarded-Port: 1\r\n");
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
	@Order(3)
	void servesStaticFilesItself() throws Exception {
		Files.writeString(requestLog(), "");
		for (String[] request : new String[][] { { "two.test", "/deep/prefix/static/css/site.css" },
				{ "one.test", "/static/css/site.css" } }) {
			HttpLoad.Response response = get(request[0], request[1], "");
			assertThat(response.status()).as(request[1]).isEqualTo(200);
			assertThat(response.body()).isEqualTo("body { color: teal }\n");
			assertThat(response.headers().get("content-type")).startsWith("text/css");
			assertThat(response.headers().get("cache-control")).contains("max-age=3600");
		}
		assertThat(get("one.test", "/static/css/missing.css", "").status()).isEqualTo(404);
		assertThat(echo("one.test", "/after", "").get("path_info").stringValue()).isEqualTo("/after");
		assertThat(Files.readAllLines(requestLog())).containsExactly("/after");
	}

	@Test
	@Order(4)
	void refusesABrokenConfigurationAndKeepsServing() throws Exception {
		Path live = this.mounts.status().config();
		String before = Files.readString(live);
		Path tls = Files.createDirectories(this.home.root().resolve("tls"));
		Path cert = Files.writeString(tls.resolve("cert.pem"), "not yet\n");
		Path key = Files.writeString(tls.resolve("key.pem"), "not yet\n");
		this.mounts.addServer(new VirtualServer("secure", List.of("secure.test"), "127.0.0.1:" + freePort(),
				new VirtualServer.Tls(cert.toString(), key.toString()), false));
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
	@Order(5)
	void switchesBackendsWithoutAFailedRequest() throws Exception {
		HttpLoad load = new HttpLoad(HttpLoad.tcp(this.port), "two.test", "/deep/prefix/load", 4);
		load.start();
		try {
			awaitAllConnectionsOn(load, "a");
			this.b = Gunicorn.start(this.backends.resolve("b.sock"), "b", requestLog(), "application");
			AtomicFiles.switchLink(this.home.app(AppId.of("echo")).socket(), this.b.socket);
			awaitDrained(load);
			this.a.stop();
			awaitAllConnectionsOn(load, "b");
			this.a = Gunicorn.start(this.backends.resolve("a.sock"), "a", requestLog(), "application");
			AtomicFiles.switchLink(this.home.app(AppId.of("echo")).socket(), this.a.socket);
			awaitDrained(load);
			this.b.stop();
			awaitAllConnectionsOn(load, "a");
		}
		finally {
			load.stop();
		}
		System.out.printf("%s: %d requests during two switches, %d failed, %d keep-alive resets retried%n",
				kind().value(), load.ok.get(), load.failed.get(), load.resets.get());
		assertThat(load.errors).isEmpty();
		assertThat(load.failed.get()).isZero();
		assertThat(load.ok.get()).isGreaterThan(100);
	}

	/**
	 * As the runtime does before it stops a replaced daemon (its drain delay): let the
	 * requests already connected to the old daemon be served — here, until the load has
	 * made progress after the switch. A daemon stopped at once resets the connections
	 * still waiting in its listen backlog (lighttpd, which opens a backend connection per
	 * request, shows it as a 500).
	 */
	private void awaitDrained(HttpLoad load) {
		long seen = load.ok.get();
		await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > seen + 50);
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
