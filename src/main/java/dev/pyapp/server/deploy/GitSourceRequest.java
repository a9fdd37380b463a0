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
import dev.pyapp.server.scm.SshAccess;
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
 * @param ssh for an SSH URL: the deploy key (of the app the repository holds) and the
 * host key to trust, else {@code null}
 */
public record GitSourceRequest(String url, @Nullable GitStrategy strategy, @Nullable String branch,
		@Nullable String tagPattern, boolean prereleases, @Nullable GitCredentials credentials,
		@Nullable Duration pollInterval, @Nullable SshAccess ssh) {

	private static final Set<String> KEYS = Set.of("url", "strategy", "branch", "tag_pattern", "prereleases", "token",
			"username", "poll_interval", "deploy_key", "host_key", "accept_host_key");

	private static final java.util.regex.Pattern HOST_KEY = java.util.regex.Pattern
		.compile("^SHA256:[A-Za-z0-9+/]{43}=?$");

	public GitSourceRequest(String url, @Nullable GitStrategy strategy, @Nullable String branch,
			@Nullable String tagPattern, boolean prereleases, @Nullable GitCredentials credentials,
			@Nullable Duration pollInterval) {
		this(url, strategy, branch, tagPattern, prereleases, credentials, pollInterval, null);
	}

	private static final Duration MIN_POLL = Duration.ofSeconds(10);

	/**
	 * Reads the {@code git} params of {@code apps.install}: {@code url},
	 * {@code strategy}, {@code branch}, {@code tag_pattern}, {@code prereleases},
	 * {@code token}, {@code username}, {@code poll_interval} ({@code 30s}, {@code 5m}; a
	 * bare number is seconds).
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
		if (url != null || params.get("url") == null) {
			// a value of the wrong type is reported once, by string()
			problems.addAll(GitSources.checkUrl(url, "git.url"));
		}
		String strategyName = string(params, "strategy", problems);
		GitStrategy strategy = GitStrategy.of(strategyName);
		if (strategyName != null && strategy == null) {
			problems.add(new Problem("git.strategy",
					"'" + strategyName + "' is not a strategy: expected always-latest, one-branch or latest-tag"));
		}
		String branch = string(params, "branch", problems);
		if (strategy == GitStrategy.ONE_BRANCH && params.get("branch") == null) {
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
				// a bare number is seconds (Spring's default unit, milliseconds, turned
				// "poll_interval": 300 into 300 ms, refused as under 10s)
				poll = pollText.strip().matches("\\d{1,9}") ? Duration.ofSeconds(Long.parseLong(pollText.strip()))
						: DurationStyle.detectAndParse(pollText);
				if (poll.compareTo(MIN_POLL) < 0) {
					problems.add(new Problem("git.poll_interval", "the poll interval must be at least 10s"));
				}
			}
			catch (IllegalArgumentException ex) {
				problems.add(new Problem("git.poll_interval", "'" + pollText + "' is not a duration such as 5m"));
			}
		}
		String deployKey = string(params, "deploy_key", problems);
		String hostKey = string(params, "host_key", problems);
		Object acceptHostKey = params.get("accept_host_key");
		if (acceptHostKey != null && !(acceptHostKey instanceof Boolean)) {
			problems.add(new Problem("git.accept_host_key", "expected true or false"));
		}
		SshAccess ssh = null;
		if (url != null && GitSources.isSsh(url)) {
			if (params.get("deploy_key") == null) {
				problems.add(new Problem("git.deploy_key", "an SSH URL needs a deploy key: the name of the app the "
						+ "repository holds, whose key (pyapp deploy-keys create NAME) the repository accepts"));
			}
			else if (deployKey != null && !deployKey.matches("^[a-z][a-z0-9-]{0,39}$")) {
				problems.add(new Problem("git.deploy_key", "'" + deployKey + "' is not an app name"));
			}
			if (hostKey != null && !HOST_KEY.matcher(hostKey).matches()) {
				problems.add(new Problem("git.host_key",
						"expected a SHA-256 fingerprint such as SHA256:abc... (ssh-keyscan HOST | ssh-keygen -lf -)"));
			}
			if (token != null) {
				problems.add(new Problem("git.token", "an SSH URL uses the deploy key, not a token"));
			}
			if (deployKey != null && problems.isEmpty()) {
				ssh = new SshAccess(dev.pyapp.server.core.AppId.of(deployKey), hostKey,
						Boolean.TRUE.equals(acceptHostKey));
			}
		}
		else if (deployKey != null || hostKey != null || acceptHostKey != null) {
			problems.add(new Problem("git.deploy_key",
					"deploy_key, host_key and accept_host_key go with an SSH URL " + "(ssh://... or git@host:path)"));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid git source", problems);
		}
		GitCredentials credentials = (token != null)
				? new GitCredentials((username != null) ? username : GitCredentials.DEFAULT_USERNAME, token) : null;
		return new GitSourceRequest(url, strategy, branch, tagPattern, Boolean.TRUE.equals(prereleases), credentials,
				poll, ssh);
	}

	private static @Nullable String string(Map<String, ?> params, String key, List<Problem> problems) {
		Object value = params.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String text)) {
			problems.add(new Problem("git." + key, "expected a string, not " + jsonType(value)));
			return null;
		}
		if (text.isBlank()) {
			problems.add(new Problem("git." + key, "expected a non-empty string"));
			return null;
		}
		return text;
	}

	private static String jsonType(Object value) {
		if (value instanceof Number) {
			return "a number";
		}
		if (value instanceof Boolean) {
			return "true or false";
		}
		return (value instanceof Map) ? "an object"
				: (value instanceof List) ? "a list" : "a " + value.getClass().getSimpleName();
	}

}
