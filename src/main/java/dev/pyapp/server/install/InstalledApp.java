package dev.pyapp.server.install;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
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
 * @param scale the operator's worker and thread counts for its daemon
 * ({@code apps.scale}), or {@code null} for what its releases ask for
 */
@Document("apps")
public record InstalledApp(@Id String name, AppSource source, @Nullable String currentRelease, Map<String, String> env,
		Instant created, Instant updated, @Nullable Scale scale) {

	@PersistenceCreator
	public InstalledApp {
		env = (env != null) ? Map.copyOf(env) : Map.of();
	}

	public InstalledApp(String name, AppSource source, @Nullable String currentRelease, Map<String, String> env,
			Instant created, Instant updated) {
		this(name, source, currentRelease, env, created, updated, null);
	}

	public InstalledApp withCurrentRelease(@Nullable String releaseId, Instant now) {
		return new InstalledApp(this.name, this.source, releaseId, this.env, this.created, now, this.scale);
	}

	public InstalledApp withEnv(Map<String, String> env, Instant now) {
		return new InstalledApp(this.name, this.source, this.currentRelease, env, this.created, now, this.scale);
	}

	public InstalledApp withSource(AppSource source, Instant now) {
		return new InstalledApp(this.name, source, this.currentRelease, this.env, this.created, now, this.scale);
	}

	public InstalledApp withScale(@Nullable Scale scale, Instant now) {
		return new InstalledApp(this.name, this.source, this.currentRelease, this.env, this.created, now, scale);
	}

	/**
	 * An operator's scale of an app's daemon: counts that replace what its releases'
	 * {@code metadata.yaml} asks for, kept across releases and restarts until reset.
	 *
	 * @param workers worker processes, or {@code null} for the release's
	 * {@code daemon.workers}
	 * @param threads threads per worker, or {@code null} for the release's
	 * {@code daemon.threads}
	 */
	public record Scale(@Nullable Integer workers, @Nullable Integer threads) {
	}

}
