package dev.pyapp.server.deploy;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a git app follows its repository beside its strategy, for {@code apps.get}.
 *
 * @param prereleases whether latest-tag may pick pre-releases
 * @param pollInterval how often the repository is fetched, or {@code null} when only a
 * post-commit hook or {@code apps.update} looks
 * @param lastChecked when the repository was last fetched, or {@code null}
 * @param lastEvent what the last install, push or poll led to, for a person
 * @param available a newer revision recorded but not deployed, or {@code null}
 */
public record GitFollowing(boolean prereleases, @Nullable Duration pollInterval, @Nullable Instant lastChecked,
		@Nullable String lastEvent, @Nullable AvailableUpdate available) {

	static GitFollowing of(GitAppState state) {
		return new GitFollowing(state.prereleases(),
				(state.pollSeconds() != null) ? Duration.ofSeconds(state.pollSeconds()) : null, state.lastChecked(),
				state.lastEvent(), state.available());
	}

}
