package dev.pyapp.server.rpc.internal;

import java.time.Instant;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.scm.DeployKeys;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code git.keys.*} results: the public half only when it is created.
 */
class DeployKeysRpcTests {

	private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

	private final DeployKeys keys = mock(DeployKeys.class);

	private final DeployKeysRpc rpc = new DeployKeysRpc(this.keys);

	@Test
	void gitKeysCreateReturnsThePublicKey() {
		given(this.keys.create(AppId.of("blog")))
			.willReturn(new DeployKeys.DeployKey("blog", "ssh-ed25519 AAAA pyapp-blog", "SHA256:xyz", CREATED));
		assertJson(this.rpc.create(new AppParams("blog")), "{'name':'blog','public_key':'ssh-ed25519 AAAA pyapp-blog',"
				+ "'fingerprint':'SHA256:xyz','created':'2026-01-01T00:00:00Z'}");
	}

	@Test
	void gitKeysListLeavesOutAMissingPublicKey() {
		given(this.keys.list()).willReturn(List.of(new DeployKeys.DeployKey("blog", null, "SHA256:xyz", CREATED)));
		assertJson(this.rpc.list(), "[{'name':'blog','fingerprint':'SHA256:xyz','created':'2026-01-01T00:00:00Z'}]");
	}

	@Test
	void gitKeysRemove() {
		given(this.keys.remove(AppId.of("blog"))).willReturn(true);
		assertJson(this.rpc.remove(new AppParams("blog")), "{'name':'blog','removed':true}");
	}

}
