package dev.pyapp.server.rpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pyapp.server.appconfig.ConfigStatus;
import dev.pyapp.server.deploy.AvailableUpdate;
import dev.pyapp.server.deploy.GitFollowing;
import dev.pyapp.server.hooks.TaskStatus;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.isolation.IsolationStatus;
import dev.pyapp.server.isolation.LimitStatus;
import dev.pyapp.server.logs.AppErrors;
import dev.pyapp.server.logs.DeployDiagnosis;
import dev.pyapp.server.runtime.AppScale;
import dev.pyapp.server.runtime.AppStatus;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@code apps.get} (SPEC §9, §10), also the answer of {@code apps.install},
 * {@code apps.rollback}, {@code apps.env.set} and {@code apps.update}: an installed app,
 * or a first install under way (fewer members: no health, URLs, isolation, errors, update
 * or last deploy yet).
 */
sealed interface AppDetails permits AppDetails.Installed, AppDetails.Installing {

	/**
	 * An installed app.
	 *
	 * @param summary what {@code apps.list} shows of it
	 * @param release the live release's id, or {@code null}
	 * @param env the operator's environment variables; each value {@code "***"} for a
	 * viewer ({@link EnvValues})
	 * @param releases every release, oldest first as stored
	 * @param process its daemon
	 * @param scale the workers and threads its live release's daemon runs with, or
	 * {@code null} without a live release on disk
	 * @param isolation who it runs as and within which limits
	 * @param tasks its recurring tasks (of the live release)
	 * @param config its configuration status, or {@code null} before a release is on disk
	 * or when the spec cannot be read
	 * @param progress the deploy under way; absent when none
	 * @param updateAvailable a git revision recorded but not deployed, or {@code null}
	 * @param git how a git app follows its repository; absent for an archive's app
	 * @param lastDeploy the newest release, with the cause when it failed, or
	 * {@code null}
	 * @param errorsAcknowledged the last acknowledgement of its errors, or {@code null}
	 */
	record Installed(@JsonUnwrapped AppSummary.Installed summary, @Nullable String release, Map<String, String> env,
			List<ReleaseView> releases, ProcessView process, @Nullable ScaleView scale, IsolationView isolation,
			List<TaskStatus> tasks, @Nullable ConfigView config,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable ProgressView progress,
			@JsonProperty("update_available") @Nullable UpdateView updateAvailable,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable GitView git,
			@JsonProperty("last_deploy") @Nullable DeployView lastDeploy,
			@JsonProperty("errors_acknowledged") @Nullable Acknowledged errorsAcknowledged) implements AppDetails {

		/**
		 * The same app with other variables ({@link EnvValues}: masked for a viewer).
		 * @param env the variables to show
		 * @return the copy
		 */
		Installed withEnv(Map<String, String> env) {
			return new Installed(this.summary, this.release, env, this.releases, this.process, this.scale,
					this.isolation, this.tasks, this.config, this.progress, this.updateAvailable, this.git,
					this.lastDeploy, this.errorsAcknowledged);
		}

	}

	/**
	 * A first install being checked or extracted.
	 *
	 * @param summary what {@code apps.list} shows of it
	 * @param release always {@code null}
	 * @param env always empty
	 * @param releases always empty
	 * @param process its daemon (stopped)
	 * @param tasks always empty
	 * @param config always {@code null}
	 * @param progress the step under way
	 */
	record Installing(@JsonUnwrapped AppSummary.Installing summary, @Nullable String release, Map<String, String> env,
			List<ReleaseView> releases, ProcessView process, List<TaskStatus> tasks, @Nullable ConfigView config,
			ProgressView progress) implements AppDetails {

		Installing(AppSummary.Installing summary, ProcessView process, ProgressView progress) {
			this(summary, null, Map.of(), List.of(), process, List.of(), null, progress);
		}

	}

	/**
	 * {@code apps.rollback}: the app, and what a rollback does not undo.
	 *
	 * @param app the app now
	 * @param note what the rollback means for data and databases, by its direction
	 * ({@link dev.pyapp.server.deploy.RollbackResult#note()})
	 */
	record RolledBack(@JsonUnwrapped Installed app, String note) {
	}

	/**
	 * {@code apps.env.set}: the app, and whether it must restart to use the variables.
	 *
	 * @param app the app now
	 * @param restartNeeded whether it runs and was not restarted
	 */
	record EnvSet(@JsonUnwrapped Installed app, @JsonProperty("restart_needed") boolean restartNeeded) {
	}

	/**
	 * {@code apps.update}: the app, and the revision its strategy selected.
	 *
	 * @param app the app now
	 * @param updated whether a new release went live
	 * @param message {@code already current} or what was deployed
	 * @param commit the selected commit
	 * @param ref the ref it was selected from
	 */
	record Updated(@JsonUnwrapped Installed app, boolean updated, String message, String commit, String ref) {
	}

	/**
	 * A release.
	 *
	 * @param id its id
	 * @param version its version
	 * @param source the archive or repository it came from
	 * @param checksum its archive's SHA-256
	 * @param commit its git commit, or {@code null}
	 * @param created when it was made
	 * @param state its state, lower case
	 * @param message why it is in that state, or {@code null}
	 */
	record ReleaseView(String id, String version, String source, String checksum, @Nullable String commit,
			String created, String state, @Nullable String message) {

		static ReleaseView of(Release release) {
			return new ReleaseView(release.releaseId(), release.version(), release.source(), release.checksum(),
					release.commit(), release.created().toString(), release.state().name().toLowerCase(Locale.ROOT),
					release.message());
		}

	}

	/**
	 * An app's daemon (also the result of {@code apps.start}, {@code apps.stop} and
	 * {@code apps.restart}).
	 *
	 * @param state its state
	 * @param release the release it runs
	 * @param server the app server ({@code gunicorn}, {@code uwsgi})
	 * @param pid its process id
	 * @param socket its socket
	 * @param port its TCP port
	 * @param started when it started
	 * @param uptime seconds since then
	 * @param restarts restarts since the server started
	 * @param lastExit its last exit status
	 * @param reason why it is in its state
	 */
	record ProcessView(String state, @Nullable String release, @Nullable String server, @Nullable Long pid,
			@Nullable String socket, @Nullable Integer port, @Nullable String started, @Nullable Long uptime,
			int restarts, @JsonProperty("last_exit") @Nullable Integer lastExit, @Nullable String reason) {

		static ProcessView of(AppStatus status) {
			return new ProcessView(status.state().value(), status.release(), status.server(), status.pid(),
					status.socket(), status.port(), (status.started() != null) ? status.started().toString() : null,
					status.uptimeSeconds(), status.restarts(), status.lastExit(), status.reason());
		}

	}

	/**
	 * The workers and threads a daemon runs with ({@code apps.get}'s {@code scale}, and
	 * with the daemon's state the answer of {@code apps.scale}).
	 *
	 * @param workers worker processes
	 * @param threads threads per worker
	 * @param source {@code app} (its {@code metadata.yaml}) or {@code operator}
	 * ({@code apps.scale})
	 * @param method the release's {@code daemon.method}: {@code threading}, or
	 * {@code processes} (one thread per worker; its threads cannot be scaled)
	 */
	record ScaleView(int workers, int threads, String source, String method) {

		static ScaleView of(AppScale scale) {
			return new ScaleView(scale.workers(), scale.threads(), scale.source(),
					scale.threading() ? "threading" : "processes");
		}

	}

	/**
	 * The answer of {@code apps.scale}.
	 *
	 * @param scale what the daemon runs with now (or from its next start)
	 * @param process the daemon
	 */
	record Scaled(ScaleView scale, ProcessView process) {
	}

	/**
	 * Who an app runs as and within which limits (also the result of
	 * {@code apps.limits.set}).
	 *
	 * @param user its user
	 * @param uid its user id
	 * @param gid its group id
	 * @param ownUser whether the user is its own
	 * @param userReason why not, or {@code null}
	 * @param sandbox its sandbox
	 * @param sandboxReason why none, or {@code null}
	 * @param limits each limit by name
	 */
	record IsolationView(String user, int uid, int gid, @JsonProperty("own_user") boolean ownUser,
			@JsonProperty("user_reason") @Nullable String userReason, String sandbox,
			@JsonProperty("sandbox_reason") @Nullable String sandboxReason, Map<String, LimitView> limits) {

		static IsolationView of(IsolationStatus status) {
			// keyed by the limit's name, in the order the isolation lists them
			Map<String, LimitView> limits = new LinkedHashMap<>();
			for (LimitStatus limit : status.limits()) {
				limits.put(limit.name(), new LimitView(limit.value(), limit.requested(), limit.cap(), limit.source(),
						limit.enforcement()));
			}
			return new IsolationView(status.user(), status.uid(), status.gid(), status.ownUser(), status.userReason(),
					status.sandbox(), status.sandboxReason(), limits);
		}

	}

	/**
	 * @param value the limit in force
	 * @param requested what the app asks for
	 * @param cap the operator's cap
	 * @param source where the value comes from
	 * @param enforcedBy what enforces it
	 */
	record LimitView(@Nullable Number value, @Nullable Number requested, @Nullable Number cap, String source,
			@JsonProperty("enforced_by") String enforcedBy) {
	}

	/**
	 * SPEC §10 {@code config}.
	 *
	 * @param complete whether every required setting has a value
	 * @param missing the required settings without one
	 * @param file the config file
	 * @param saved when it was last saved, or {@code null}
	 */
	record ConfigView(boolean complete, List<String> missing, String file, @Nullable String saved) {

		static ConfigView of(ConfigStatus status) {
			return new ConfigView(status.complete(), status.missing(), status.file().toString(),
					(status.saved() != null) ? status.saved().toString() : null);
		}

	}

	/**
	 * @param step the deploy's step
	 * @param message what it does
	 */
	record ProgressView(String step, String message) {

		static ProgressView of(AppRegistry.Progress progress) {
			return new ProgressView(progress.step(), progress.message());
		}

	}

	/**
	 * {@code git}: how a git app follows its repository beside its {@code source}.
	 *
	 * @param prereleases whether latest-tag may pick pre-releases
	 * @param pollInterval how often the server fetches the repository ({@code 30s},
	 * {@code 5m}, {@code 1h}), or {@code null} when only a hook or {@code apps.update}
	 * looks
	 * @param lastChecked when it was last fetched, or {@code null}
	 * @param lastEvent what the last install, push or poll led to, or {@code null}
	 */
	record GitView(boolean prereleases, @JsonProperty("poll_interval") @Nullable String pollInterval,
			@JsonProperty("last_checked") @Nullable String lastChecked,
			@JsonProperty("last_event") @Nullable String lastEvent) {

		static GitView of(GitFollowing following) {
			Duration poll = following.pollInterval();
			return new GitView(following.prereleases(), (poll != null) ? interval(poll) : null,
					(following.lastChecked() != null) ? following.lastChecked().toString() : null,
					following.lastEvent());
		}

		/** In the unit {@code poll_interval} is given in: the largest that divides it. */
		private static String interval(Duration poll) {
			long seconds = poll.toSeconds();
			if (seconds % 3600 == 0) {
				return (seconds / 3600) + "h";
			}
			return (seconds % 60 == 0) ? (seconds / 60) + "m" : seconds + "s";
		}

	}

	/**
	 * @param commit the revision's commit
	 * @param ref its ref
	 * @param detected when it was seen
	 */
	record UpdateView(String commit, String ref, String detected) {

		static UpdateView of(AvailableUpdate update) {
			return new UpdateView(update.commit(), update.ref(), update.detected().toString());
		}

	}

	/**
	 * {@code last_deploy}: a release that did not fail, or one that did (with a
	 * {@code cause}).
	 */
	sealed interface DeployView permits LastDeploy, FailedDeploy {

	}

	/**
	 * @param release its id
	 * @param version its version
	 * @param state its state, lower case
	 * @param created when it was made
	 * @param message why it is in that state, or {@code null}
	 */
	record LastDeploy(String release, String version, String state, String created,
			@Nullable String message) implements DeployView {

		static LastDeploy of(Release release) {
			return new LastDeploy(release.releaseId(), release.version(),
					release.state().name().toLowerCase(Locale.ROOT), release.created().toString(), release.message());
		}

	}

	/**
	 * @param deploy the release
	 * @param cause what it printed that explains the failure, or {@code null}
	 */
	record FailedDeploy(@JsonUnwrapped LastDeploy deploy, @Nullable Cause cause) implements DeployView {
	}

	/**
	 * @param summary the line that explains the failure
	 * @param excerpt the output around it
	 * @param records how many records were read
	 */
	record Cause(String summary, String excerpt, int records) {

		static Cause of(DeployDiagnosis.Cause cause) {
			return new Cause(cause.summary(), cause.excerpt(), cause.records());
		}

	}

	/**
	 * @param time when the errors were acknowledged
	 * @param by who did
	 */
	record Acknowledged(String time, @Nullable String by) {

		static Acknowledged of(AppErrors.Acknowledgement ack) {
			return new Acknowledged(ack.time().toString(), ack.by());
		}

	}

}
