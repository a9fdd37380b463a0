package dev.pyapp.server.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigSpecReader;
import dev.pyapp.server.core.AppDatabases;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppLogSockets;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.packaging.PackageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.ObjectProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The environment every process of a release starts from (SPEC §9, §10).
 */
class AppContextsTests {

	@TempDir
	Path root;

	@Test // an app sees a fixed PATH, never the server's (~/.cargo/bin, pyenv's shims)
	void thePathIsTheVenvsBinThenTheSystemsNeverTheServers() throws IOException {
		AppId app = new AppId("hello");
		PyappHome home = new PyappHome(this.root);
		Path release = home.app(app).release("0.1.0-20240501T120000Z");
		Files.createDirectories(release.resolve("src"));
		Files.writeString(release.resolve("metadata.yaml"), """
				format: 1
				name: hello
				version: 0.1.0
				entry:
				  wsgi: hello.web:application
				""");
		AppRegistry registry = mock(AppRegistry.class);
		given(registry.find(app)).willReturn(Optional.empty());
		AppConfigurator configurator = mock(AppConfigurator.class);
		given(configurator.configFile(any(), any())).willReturn(home.app(app).config().resolve("config.ini"));
		AppIsolation isolation = mock(AppIsolation.class);
		given(isolation.process(any(), any(), any())).willReturn(Isolation.none());
		@SuppressWarnings("unchecked")
		ObjectProvider<AppDatabases> databases = mock(ObjectProvider.class);
		@SuppressWarnings("unchecked")
		ObjectProvider<AppLogSockets> sockets = mock(ObjectProvider.class);
		AppContexts contexts = new AppContexts(home, registry, new PackageReader(new ConfigSpecReader()), databases,
				sockets, configurator, isolation);

		ProcessContext context = contexts.context(app, "0.1.0-20240501T120000Z");

		assertThat(context.environment()).containsEntry("PATH",
				release.resolve("venv/bin") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
		// and so does every request made from it: the daemon, hooks, tasks, apps.run
		assertThat(context.request(java.util.List.of("true")).environment().get("PATH"))
			.isEqualTo(context.environment().get("PATH"));
	}

}
