package dev.pyapp.server.install;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An installed app, as the registry keeps it.
 *
 * @param name the app's name (its id)
 * @param source where its releases come from
 * @param currentRelease the id of the live release ({@code <version>-<timestamp>}), or
 * {@code null} before the first one is live
 * @param env the operator's environment variables for the app
 * @param created when it was first installed
 * @param updated when it last changed
 */
@Document("apps")
public record InstalledApp(@Id String name, AppSource source, @Nullable String currentRelease, Map<String, String> env,
		Instant created, Instant updated) {

	public InstalledApp {
		env = (env != null) ? Map.copyOf(env) : Map.of();
	}

	public InstalledApp withCurrentRelease(@Nullable String releaseId, Instant now) {
		return new InstalledApp(this.name, this.source, releaseId, this.env, this.created, now);
	}

	public InstalledApp withEnv(Map<String, String> env, Instant now) {
		return new InstalledApp(this.name, this.source, this.currentRelease, env, this.created, now);
	}

	public InstalledApp withSource(AppSource source, Instant now) {
		return new InstalledApp(this.name, source, this.currentRelease, this.env, this.created, now);
	}

}
