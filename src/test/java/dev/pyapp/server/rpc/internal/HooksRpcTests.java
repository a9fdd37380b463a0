package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.scm.CreatedHook;
import dev.pyapp.server.scm.HookDeliveries;
import dev.pyapp.server.scm.HookInfo;
import dev.pyapp.server.scm.HookProvider;
import dev.pyapp.server.scm.PostCommitHooks;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code hooks.*} results (SPEC §9 "Post-commit hooks").
 */
class HooksRpcTests {

	private final PostCommitHooks hooks = mock(PostCommitHooks.class);

	private final HookDeliveries deliveries = mock(HookDeliveries.class);

	private final HooksRpc rpc = new HooksRpc(this.hooks, mock(AppRegistry.class), this.deliveries);

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

	private static HookInfo hook(String id) {
		return new HookInfo(id, "blog", "generic", "http://127.0.0.1:8000/hooks/" + id,
				Instant.parse("2026-01-01T00:00:00Z"));
	}

}
