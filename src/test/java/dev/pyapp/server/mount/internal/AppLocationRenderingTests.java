package dev.pyapp.server.mount.internal;

import dev.pyapp.server.runtime.WireProtocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each web server's app locations promise an app the same way as nginx: the virtual
 * server's own forwarding headers, a streamed response passed on as it comes, an encoded
 * slash reaching the app.
 */
class AppLocationRenderingTests {

	@Test
	void lighttpdSetsTheVirtualServersPortForUwsgiAppsSoAClientsOwnNeverReachesThem() {
		String config = new LighttpdRenderer().sites(RendererGoldenTests.model(WireProtocol.UWSGI),
				RendererGoldenTests.settings());

		assertThat(config).contains("setenv.set-request-header = ( \"X-Forwarded-Proto\" => \"http\", "
				+ "\"X-Forwarded-Port\" => \"8080\", \"X-Forwarded-For\" => \"\", \"X-Forwarded-Host\" => \"\" )");
		assertThat(config).contains("\"X-Forwarded-Proto\" => \"https\", \"X-Forwarded-Port\" => \"8443\"");
	}

	@Test
	void lighttpdPassesAnAppsResponseOnAsItComes() {
		for (WireProtocol protocol : WireProtocol.values()) {
			String config = new LighttpdRenderer().sites(RendererGoldenTests.model(protocol),
					RendererGoldenTests.settings());

			// each of the three app locations, not the static ones
			assertThat(config.split("server\\.stream-response-body = 1", -1)).as(protocol.name()).hasSize(4);
			String folder = config.substring(config.indexOf("alias.url = ( \"/files\""));
			assertThat(folder.substring(0, folder.indexOf('}'))).doesNotContain("stream-response-body");
		}
	}

	@Test
	void apachePassesAnEncodedSlashToTheAppInEveryVirtualHost() {
		for (WireProtocol protocol : WireProtocol.values()) {
			String config = new ApacheRenderer().main(RendererGoldenTests.model(protocol),
					RendererGoldenTests.settings());

			assertThat(config.split("<VirtualHost ", -1)).hasSize(4);
			assertThat(config.split("\n    AllowEncodedSlashes On\n", -1)).as(protocol.name()).hasSize(4);
		}
	}

}
