package dev.pyapp.server.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.internal.ApacheRenderer;
import dev.pyapp.server.mount.internal.LighttpdRenderer;
import dev.pyapp.server.mount.internal.MountState;
import dev.pyapp.server.mount.internal.MountStateRepository;
import dev.pyapp.server.mount.internal.MountTarget;
import dev.pyapp.server.mount.internal.MountTargets;
import dev.pyapp.server.mount.internal.MountedPaths;
import dev.pyapp.server.mount.internal.NginxRenderer;
import dev.pyapp.server.mount.internal.WebServerProperties;
import dev.pyapp.server.nodes.NodeShell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The model rules of {@link MountManager}: allow-lists with field paths, conflicts, and
 * staging.
 */
class MountManagerTests {

	/** Everything that could end a directive, open a block, quote, expand or comment. */
	static final List<String> METACHARACTERS = List.of(";", "{", "}", "\"", "'", " ", "\t", "$", "\n", "#");

	@TempDir
	Path dir;

	private static dev.pyapp.server.nodes.HostIsolation webUser() {
		dev.pyapp.server.nodes.HostIsolation host = mock(dev.pyapp.server.nodes.HostIsolation.class);
		given(host.webUserName()).willReturn("www-data");
		return host;
	}

	private MountManager manager;

	private Path cert;

	private Path key;

	@BeforeEach
	void setUp() throws IOException {
		Map<String, MountState> documents = new HashMap<>();
		MountStateRepository repository = mock(MountStateRepository.class);
		given(repository.findById(any())).willAnswer((call) -> Optional.ofNullable(documents.get(call.getArgument(0))));
		given(repository.save(any())).willAnswer((call) -> {
			MountState state = call.getArgument(0);
			documents.put(state.id(), state);
			return state;
		});
		WebServerProperties properties = new WebServerProperties(WebServerKind.NGINX, true, Path.of("/usr/sbin/nginx"),
				Path.of("/usr/sbin/apache2"), Path.of("/usr/sbin/lighttpd"), Path.of("/usr/lib/apache2/modules"),
				List.of(), List.of(), "", 1, true, Duration.ofHours(1), 32, Duration.ofSeconds(60),
				Duration.ofSeconds(5), Duration.ofSeconds(5));
		MountTargets targets = (app) -> app.value().equals("blog")
				? Optional.of(MountTarget.socket(this.dir.resolve("apps/blog/run/app.sock"), List.of()))
				: Optional.empty();
		this.manager = new MountManager(repository, targets,
				List.of(new NginxRenderer(), new ApacheRenderer(), new LighttpdRenderer()), properties,
				new PyappHome(this.dir.resolve("home")), mock(NodeShell.class), webUser());
		this.cert = Files.writeString(this.dir.resolve("cert.pem"), "cert");
		this.key = Files.writeString(this.dir.resolve("key.pem"), "key");
		Files.createDirectories(this.dir.resolve("files"));
	}

	static Stream<Arguments> injections() {
		List<Arguments> arguments = new ArrayList<>();
		for (String meta : METACHARACTERS) {
			arguments.add(Arguments.of("name", meta));
			arguments.add(Arguments.of("hostnames[1]", meta));
			arguments.add(Arguments.of("listen", meta));
			arguments.add(Arguments.of("tls.cert", meta));
			arguments.add(Arguments.of("tls.key", meta));
			arguments.add(Arguments.of("server", meta));
			arguments.add(Arguments.of("path", meta));
			arguments.add(Arguments.of("app", meta));
			arguments.add(Arguments.of("folder", meta));
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} with {1}")
	@MethodSource("injections")
	void refusesEveryMetacharacterInEveryField(String field, String meta) {
		this.manager.addServer(server("main", "example.test", "127.0.0.1:8080"));
		Function<String, String> bad = (value) -> value + meta + "pwned";
		Runnable call = switch (field) {
			case "name" -> () -> this.manager.addServer(server(bad.apply("a"), "a.test", "127.0.0.1:8081"));
			case "hostnames[1]" -> () -> this.manager.addServer(
					new VirtualServer("b", List.of("b.test", bad.apply("c.test")), "127.0.0.1:8081", null, false));
			case "listen" -> () -> this.manager.addServer(server("c", "c.test", bad.apply("127.0.0.1:8081")));
			case "tls.cert" -> () -> this.manager.addServer(new VirtualServer("d", List.of("d.test"), "127.0.0.1:8443",
					new VirtualServer.Tls(bad.apply(this.cert.toString()), this.key.toString()), false));
			case "tls.key" -> () -> this.manager.addServer(new VirtualServer("d", List.of("d.test"), "127.0.0.1:8443",
					new VirtualServer.Tls(this.cert.toString(), bad.apply(this.key.toString())), false));
			case "server" -> () -> this.manager.addMount(Mount.app(bad.apply("main"), "/x", "blog"));
			case "path" -> () -> this.manager.addMount(Mount.app("main", bad.apply("/x"), "blog"));
			case "app" -> () -> this.manager.addMount(Mount.app("main", "/x", bad.apply("blog")));
			default -> () -> this.manager.addMount(Mount.folder("main", "/x", bad.apply(this.dir + "/files")));
		};
		assertThatThrownBy(call::run).isInstanceOfSatisfying(PyappException.class, (ex) -> {
			assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
			assertThat(ex.getProblems()).extracting(Problem::path).containsExactly(field);
		});
		assertThat(this.manager.servers()).hasSize(1);
		assertThat(this.manager.mounts()).isEmpty();
		assertThat(this.manager.render(null)).doesNotContain(meta + "pwned");
	}

	@Test
	void reportsEveryInvalidFieldAtOnce() {
		assertThatThrownBy(() -> this.manager.addServer(new VirtualServer("Bad Name", List.of("-x.test", "ok.test"),
				"localhost:99999", new VirtualServer.Tls("relative.pem", "/nonexistent/key.pem"), false)))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> assertThat(ex.getProblems()).extracting(Problem::path)
				.containsExactly("name", "hostnames[0]", "listen", "tls.cert", "tls.key"));
	}

	@Test // the UI audit: a server with a certificate and no key was told
			// "'' is not an absolute path of letters, digits and . _ + @ - segments"
	void asksForTheKeyFileOfACertificate() {
		assertThatThrownBy(() -> this.manager.addServer(new VirtualServer("main", List.of("example.test"),
				"127.0.0.1:8443", new VirtualServer.Tls("/nonexistent/cert.pem", ""), false)))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getProblems()).extracting(Problem::path, Problem::message)
						.containsExactly(tuple("tls.cert", "'/nonexistent/cert.pem' is not an existing file"),
								tuple("tls.key", "give the private key file too (an absolute path): TLS needs both")));
	}

	@Test // the run audit: a mount of nothing was told "not both"
	void saysWhatAMountOfNeitherAnAppNorAFolderLacks() {
		this.manager.addServer(server("main", "example.test", "127.0.0.1:8080"));
		assertThatThrownBy(() -> this.manager.addMount(new Mount("main", "/x", null, null))).isInstanceOfSatisfying(
				PyappException.class, (ex) -> assertThat(ex.getProblems()).extracting(Problem::path, Problem::message)
					.containsExactly(tuple("app", "choose the app to mount, or give a static folder")));
		assertThatThrownBy(
				() -> this.manager.addMount(new Mount("main", "/x", "blog", this.dir.resolve("files").toString())))
			.isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getProblems()).extracting(Problem::message)
						.containsExactly("give either an app or a static folder, not both"));
	}

	@Test
	void acceptsValidServersAndKeepsHostNamesInLowerCase() {
		VirtualServer added = this.manager.addServer(new VirtualServer("main", List.of("Example.TEST", "127.0.0.1"),
				"[::1]:8080", new VirtualServer.Tls(this.cert.toString(), this.key.toString()), true));
		assertThat(added.hostnames()).containsExactly("example.test", "127.0.0.1");
		assertThat(this.manager.servers()).containsExactly(added);
	}

	@Test
	void refusesDuplicateAndOverlappingMounts() {
		this.manager.addServer(server("main", "example.test", "127.0.0.1:8080"));
		this.manager.addServer(server("other", "other.test", "127.0.0.1:8080"));
		assertThat(this.manager.addMount(Mount.app("main", "/blog/", "blog")).path()).isEqualTo("/blog");
		for (String path : List.of("/blog", "/blog/", "/blog/admin", "/")) {
			assertThatThrownBy(() -> this.manager.addMount(Mount.app("main", path, "blog"))).isInstanceOfSatisfying(
					PyappException.class, (ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT));
		}
		this.manager.addMount(Mount.app("main", "/blogs", "blog"));
		this.manager.addMount(Mount.app("other", "/", "blog"));
		assertThat(this.manager.mounts()).extracting(Mount::path).containsExactly("/blog", "/blogs", "/");
		assertThat(this.manager.mounts(AppId.of("blog"))).hasSize(3);
	}

	@Test
	void refusesConflictingServers() {
		this.manager.addServer(new VirtualServer("main", List.of("example.test"), "127.0.0.1:8080", null, true));
		for (VirtualServer server : List.of(server("main", "x.test", "127.0.0.1:8081"),
				server("dup", "example.test", "127.0.0.1:8080"),
				new VirtualServer("second", List.of("y.test"), "127.0.0.1:8080", null, true),
				new VirtualServer("tls", List.of("z.test"), "127.0.0.1:8080",
						new VirtualServer.Tls(this.cert.toString(), this.key.toString()), false))) {
			assertThatThrownBy(() -> this.manager.addServer(server)).isInstanceOfSatisfying(PyappException.class,
					(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT));
		}
		this.manager.addServer(server("same-host-other-port", "example.test", "127.0.0.1:8081"));
	}

	@Test
	void refusesUnknownServersAppsAndMounts() {
		this.manager.addServer(server("main", "example.test", "127.0.0.1:8080"));
		assertThatThrownBy(() -> this.manager.addMount(Mount.app("nope", "/", "blog"))).isInstanceOfSatisfying(
				PyappException.class, (ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND));
		assertThatThrownBy(() -> this.manager.addMount(Mount.app("main", "/", "wiki"))).isInstanceOfSatisfying(
				PyappException.class, (ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND));
		assertThatThrownBy(() -> this.manager.removeMount("main", "/")).isInstanceOfSatisfying(PyappException.class,
				(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND));
	}

	@Test
	void keepsAServerWhileMountsUseIt() {
		this.manager.addServer(server("main", "example.test", "127.0.0.1:8080"));
		this.manager.addMount(Mount.folder("main", "/files", this.dir.resolve("files").toString()));
		assertThatThrownBy(() -> this.manager.removeServer("main")).isInstanceOfSatisfying(PyappException.class,
				(ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT));
		this.manager.removeMount("main", "/files/");
		this.manager.removeServer("main");
		assertThat(this.manager.servers()).isEmpty();
	}

	@Test
	void rendersTheStagedModelForEveryKind() {
		this.manager.addServer(server("main", "example.test", "127.0.0.1:8080"));
		this.manager.addMount(Mount.app("main", "/blog", "blog"));
		assertThat(this.manager.render(null)).contains("location /blog/ {", "proxy_set_header SCRIPT_NAME \"/blog\";");
		assertThat(this.manager.render(WebServerKind.APACHE)).contains("<Location \"/blog\">");
		assertThat(this.manager.render(WebServerKind.LIGHTTPD)).contains("$HTTP[\"url\"] =~ \"^/blog(/|$)\"");
		assertThat(this.manager.status().state()).isEqualTo(WebServerState.STOPPED);
	}

	private static VirtualServer server(String name, String host, String listen) {
		return new VirtualServer(name, List.of(host), listen, null, false);
	}

	@Test // GH-15
	void tellsHealthChecksTheHostAndSchemeOfTheFirstServerAnAppIsMountedOn() {
		this.manager.addServer(new VirtualServer("secure", List.of("library.test", "www.library.test"),
				"127.0.0.1:8443", new VirtualServer.Tls(this.cert.toString(), this.key.toString()), false));
		this.manager.addServer(new VirtualServer("plain", List.of("plain.test"), "127.0.0.1:8081", null, false));
		MountedPaths paths = new MountedPaths(this.manager);
		assertThat(paths.mountPoint(AppId.of("blog"))).isEmpty();

		this.manager.addMount(new Mount("secure", "/library/", "blog", null));
		this.manager.addMount(new Mount("plain", "/", "blog", null));

		assertThat(paths.mountPoint(AppId.of("blog")))
			.contains(new dev.pyapp.server.runtime.MountPaths.MountPoint("/library", "library.test", true));
		assertThat(paths.mountPath(AppId.of("blog"))).contains("/library");
	}

	@Test // GH-13 (5)
	void refusesFoldersInsideOrHoldingPyappHomeAndSystemDirectories() throws IOException {
		this.manager.addServer(server("main", "main.test", "127.0.0.1:8080"));
		Path home = this.dir.resolve("home");
		Files.writeString(home.resolve("api-token"), "secret");
		Path config = Files.createDirectories(home.resolve("apps/blog/config"));
		Path link = Files.createSymbolicLink(this.dir.resolve("innocent"), config);
		List<String> refused = List.of(home.toString(), config.toString(), link.toString(), this.dir.toString(), "/",
				"/etc", "/root", "/proc", "/sys", "/boot", "/dev", "/var/lib", "/usr", "/usr/share", "/etc/ssl");
		for (String folder : refused) {
			if (!Files.isDirectory(Path.of(folder))) {
				continue;
			}
			assertThatThrownBy(() -> this.manager.addMount(Mount.folder("main", "/static", folder))).as(folder)
				.isInstanceOfSatisfying(PyappException.class, (ex) -> {
					assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
					// the error's message names the folder too, not only data.errors
					assertThat(ex.getMessage()).startsWith("forbidden folder '" + folder + "'");
					assertThat(ex.getProblems()).singleElement().satisfies((problem) -> {
						assertThat(problem.path()).isEqualTo("folder");
						// "/" too says why: it was "not an absolute path" before
						assertThat(problem.message()).contains("'" + folder + "'").contains("may not be served");
						if (folder.equals("/")) {
							assertThat(problem.message()).endsWith("it is the root directory");
						}
					});
				});
		}
		assertThat(this.manager.mounts()).isEmpty();
		assertThat(this.manager.addMount(Mount.folder("main", "/files", this.dir.resolve("files").toString())))
			.isNotNull();
	}

}
