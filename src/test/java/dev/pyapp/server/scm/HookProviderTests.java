package dev.pyapp.server.scm;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HookProviderTests {

	private static final String SECRET = "topsecret";

	private static final byte[] BODY = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);

	@Test
	void githubNeedsTheSha256Signature() {
		String good = "sha256=" + HookProvider.hmac(SECRET, BODY);
		assertThat(verify(HookProvider.GITHUB, Map.of("X-Hub-Signature-256", good))).isTrue();
		assertThat(verify(HookProvider.GITHUB,
				Map.of("X-Hub-Signature-256", good.toUpperCase(java.util.Locale.ROOT).replace("SHA256=", "sha256="))))
			.isTrue();
		assertThat(verify(HookProvider.GITHUB, Map.of("X-Hub-Signature-256", "sha256=" + HookProvider.hmac("x", BODY))))
			.isFalse();
		// the legacy sha1 header alone counts as missing
		assertThat(verify(HookProvider.GITHUB, Map.of("X-Hub-Signature", "sha1=0123"))).isFalse();
		assertThat(verify(HookProvider.GITHUB, Map.of())).isFalse();
	}

	@Test
	void gitlabComparesItsToken() {
		assertThat(verify(HookProvider.GITLAB, Map.of("X-Gitlab-Token", SECRET))).isTrue();
		assertThat(verify(HookProvider.GITLAB, Map.of("X-Gitlab-Token", SECRET + "x"))).isFalse();
		assertThat(verify(HookProvider.GITLAB, Map.of())).isFalse();
	}

	@Test
	void giteaAndGenericUseHmacSha256() {
		String hex = HookProvider.hmac(SECRET, BODY);
		assertThat(verify(HookProvider.GITEA, Map.of("X-Gitea-Signature", hex))).isTrue();
		assertThat(verify(HookProvider.GITEA, Map.of("X-Gitea-Signature", "sha256=" + hex))).isFalse();
		assertThat(verify(HookProvider.GENERIC, Map.of("X-Pyapp-Signature", "sha256=" + hex))).isTrue();
		assertThat(verify(HookProvider.GENERIC, Map.of("X-Pyapp-Signature", hex))).isFalse();
	}

	@Test
	void recognisesPushEvents() {
		assertThat(HookProvider.GITHUB.nonPushEvent((h) -> "push")).isNull();
		assertThat(HookProvider.GITHUB.nonPushEvent((h) -> "ping")).isEqualTo("ping");
		assertThat(HookProvider.GITLAB.nonPushEvent((h) -> "Tag Push Hook")).isNull();
		assertThat(HookProvider.GITLAB.nonPushEvent((h) -> "Merge Request Hook")).isNotNull();
		assertThat(HookProvider.GENERIC.nonPushEvent((h) -> "anything")).isNull();
	}

	@Test
	void hmacMatchesAKnownValue() {
		// RFC 4231 test case 2
		assertThat(HookProvider.hmac("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	}

	private static boolean verify(HookProvider provider, Map<String, String> headers) {
		return provider.verify(SECRET, BODY, headers::get);
	}

}
