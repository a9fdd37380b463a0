package dev.pyapp.server.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import dev.pyapp.server.audit.AuditEntry;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.scm.GitSource;
import dev.pyapp.server.scm.GitSources;
import dev.pyapp.server.scm.GitStrategy;
import dev.pyapp.server.scm.PostCommitHooks;
import dev.pyapp.server.scm.PushReceived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * An update a post-commit hook triggered is in the audit log as {@code apps.update} by
 * {@code webhook:<provider>}, with its outcome.
 */
class WebhookAuditTests {

	private static final AppId WIKI = AppId.of("wiki");

	@TempDir
	Path home;

	private final GitDeployer git = mock(GitDeployer.class);

	private final GitSources sources = mock(GitSources.class);

	private final AppRegistry registry = mock(AppRegistry.class);

	private final AuditLog audit = mock(AuditLog.class);

	@Test
	void aPushThatFailsToDeployIsRecordedWithTheProviderAndTheError() throws Exception {
		GitSource source = new GitSource("https://git.example.org/wiki.git", GitStrategy.ONE_BRANCH, "main", null,
				false);
		given(this.registry.find(WIKI)).willReturn(Optional
			.of(new InstalledApp("wiki", new AppSource(AppSource.GIT, source.url(), "one-branch", "main", null), "r1",
					Map.of(), Instant.now(), Instant.now())));
		given(this.git.source(WIKI)).willReturn(source);
		given(this.sources.follows(any(), any(), any())).willReturn(true);
		given(this.git.update(WIKI)).willThrow(PyappException.failed("pre-update hook failed", "Traceback ..."));
		GitUpdateTrigger trigger = new GitUpdateTrigger(this.git, this.sources, mock(PostCommitHooks.class),
				this.registry, mock(PackageReader.class), new PyappHome(this.home),
				new GitAppStates(mock(GitAppStateRepository.class)), this.audit);
		try {
			trigger.on(new PushReceived(WIKI, "h1", "gitlab", "d-42", "refs/heads/main", "abc123"));
			ArgumentCaptor<AuditEntry> entry = ArgumentCaptor.forClass(AuditEntry.class);
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> verify(this.audit).record(entry.capture()));
			assertThat(entry.getValue().principal()).isEqualTo("webhook:gitlab");
			assertThat(entry.getValue().method()).isEqualTo("apps.update");
			assertThat(entry.getValue().errorCode()).isEqualTo(-32005);
			assertThat(entry.getValue().errorMessage()).isEqualTo("pre-update hook failed");
			assertThat(entry.getValue().params())
				.isEqualTo(Map.of("name", "wiki", "ref", "refs/heads/main", "delivery", "d-42", "hook", "h1"));
		}
		finally {
			trigger.destroy();
		}
	}

}
