package dev.pyapp.server.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.scm.GitMirror;
import dev.pyapp.server.scm.GitRevision;
import dev.pyapp.server.scm.GitSources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * One app's git work does not hold up another's (GH-13, item 8).
 */
class GitDeployerConcurrencyTests {

	private static final String COMMIT = "0123456789012345678901234567890123456789";

	@Test // GH-13 (8)
	void aStalledFetchOfOneAppDoesNotStallAnotherAppsUpdate() throws Exception {
		GitSources sources = mock(GitSources.class);
		AppRegistry registry = mock(AppRegistry.class);
		GitAppStateRepository states = mock(GitAppStateRepository.class);
		given(states.findById(any())).willReturn(Optional.empty());
		Instant now = Instant.now();
		for (String name : new String[] { "slow", "quick" }) {
			AppId app = AppId.of(name);
			given(registry.get(app)).willReturn(
					new InstalledApp(name, new AppSource(AppSource.GIT, "file:///" + name, "always-latest", null, null),
							"1.0-x", Map.of(), now, now));
			given(registry.currentRelease(app)).willReturn(Optional.of(new Release(name + "/1.0-x", name, "1.0-x",
					"1.0", "git", "sum", COMMIT, now, ReleaseState.LIVE, null)));
		}
		CountDownLatch release = new CountDownLatch(1);
		given(sources.fetch(eq(AppId.of("slow")), any())).willAnswer((call) -> {
			release.await(60, TimeUnit.SECONDS);
			return new GitMirror("slow");
		});
		given(sources.fetch(eq(AppId.of("quick")), any())).willReturn(new GitMirror("quick"));
		given(sources.select(any(), any())).willReturn(new GitRevision(COMMIT, "refs/heads/main"));
		GitDeployer deployer = new GitDeployer(sources, mock(AppDeployer.class), registry, mock(PackageReader.class),
				new GitAppStates(states));

		CompletableFuture<GitUpdate> slow = CompletableFuture.supplyAsync(() -> deployer.update(AppId.of("slow")));
		try {
			GitUpdate quick = CompletableFuture.supplyAsync(() -> deployer.update(AppId.of("quick")))
				.get(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS);
			assertThat(quick.message()).isEqualTo("already current");
			assertThat(slow).isNotDone();
		}
		finally {
			release.countDown();
		}
		assertThat(slow.get(30, TimeUnit.SECONDS).message()).isEqualTo("already current");
	}

}
