package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.runtime.WireProtocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each renderer's output for one fixed model, once with gunicorn apps (HTTP) and once
 * with uWSGI apps (the uwsgi protocol), compared with
 * {@code src/test/resources/mount/golden/}. After an intended change, regenerate with
 * {@code -Dgolden.update=true} and review the diff.
 */
class RendererGoldenTests {

	private static final Path GOLDEN = Path.of("src/test/resources/mount/golden");

	static Stream<Arguments> renderings() {
		return Stream.of(new NginxRenderer(), new ApacheRenderer(), new LighttpdRenderer())
			.flatMap((renderer) -> Stream.of(WireProtocol.HTTP, WireProtocol.UWSGI)
				.flatMap((protocol) -> Stream.of(Arguments.of(renderer, protocol, true),
						Arguments.of(renderer, protocol, false))));
	}

	@ParameterizedTest(name = "{0} {1} main={2}")
	@MethodSource("renderings")
	void rendersAsTheGoldenFile(ConfigRenderer renderer, WireProtocol protocol, boolean main) throws IOException {
		RenderModel model = model(protocol);
		String text = main ? renderer.main(model, settings()) : renderer.sites(model, settings());
		Path golden = GOLDEN.resolve(renderer.kind().value() + ((protocol == WireProtocol.UWSGI) ? "-uwsgi" : "")
				+ (main ? ".conf" : "-include.conf"));
		if (Boolean.getBoolean("golden.update")) {
			Files.writeString(golden, text, StandardCharsets.UTF_8);
		}
		assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
	}

	static RenderSettings settings() {
		return new RenderSettings(Path.of("/srv/pyapp/webserver"), false, null, 1, true, Duration.ofHours(1), 32,
				Path.of("/usr/lib/apache2/modules"), Duration.ofSeconds(60));
	}

	/**
	 * Two name-based servers on one address (the second the default), a TLS server, an
	 * app at the root and below a prefix with its static files, and a static folder.
	 */
	static RenderModel model() {
		return model(WireProtocol.HTTP);
	}

	static RenderModel model(WireProtocol protocol) {
		MountTargets targets = fixedTargets(protocol);
		List<VirtualServer> servers = List.of(
				new VirtualServer("main", List.of("example.test", "www.example.test"), "127.0.0.1:8080", null, false),
				new VirtualServer("deep", List.of("deep.test"), "127.0.0.1:8080", null, true),
				new VirtualServer("secure", List.of("secure.test"), "*:8443",
						new VirtualServer.Tls("/etc/ssl/certs/secure.pem", "/etc/ssl/private/secure.key"), false));
		List<Mount> mounts = List.of(Mount.app("main", "/", "guestbook"),
				Mount.app("deep", "/deep/prefix", "guestbook"), Mount.folder("deep", "/files", "/srv/files"),
				Mount.app("secure", "/api", "wiki-2"), Mount.app("secure", "/gone", "removed"));
		return RenderModel.of(servers, mounts, targets);
	}

	static MountTargets fixedTargets() {
		return fixedTargets(WireProtocol.HTTP);
	}

	static MountTargets fixedTargets(WireProtocol protocol) {
		Map<String, MountTarget> targets = Map.of("guestbook",
				MountTarget.socket(Path.of("/srv/pyapp/apps/guestbook/run/app.sock"),
						List.of(new MountTarget.StaticDirectory("/static",
								Path.of("/srv/pyapp/apps/guestbook/current/static/guestbook"),
								List.of("staticfiles.json", "admin/*.map"))),
						protocol),
				"wiki-2", MountTarget.port(8301, List.of(), protocol));
		return (AppId app) -> Optional.ofNullable(targets.get(app.value()));
	}

}
