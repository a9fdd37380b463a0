package dev.pyapp.server.rpc;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.logs.AppErrors;
import dev.pyapp.server.logs.DeployDiagnosis;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.HealthMonitor;
import dev.pyapp.server.runtime.ProcessState;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The fields of {@code apps.list} and {@code apps.get} that tell an operator whether to
 * trust an app: {@code health}, {@code urls}, {@code last_error} and, on
 * {@code apps.get}, {@code last_deploy} with the cause of a failure; and the {@code data}
 * of a failed deploy ({@code app}, {@code release}, {@code cause}, {@code live}).
 */
@Component
class AppOverview {

	/** How long a failed deploy's answer waits for the release's last output. */
	private static final Duration CAUSE_WAIT = Duration.ofSeconds(3);

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	private final HealthMonitor health;

	private final AppErrors errors;

	private final DeployDiagnosis diagnosis;

	AppOverview(AppRegistry registry, AppSupervisor supervisor, HealthMonitor health, AppErrors errors,
			DeployDiagnosis diagnosis) {
		this.registry = registry;
		this.supervisor = supervisor;
		this.health = health;
		this.errors = errors;
		this.diagnosis = diagnosis;
	}

	/**
	 * What {@code apps.list} shows of an installed app: the given fields plus
	 * {@code health}, {@code urls} and {@code last_error}.
	 * @param app the app
	 * @param version its live release's version
	 * @param state its state as listed
	 * @param mounts where it is mounted
	 * @param source where its releases come from
	 * @param installed when its current installation began (errors of an earlier one
	 * under the same name are not its {@code last_error})
	 * @param urls the URLs at which it is served now ({@link MountManager#urls})
	 * @param webServer the web server's status, asked only for a running app with URLs
	 * (one listing asks it once)
	 * @return the summary
	 */
	AppSummary.Installed summary(AppId app, @Nullable String version, String state, List<AppSummary.MountPoint> mounts,
			AppSource source, Instant installed, List<String> urls, Supplier<WebServerStatus> webServer) {
		return new AppSummary.Installed(app.value(), version, state, mounts, source,
				health(app, state, !urls.isEmpty(), webServer), urls,
				this.errors.lastError(app, installed).map(AppSummary.LastError::of).orElse(null));
	}

	/**
	 * {@code last_deploy}: the newest release, with the cause when it failed.
	 * @param app the app
	 * @param releases its releases ({@link AppRegistry#releases})
	 * @return it, or {@code null} without releases
	 */
	AppDetails.@Nullable DeployView lastDeploy(AppId app, List<Release> releases) {
		Release newest = releases.stream().max(Comparator.comparing(Release::created)).orElse(null);
		if (newest == null) {
			return null;
		}
		AppDetails.LastDeploy deploy = AppDetails.LastDeploy.of(newest);
		if (newest.state() == ReleaseState.FAILED) {
			return new AppDetails.FailedDeploy(deploy,
					cause(app, newest.releaseId(), Duration.ZERO).map(AppDetails.Cause::of).orElse(null));
		}
		return deploy;
	}

	/**
	 * {@code errors_acknowledged}.
	 * @param app the app
	 * @return the last acknowledgement of its errors, or {@code null}
	 */
	AppDetails.@Nullable Acknowledged errorsAcknowledged(AppId app) {
		return this.errors.acknowledgement(app).map(AppDetails.Acknowledged::of).orElse(null);
	}

	/**
	 * The error a failed deploy answers with: a {@code FAILED} one gets {@code app},
	 * {@code release}, {@code cause} (what the release printed), {@code hint} and
	 * {@code live} (the live release, with whether it serves, or {@code null}) in its
	 * data.
	 * @param failed the failure
	 * @return the exception to throw
	 */
	RuntimeException failure(DeployWatch.Failed failed) {
		RuntimeException ex = failed.failure();
		DeployWatch.Deploy deploy = failed.deploy();
		if (!(ex instanceof PyappException pyapp) || pyapp.getKind() != ErrorKind.FAILED || deploy == null) {
			return ex;
		}
		String log = (pyapp.getLog() != null) ? pyapp.getLog() : "";
		AppDetails.Cause cause = cause(deploy.app(), deploy.release(), CAUSE_WAIT).map(AppDetails.Cause::of)
			.orElse(null);
		FailureData data = new FailureData(pyapp.getKind().type(), log, deploy.app().value(), deploy.release(), cause,
				ReleaseWrites.hint(log + "\n" + ((cause != null) ? cause.excerpt() : "")),
				this.registry.find(deploy.app()).flatMap((installed) -> {
					String live = installed.currentRelease();
					return (live != null) ? this.registry.currentRelease(deploy.app()) : Optional.empty();
				})
					.map((release) -> new LiveRelease(release.releaseId(), release.version(),
							serving(deploy.app(), release)))
					.orElse(null));
		return new RpcError(pyapp.getKind().code(), String.valueOf(pyapp.getMessage()), data);
	}

	// the live release of an app that is stopped, or whose first start never happened
	// (its
	// post-install hook failed, its settings are missing), serves nothing: a failed
	// upgrade must not say that it still serves
	private boolean serving(AppId app, Release live) {
		AppStatus status = this.supervisor.status(app);
		return status.state() == ProcessState.RUNNING && live.releaseId().equals(status.release());
	}

	// DeployDiagnosis remembers each release's answer until more of its output is stored
	private Optional<DeployDiagnosis.Cause> cause(AppId app, String release, Duration wait) {
		return this.diagnosis.cause(app, release, wait);
	}

	private AppSummary.Health health(AppId app, String state, boolean mounted, Supplier<WebServerStatus> webServer) {
		AppStatus status = this.supervisor.status(app);
		HealthMonitor.HealthReport report = this.health.report(app).orElse(null);
		String value;
		String message = null;
		String source = "process";
		if (status.state() == ProcessState.RUNNING) {
			WebServerStatus web = mounted ? webServer.get() : null;
			if (report != null) {
				source = "check";
				value = report.healthy() ? "up" : "down";
				message = report.healthy() ? "health check passed in " + report.millis() + " ms" : report.message();
			}
			else {
				value = "up";
				message = "the daemon runs; its health check has not run yet";
			}
			if (web != null && web.managed() && web.state() != WebServerState.RUNNING) {
				value = "down";
				source = "webserver";
				message = "the web server is " + web.state().value()
						+ ((web.message() != null) ? ": " + web.message() : "");
			}
		}
		else if (status.state() == ProcessState.FAILED) {
			value = "down";
			message = status.reason();
		}
		else if (status.state() == ProcessState.STARTING) {
			value = "starting";
			message = status.reason();
		}
		else if ("failed".equals(state)) {
			// its first install was interrupted: nothing is live to run
			value = "down";
			message = "its first install was interrupted; install it again or remove it";
		}
		else {
			value = "stopped";
			message = "needs-configuration".equals(state) ? "waits for its configuration" : "not running";
		}
		return new AppSummary.Health(value, source, (report != null) ? report.checked().toString() : null, message);
	}

	/**
	 * The {@code data} of a failed deploy's error (SPEC §6 {@code failed}).
	 *
	 * @param type {@code failed}
	 * @param log what the failing step printed; {@code ""} when nothing
	 * @param app the app deployed
	 * @param release the release that failed
	 * @param cause what it printed that explains the failure, or {@code null}
	 * @param hint what to do about it, when the server knows, or {@code null}
	 * @param live the live release (whether or not it serves), or {@code null}
	 */
	record FailureData(String type, String log, String app, String release, AppDetails.@Nullable Cause cause,
			@Nullable String hint, @Nullable LiveRelease live) {
	}

	/**
	 * @param release its id
	 * @param version its version
	 * @param serving whether its daemon runs (an app stopped, or whose first start never
	 * happened, has a live release that serves nothing)
	 */
	record LiveRelease(String release, String version, boolean serving) {
	}

}
