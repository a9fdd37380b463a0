package dev.pyapp.server.rpc;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.mount.Mount;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code apps.list}, and the first fields of {@code apps.get} (SPEC §9): an
 * installed app, or a first install still under way (which has no health, URLs or errors
 * yet: those members are absent, not {@code null}).
 */
sealed interface AppSummary permits AppSummary.Installed, AppSummary.Installing {

	String name();

	/**
	 * An installed app.
	 *
	 * @param name the app
	 * @param version the live release's version, or {@code null} without one
	 * @param state its state (SPEC §9: installing, upgrading, needs-configuration,
	 * starting, running, stopped, failed)
	 * @param mounts where it is mounted (staged)
	 * @param source where its releases come from
	 * @param health whether to trust it now
	 * @param urls where it is served now (applied)
	 * @param lastError its newest error not acknowledged, or {@code null}
	 * @param progress in {@code apps.list}, the deploy under way (SPEC §10: an app is
	 * listed with its state and progress); absent when none, and always in
	 * {@code apps.get}, which shows it itself
	 */
	record Installed(String name, @Nullable String version, String state, List<MountPoint> mounts, AppSource source,
			Health health, List<String> urls, @JsonProperty("last_error") @Nullable LastError lastError,
			@JsonInclude(JsonInclude.Include.NON_NULL) AppDetails.@Nullable ProgressView progress)
			implements
				AppSummary {

		Installed(String name, @Nullable String version, String state, List<MountPoint> mounts, AppSource source,
				Health health, List<String> urls, @Nullable LastError lastError) {
			this(name, version, state, mounts, source, health, urls, lastError, null);
		}

		/**
		 * The same entry with the deploy under way.
		 * @param progress the deploy's step, or {@code null} when none
		 * @return the entry
		 */
		Installed withProgress(AppDetails.@Nullable ProgressView progress) {
			return new Installed(this.name, this.version, this.state, this.mounts, this.source, this.health, this.urls,
					this.lastError, progress);
		}

	}

	/**
	 * A first install being checked or extracted.
	 *
	 * @param name the app
	 * @param version the version being installed, once known
	 * @param state {@code installing}
	 * @param mounts none yet
	 * @param source where it comes from, once known
	 * @param progress in {@code apps.list}, the step under way; absent in
	 * {@code apps.get}, which shows it itself
	 */
	record Installing(String name, @Nullable String version, String state, List<MountPoint> mounts,
			@Nullable AppSource source,
			@JsonInclude(JsonInclude.Include.NON_NULL) AppDetails.@Nullable ProgressView progress)
			implements
				AppSummary {

		Installing(String name, @Nullable String version, @Nullable AppSource source) {
			this(name, version, "installing", List.of(), source, null);
		}

		Installing(String name, AppRegistry.Progress progress) {
			this(name, progress.version(), "installing", List.of(), progress.source(),
					AppDetails.ProgressView.of(progress));
		}

	}

	/**
	 * @param server the virtual server
	 * @param path the path the app is mounted at
	 */
	record MountPoint(String server, String path) {

		static MountPoint of(Mount mount) {
			return new MountPoint(mount.server(), mount.path());
		}

	}

	/**
	 * @param status {@code up}, {@code down}, {@code starting} or {@code stopped}
	 * @param source what tells it: {@code process}, {@code check} or {@code webserver}
	 * @param checked when the health check last ran, or {@code null}
	 * @param message why, for people
	 */
	record Health(String status, String source, @Nullable String checked, @Nullable String message) {
	}

	/**
	 * @param id the log record's id
	 * @param time when it was logged
	 * @param level its level
	 * @param logger its logger
	 * @param release the release that logged it
	 * @param message its first line, at most {@value #MESSAGE_LENGTH} characters
	 */
	record LastError(String id, String time, String level, String logger, @Nullable String release, String message) {

		static final int MESSAGE_LENGTH = 300;

		static LastError of(LogRecord record) {
			String message = record.message().strip();
			int newline = message.indexOf('\n');
			if (newline >= 0) {
				message = message.substring(0, newline);
			}
			if (message.length() > MESSAGE_LENGTH) {
				message = message.substring(0, MESSAGE_LENGTH) + "…";
			}
			return new LastError(Long.toString(record.id()), record.time().toString(), record.level().name(),
					record.logger(), record.release(), message);
		}

	}

}
