package dev.pyapp.server.rpc.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code archives.inspect}: {@code live} is {@code null} when no release of
 * the app is live.
 */
class ArchivesRpcTests {

	private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

	private final ArchiveStore archives = mock(ArchiveStore.class);

	private final PackageReader reader = mock(PackageReader.class);

	private final AppRegistry registry = mock(AppRegistry.class);

	private final ArchivesRpc rpc = new ArchivesRpc(this.archives, this.reader, this.registry);

	@BeforeEach
	void archive() {
		AppManifest manifest = mock(AppManifest.class);
		given(manifest.name()).willReturn("blog");
		given(manifest.version()).willReturn("1.2.0");
		given(manifest.summary()).willReturn("A blog");
		given(this.archives.path("a1")).willReturn(Path.of("/srv/uploads/a1"));
		given(this.reader.read(Path.of("/srv/uploads/a1")))
			.willReturn(new AppPackage(Path.of("/srv/uploads/a1"), manifest, null, "sha256:new", 3, 100));
	}

	@Test
	void archivesInspectOfANewApp() {
		given(this.registry.find(AppId.of("blog"))).willReturn(Optional.empty());
		assertJson(this.rpc.inspect(new ArchivesRpc.ArchiveParams("a1")),
				"{'archive':'a1','name':'blog','version':'1.2.0','summary':'A blog','checksum':'sha256:new',"
						+ "'action':'install','message':'installs blog 1.2.0 as a new app','live':null}");
	}

	@Test
	void archivesInspectOfAnUpgrade() {
		given(this.registry.find(AppId.of("blog")))
			.willReturn(Optional.of(new InstalledApp("blog", AppSource.archive(), "r1", Map.of(), CREATED, CREATED)));
		given(this.registry.currentRelease(AppId.of("blog"))).willReturn(Optional.of(new Release("blog/r1", "blog",
				"r1", "1.1.0", "archive", "sha256:old", null, CREATED, ReleaseState.LIVE, null)));
		assertJson(this.rpc.inspect(new ArchivesRpc.ArchiveParams("a1")),
				"{'archive':'a1','name':'blog','version':'1.2.0','summary':'A blog','checksum':'sha256:new',"
						+ "'action':'upgrade','message':'upgrades blog 1.1.0 → 1.2.0',"
						+ "'live':{'release':'r1','version':'1.1.0','checksum':'sha256:old'}}");
	}

	@Test
	void archivesInspectOfAGitAppWhoseFirstInstallWasInterruptedIsAnInstallNotAConflict() {
		AppSource git = new AppSource(AppSource.GIT, "https://example.org/blog.git", "always-latest", null, null);
		given(this.registry.find(AppId.of("blog")))
			.willReturn(Optional.of(new InstalledApp("blog", git, null, Map.of(), CREATED, CREATED)));
		given(this.registry.firstInstallFailed(AppId.of("blog"))).willReturn(true);
		assertJson(this.rpc.inspect(new ArchivesRpc.ArchiveParams("a1")),
				"{'archive':'a1','name':'blog','version':'1.2.0','summary':'A blog','checksum':'sha256:new',"
						+ "'action':'install','message':'installs blog 1.2.0 again (its first install was"
						+ " interrupted)','live':null}");
	}

}
