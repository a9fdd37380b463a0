package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.scm.CreatedHook;
import dev.pyapp.server.scm.HookDeliveries;
import dev.pyapp.server.scm.HookInfo;
import dev.pyapp.server.scm.HookProvider;
import dev.pyapp.server.scm.PostCommitHooks;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The JSON of {@code hooks.*} results (SPEC §9 "Post-commit hooks").
 */
class HooksRpcTests {

	private final PostCommitHooks hooks = mock(PostCommitHooks.class);

	private final HookDeliveries deliveries = mock(HookDeliveries.class);

	private final AppRegistry registry = mock(AppRegistry.class);

	private final HooksRpc rpc = new HooksRpc(this.hooks, this.registry, this.deliveries);

	@BeforeEach
	void blogIsAGitApp() {
		given(this.registry.get(AppId.of("blog"))).willReturn(
				app("blog", new AppSource(AppSource.GIT, "https://git.example/blog.git", "always-latest", null, null)));
	}

	@Test
	void hooksCreateReturnsTheSecretOnce() {
		given(this.hooks.create(AppId.of("blog"), HookProvider.GITLAB, null))
			.willReturn(new CreatedHook("h1", "https://ci.example.com/hooks/h1", "s3cret"));
		assertJson(this.rpc.create(new HooksRpc.CreateParams("blog", "gitlab")),
				"{'id':'h1','url':'https://ci.example.com/hooks/h1','secret':'s3cret','name':'blog',"
						+ "'provider':'gitlab','signature':'" + HooksRpc.signature("gitlab") + "','loopback':false}");
	}

	@Test
	void hooksListShowsTheLastDeliveryOrNull() {
		given(this.hooks.list(AppId.of("blog"))).willReturn(List.of(hook("h1"), hook("h2")));
		given(this.deliveries.last("h1")).willReturn(Optional
			.of(new HookDeliveries.LastDelivery("h1", Instant.parse("2026-01-02T03:04:05Z"), 202, "deployed", null)));
		given(this.deliveries.last("h2")).willReturn(Optional.empty());
		String signature = HooksRpc.signature("generic");
		assertJson(this.rpc.list(new AppParams("blog")),
				"[{'id':'h1','name':'blog','provider':'generic','url':'http://127.0.0.1:8000/hooks/h1',"
						+ "'created':'2026-01-01T00:00:00Z','signature':'" + signature + "','loopback':true,"
						+ "'last_delivery':{'time':'2026-01-02T03:04:05Z','status':202,'outcome':'deployed',"
						+ "'message':null}},"
						+ "{'id':'h2','name':'blog','provider':'generic','url':'http://127.0.0.1:8000/hooks/h2',"
						+ "'created':'2026-01-01T00:00:00Z','signature':'" + signature + "','loopback':true,"
						+ "'last_delivery':null}]");
	}

	@Test
	void hooksRemoveByIdReturnsTheHook() {
		given(this.hooks.remove("h1")).willReturn(hook("h1"));
		assertJson(this.rpc.remove(new HooksRpc.RemoveParams("h1", null, null)),
				"{'id':'h1','name':'blog','provider':'generic','url':'http://127.0.0.1:8000/hooks/h1',"
						+ "'created':'2026-01-01T00:00:00Z','removed':true}");
	}

	@Test
	void hooksRemoveByAppCountsTheHooks() {
		given(this.hooks.list(AppId.of("blog"))).willReturn(List.of(hook("h1"), hook("h2")));
		given(this.hooks.remove("h1")).willReturn(hook("h1"));
		given(this.hooks.remove("h2")).willReturn(hook("h2"));
		assertJson(this.rpc.remove(new HooksRpc.RemoveParams(null, "blog", null)), "{'name':'blog','removed':2}");
	}

	@Test // audit-ops: the hook was made, and every push to it was accepted and ignored
	void hooksCreateForAnArchiveAppIsAConflict() {
		given(this.registry.get(AppId.of("shop"))).willReturn(app("shop", AppSource.archive()));
		PyappException refused = catchThrowableOfType(PyappException.class,
				() -> this.rpc.create(new HooksRpc.CreateParams("shop", "github")));
		assertThat(refused.getKind()).isEqualTo(ErrorKind.CONFLICT);
		assertThat(refused.getMessage()).isEqualTo(
				"the app 'shop' is installed from an archive, not from git: a post-commit hook cannot update it");
		verify(this.hooks, never()).create(any(), any(), any());
	}

	@Test // audit-ops: a misspelt provider removed nothing and answered removed: 0
	void hooksRemoveByAppRefusesAnUnknownProvider() {
		PyappException refused = catchThrowableOfType(PyappException.class,
				() -> this.rpc.remove(new HooksRpc.RemoveParams(null, "blog", "bitbucket")));
		assertThat(refused.getKind()).isEqualTo(ErrorKind.INVALID);
		assertThat(refused.getProblems()).extracting((problem) -> problem.path() + ": " + problem.message())
			.containsExactly("provider: 'bitbucket' is not a provider: expected github, gitlab, gitea or generic");
		verify(this.hooks, never()).remove(any());
	}

	private static InstalledApp app(String name, AppSource source) {
		Instant created = Instant.parse("2026-01-01T00:00:00Z");
		return new InstalledApp(name, source, "1.0.0-20260101T000000Z", Map.of(), created, created);
	}

	private static HookInfo hook(String id) {
		return new HookInfo(id, "blog", "generic", "http://127.0.0.1:8000/hooks/" + id,
				Instant.parse("2026-01-01T00:00:00Z"));
	}

}
