package dev.pyapp.server.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * What a crash of the server's last run left half-deployed is cleaned up at the start.
 */
class InterruptedDeploysTests {

	private static final AppId APP = AppId.of("blog");

	private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

	@TempDir
	Path dir;

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AppInstaller installer = mock(AppInstaller.class);

	private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);

	@Test // GH-15
	void marksAnInterruptedUpgradeFailedAndDeletesItsFilesButKeepsTheLiveRelease() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Path interrupted = Files.createDirectories(home.app(APP).release("2.0-x"));
		given(this.registry.releases(APP))
			.willReturn(List.of(release("2.0-x", ReleaseState.PREPARED), release("1.0-x", ReleaseState.LIVE)));

		new InterruptedDeploys(this.registry, this.installer, home, this.events).clean(APP, app("1.0-x"));

		verify(this.installer).failed(APP, "2.0-x", InterruptedDeploys.REASON);
		verify(this.installer, never()).failed(APP, "1.0-x", InterruptedDeploys.REASON);
		verify(this.installer, never()).remove(any(), org.mockito.ArgumentMatchers.anyBoolean());
		assertThat(interrupted).doesNotExist();
		verify(this.events)
			.publishEvent(new DeployProgressed(APP, "2.0-x", "start", "ERROR", "release " + InterruptedDeploys.REASON));
	}

	@Test
	void keepsAnUpgradeThatWaitsForItsConfiguration() throws Exception {
		PyappHome home = new PyappHome(this.dir);
		Files.createDirectories(home.app(APP).config());
		Files.writeString(home.app(APP).config().resolve(AppDeployer.UPGRADE_PENDING), "2.0-x");
		given(this.registry.releases(APP)).willReturn(List.of(release("2.0-x", ReleaseState.PREPARED)));

		new InterruptedDeploys(this.registry, this.installer, home, this.events).clean(APP, app("1.0-x"));

		verify(this.installer, never()).failed(any(), any(), any());
	}

	@Test
	void removesAnAppWhoseFirstInstallWasInterrupted() {
		given(this.registry.releases(APP)).willReturn(List.of(release("1.0-x", ReleaseState.PREPARED)));

		new InterruptedDeploys(this.registry, this.installer, new PyappHome(this.dir), this.events).clean(APP,
				app(null));

		verify(this.installer).failed(APP, "1.0-x", InterruptedDeploys.REASON);
		verify(this.installer).remove(APP, false);
	}

	private static InstalledApp app(String current) {
		return new InstalledApp(APP.value(), AppSource.archive(), current, Map.of(), NOW, NOW);
	}

	private static Release release(String id, ReleaseState state) {
		return new Release(Release.id(APP.value(), id), APP.value(), id, id.substring(0, 3), "blog.pyapp", "sha", null,
				NOW, state, null);
	}

}
