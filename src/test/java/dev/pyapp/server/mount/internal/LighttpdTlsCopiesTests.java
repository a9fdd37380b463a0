package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.runtime.WireProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Flask-Login trial: the managed lighttpd, started as root, ended at every graceful
 * reload once a virtual server had TLS with a key only root may read (it reads its
 * configuration and the key again after it has dropped root), and the server restarted it
 * a second later. It reads copies its group may read instead.
 */
class LighttpdTlsCopiesTests {

	@TempDir
	Path dir;

	@Test
	void lighttpdStartedAsRootReadsCopiesOfTheTlsFilesAndTheIncludeFileTheOperatorsOwn() {
		RenderSettings root = settings(Path.of("/srv/pyapp/webserver"), true);
		Path key = root.tlsCopy("/etc/ssl/private/secure.key");
		Path cert = root.tlsCopy("/etc/ssl/certs/secure.pem");
		assertThat(key.getParent()).isEqualTo(Path.of("/srv/pyapp/webserver/tls"));
		assertThat(key.getFileName().toString()).matches("[0-9a-f]{16}-secure\\.key");
		assertThat(root.tlsCopy("/etc/other/secure.key")).isNotEqualTo(key);

		String main = new LighttpdRenderer().main(RendererGoldenTests.model(), root);

		assertThat(main).contains("ssl.pemfile = \"" + cert + "\"", "ssl.privkey = \"" + key + "\"")
			.doesNotContain("/etc/ssl/");
		// the system lighttpd's include file, and a lighttpd that keeps its user,
		// read the operator's files
		assertThat(new LighttpdRenderer().sites(RendererGoldenTests.model(), root))
			.contains("ssl.privkey = \"/etc/ssl/private/secure.key\"");
		assertThat(new LighttpdRenderer().main(RendererGoldenTests.model(), settings(this.dir, false)))
			.contains("ssl.privkey = \"/etc/ssl/private/secure.key\"");
	}

	@Test
	void copiesTheTlsFilesBeforeAnApplyAndDeletesTheStaleOnesAfterIt() throws IOException {
		Path key = Files.writeString(this.dir.resolve("site.key"), "key one\n");
		Path cert = Files.writeString(this.dir.resolve("site.pem"), "cert one\n");
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		RenderSettings settings = settings(this.dir.resolve("webserver"), true);
		WebServerFiles files = new WebServerFiles(WebServerKind.LIGHTTPD, settings, null);

		files.copyTls(model(cert, key));

		Path keyCopy = settings.tlsCopy(key.toString());
		assertThat(keyCopy).hasContent("key one");
		assertThat(settings.tlsCopy(cert.toString())).hasContent("cert one");
		// no web server account known here: the copies are as private as the key
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyCopy))).isEqualTo("rw-------");
		// a renewed key is copied again
		Files.writeString(key, "key two\n");
		files.copyTls(model(cert, key));
		assertThat(keyCopy).hasContent("key two");
		assertThat(Files.list(settings.tlsCopies())).hasSize(2);

		// the server with TLS removed: its copies go once that is applied
		files.removeStaleTls(model(null, null));
		assertThat(Files.list(settings.tlsCopies())).isEmpty();
		assertThat(key).hasContent("key two");
	}

	@Test
	void otherWebServersAndAWebServerThatKeepsItsUserGetNoCopies() throws IOException {
		Path key = Files.writeString(this.dir.resolve("site.key"), "key\n");
		Path cert = Files.writeString(this.dir.resolve("site.pem"), "cert\n");
		RenderSettings root = settings(this.dir.resolve("webserver"), true);
		new WebServerFiles(WebServerKind.NGINX, root, null).copyTls(model(cert, key));
		new WebServerFiles(WebServerKind.LIGHTTPD, settings(this.dir.resolve("webserver"), false), null)
			.copyTls(model(cert, key));

		assertThat(root.tlsCopies()).doesNotExist();
	}

	private static RenderSettings settings(Path directory, boolean root) {
		return new RenderSettings(directory, root, null, 1, true, Duration.ofHours(1), 32,
				Path.of("/usr/lib/apache2/modules"), Duration.ofSeconds(60));
	}

	private static RenderModel model(Path cert, Path key) {
		MountTargets targets = (AppId app) -> Optional.ofNullable(Map
			.of("shop", MountTarget.socket(Path.of("/srv/pyapp/apps/shop/run/app.sock"), List.of(), WireProtocol.HTTP))
			.get(app.value()));
		VirtualServer server = new VirtualServer("shop", List.of("shop.test"), "127.0.0.1:8443",
				(key != null) ? new VirtualServer.Tls(cert.toString(), key.toString()) : null, false);
		return RenderModel.of(List.of(server), List.of(Mount.app("shop", "/shop", "shop")), targets);
	}

}
