package dev.pyapp.server.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.scm.GitCredentials;
import dev.pyapp.server.scm.GitSources;
import dev.pyapp.server.scm.GitStrategy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * What {@code apps.install {git: {...}}} asks for.
 *
 * @param url the repository URL ({@code https://}, {@code http://}, {@code file://})
 * @param strategy the strategy, or {@code null} for the one the repository's
 * {@code metadata.yaml} declares ({@code always-latest} if none)
 * @param branch the branch for {@code one-branch}
 * @param tagPattern the tag glob for {@code latest-tag}
 * @param prereleases whether {@code latest-tag} may pick pre-releases
 * @param credentials the HTTPS token of a private repository, or {@code null}
 * @param pollInterval how often to look for a new revision, or {@code null} for never
 * (post-commit hooks and {@code apps.update} only)
 */
public record GitSourceRequest(String url, @Nullable GitStrategy strategy, @Nullable String branch,
		@Nullable String tagPattern, boolean prereleases, @Nullable GitCredentials credentials,
		@Nullable Duration pollInterval) {

	private static final Set<String> KEYS = Set.of("url", "strategy", "branch", "tag_pattern", "prereleases", "token",
			"username", "poll_interval");

	private static final Duration MIN_POLL = Duration.ofSeconds(10);

	/**
	 * Reads the {@code git} params of {@code apps.install}: {@code url},
	 * {@code strategy}, {@code branch}, {@code tag_pattern}, {@code prereleases},
	 * {@code token}, {@code username}, {@code poll_interval} ({@code 30s}, {@code 5m}).
	 * @param params the params
	 * @return the request
	 * @throws PyappException ({@code INVALID}) listing every problem
	 */
	public static GitSourceRequest fromParams(Map<String, ?> params) {
		List<Problem> problems = new ArrayList<>();
		for (String key : params.keySet()) {
			if (!KEYS.contains(key)) {
				problems.add(new Problem("git." + key, "unknown key; expected one of " + KEYS));
			}
		}
		String url = string(params, "url", problems);
		problems.addAll(GitSources.checkUrl(url, "git.url"));
		String strategyName = string(params, "strategy", problems);
		GitStrategy strategy = GitStrategy.of(strategyName);
		if (strategyName != null && strategy == null) {
			problems.add(new Problem("git.strategy",
					"'" + strategyName + "' is not a strategy: expected always-latest, one-branch or latest-tag"));
		}
		String branch = string(params, "branch", problems);
		if (strategy == GitStrategy.ONE_BRANCH && branch == null) {
			problems.add(new Problem("git.branch", "one-branch needs a branch"));
		}
		String tagPattern = string(params, "tag_pattern", problems);
		if (strategy == GitStrategy.LATEST_TAG && tagPattern == null) {
			tagPattern = "*";
		}
		Object prereleases = params.get("prereleases");
		if (prereleases != null && !(prereleases instanceof Boolean)) {
			problems.add(new Problem("git.prereleases", "expected true or false"));
		}
		String token = string(params, "token", problems);
		String username = string(params, "username", problems);
		Duration poll = null;
		String pollText = (params.get("poll_interval") != null) ? String.valueOf(params.get("poll_interval")) : null;
		if (pollText != null) {
			try {
				poll = DurationStyle.detectAndParse(pollText);
				if (poll.compareTo(MIN_POLL) < 0) {
					problems.add(new Problem("git.poll_interval", "the poll interval must be at least 10s"));
				}
			}
			catch (IllegalArgumentException ex) {
				problems.add(new Problem("git.poll_interval", "'" + pollText + "' is not a duration such as 5m"));
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid git source", problems);
		}
		GitCredentials credentials = (token != null)
				? new GitCredentials((username != null) ? username : GitCredentials.DEFAULT_USERNAME, token) : null;
		return new GitSourceRequest(url, strategy, branch, tagPattern, Boolean.TRUE.equals(prereleases), credentials,
				poll);
	}

	private static @Nullable String string(Map<String, ?> params, String key, List<Problem> problems) {
		Object value = params.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String text) || text.isBlank()) {
			problems.add(new Problem("git." + key, "expected a non-empty string"));
			return null;
		}
		return text;
	}

}
