package dev.pyapp.server.deploy;

import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code git} params of {@code apps.install} for a repository over SSH.
 */
class GitSourceRequestTests {

	@Test // GH-15
	void anSshUrlTakesTheAppsDeployKeyAndAHostKey() {
		GitSourceRequest request = GitSourceRequest.fromParams(Map.of("url", "git@git.example.org:team/blog.git",
				"deploy_key", "blog", "host_key", "SHA256:" + "a".repeat(43)));

		assertThat(request.ssh().keyOwner()).isEqualTo(AppId.of("blog"));
		assertThat(request.ssh().hostKey()).isEqualTo("SHA256:" + "a".repeat(43));
		assertThat(request.ssh().acceptHostKey()).isFalse();
		assertThat(GitSourceRequest.fromParams(Map.of("url", "https://git.example.org/team/blog.git")).ssh()).isNull();
	}

	@Test
	void refusesAnSshUrlWithoutADeployKeyAndSshKeysWithoutAnSshUrl() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> GitSourceRequest.fromParams(
					Map.of("url", "ssh://git@git.example.org/team/blog.git", "host_key", "md5:xx", "token", "t")))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path)
				.containsExactlyInAnyOrder("git.deploy_key", "git.host_key", "git.token"));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> GitSourceRequest
				.fromParams(Map.of("url", "https://git.example.org/team/blog.git", "deploy_key", "blog")))
			.satisfies(
					(ex) -> assertThat(ex.getProblems()).extracting(Problem::path).containsExactly("git.deploy_key"));
	}

}
