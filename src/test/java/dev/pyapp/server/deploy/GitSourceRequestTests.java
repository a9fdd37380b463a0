package dev.pyapp.server.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

	@ParameterizedTest(name = "{0}")
	@MethodSource("wrongTypes")
	// the rpc audit: {"git": {"url": 5}} had git.url twice in data.errors
	void reportsAValueOfTheWrongTypeOnceUnderItsPath(String path, Map<String, Object> params) {
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> GitSourceRequest.fromParams(params))
			.satisfies((ex) -> assertThat(ex.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.path()).isEqualTo(path);
				assertThat(problem.message()).startsWith("expected a string, not ");
			}));
	}

	static Stream<Arguments> wrongTypes() {
		String https = "https://git.example.org/team/blog.git";
		return Stream.of(Arguments.of("git.url", Map.of("url", 5)), Arguments.of("git.url", Map.of("url", List.of())),
				Arguments.of("git.strategy", Map.of("url", https, "strategy", 5)),
				Arguments.of("git.branch", Map.of("url", https, "strategy", "one-branch", "branch", 5)),
				Arguments.of("git.tag_pattern", Map.of("url", https, "strategy", "latest-tag", "tag_pattern", true)),
				Arguments.of("git.deploy_key",
						Map.of("url", "ssh://git@git.example.org/team/blog.git", "deploy_key", Map.of())));
	}

	@Test // "poll_interval": 300 was 300 ms, refused as "must be at least 10s"
	void aPollIntervalIsADurationOrANumberOfSeconds() {
		String https = "https://git.example.org/team/blog.git";
		assertThat(GitSourceRequest.fromParams(Map.of("url", https, "poll_interval", 300)).pollInterval())
			.isEqualTo(Duration.ofMinutes(5));
		assertThat(GitSourceRequest.fromParams(Map.of("url", https, "poll_interval", "90")).pollInterval())
			.isEqualTo(Duration.ofSeconds(90));
		assertThat(GitSourceRequest.fromParams(Map.of("url", https, "poll_interval", "2m")).pollInterval())
			.isEqualTo(Duration.ofMinutes(2));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> GitSourceRequest.fromParams(Map.of("url", https, "poll_interval", 5)))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path, Problem::message)
				.containsExactly(Assertions.tuple("git.poll_interval", "the poll interval must be at least 10s")));
	}

	@Test
	void aMissingUrlOrBranchIsRequired() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> GitSourceRequest.fromParams(Map.of("strategy", "one-branch")))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting(Problem::path, Problem::message)
				.containsExactlyInAnyOrder(Assertions.tuple("git.url", "a repository URL is required"),
						Assertions.tuple("git.branch", "one-branch needs a branch")));
	}

}
