package dev.pyapp.server.deploy;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What the git route keeps per app beside the app's {@code AppSource}.
 *
 * @param name the app
 * @param prereleases whether latest-tag may pick pre-releases
 * @param pollSeconds the poll interval in seconds, or {@code null} for no polling
 * @param lastChecked when the repository was last fetched
 * @param available a newer revision recorded but not deployed ({@code updates.auto:
 * false}), or {@code null}
 * @param lastEvent what the last push or poll led to, for a person
 */
@Document("git_apps")
record GitAppState(@Id String name, boolean prereleases, @Nullable Long pollSeconds, @Nullable Instant lastChecked,
		@Nullable AvailableUpdate available, @Nullable String lastEvent) {

	GitAppState checked(Instant at) {
		return new GitAppState(this.name, this.prereleases, this.pollSeconds, at, this.available, this.lastEvent);
	}

	GitAppState withAvailable(@Nullable AvailableUpdate available) {
		return new GitAppState(this.name, this.prereleases, this.pollSeconds, this.lastChecked, available,
				this.lastEvent);
	}

	GitAppState withEvent(String event) {
		return new GitAppState(this.name, this.prereleases, this.pollSeconds, this.lastChecked, this.available, event);
	}

}
