package dev.pyapp.server.rpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.logs.AppErrors;
import dev.pyapp.server.logs.DeployDiagnosis;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.runtime.AppStatus;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.runtime.HealthMonitor;
import dev.pyapp.server.runtime.ProcessState;

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

	private static final int MESSAGE_LENGTH = 300;

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	private final HealthMonitor health;

	private final AppErrors errors;

	private final DeployDiagnosis diagnosis;

	// the cause of a failed release does not change once its output is stored
	private final Map<String, DeployDiagnosis.Cause> causes = new ConcurrentHashMap<>();

	AppOverview(AppRegistry registry, AppSupervisor supervisor, HealthMonitor health, AppErrors errors,
			DeployDiagnosis diagnosis) {
		this.registry = registry;
		this.supervisor = supervisor;
		this.health = health;
		this.errors = errors;
		this.diagnosis = diagnosis;
	}

	/**
	 * Adds {@code health}, {@code urls} and {@code last_error}.
	 * @param app the app
	 * @param state its state as listed
	 * @param urls the URLs at which it is served now ({@link MountManager#urls})
	 * @param webServer the web server's status, asked only for a running app with URLs
	 * (one listing asks it once)
	 * @param result the result to add them to
	 */
	void addSummary(AppId app, String state, List<String> urls, Supplier<WebServerStatus> webServer,
			Map<String, Object> result) {
		result.put("health", health(app, state, !urls.isEmpty(), webServer));
		result.put("urls", urls);
		result.put("last_error", this.errors.lastError(app).map(AppOverview::error).orElse(null));
	}

	/**
	 * Adds {@code last_deploy} (the newest release, with the cause when it failed) and
	 * {@code errors_acknowledged}.
	 * @param app the app
	 * @param releases its releases ({@link AppRegistry#releases})
	 * @param result the result of {@code apps.get}
	 */
	void addDetails(AppId app, List<Release> releases, Map<String, Object> result) {
		Release newest = releases.stream().max(java.util.Comparator.comparing(Release::created)).orElse(null);
		Map<String, Object> deploy = null;
		if (newest != null) {
			deploy = new LinkedHashMap<>();
			deploy.put("release", newest.releaseId());
			deploy.put("version", newest.version());
			deploy.put("state", newest.state().name().toLowerCase(java.util.Locale.ROOT));
			deploy.put("created", newest.created().toString());
			deploy.put("message", newest.message());
			if (newest.state() == ReleaseState.FAILED) {
				deploy.put("cause", cause(app, newest.releaseId(), Duration.ZERO).map(AppOverview::cause).orElse(null));
			}
		}
		result.put("last_deploy", deploy);
		result.put("errors_acknowledged", this.errors.acknowledgement(app).map((ack) -> {
			Map<String, Object> value = new LinkedHashMap<>();
			value.put("time", ack.time().toString());
			value.put("by", ack.by());
			return value;
		}).orElse(null));
	}

	/**
	 * The error a failed deploy answers with: a {@code FAILED} one gets {@code app},
	 * {@code release}, {@code cause} (what the release printed) and {@code live} (the
	 * release still serving, or {@code null}) in its data.
	 * @param failed the failure
	 * @return the exception to throw
	 */
	RuntimeException failure(DeployWatch.Failed failed) {
		RuntimeException ex = failed.failure();
		DeployWatch.Deploy deploy = failed.deploy();
		if (!(ex instanceof PyappException pyapp) || pyapp.getKind() != ErrorKind.FAILED || deploy == null) {
			return ex;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("type", pyapp.getKind().type());
		if (pyapp.getLog() != null) {
			data.put("log", pyapp.getLog());
		}
		data.put("app", deploy.app().value());
		data.put("release", deploy.release());
		data.put("cause", cause(deploy.app(), deploy.release(), CAUSE_WAIT).map(AppOverview::cause).orElse(null));
		data.put("live", this.registry.find(deploy.app()).flatMap((installed) -> {
			String live = installed.currentRelease();
			return (live != null) ? this.registry.currentRelease(deploy.app()) : Optional.empty();
		}).map((release) -> Map.of("release", release.releaseId(), "version", release.version())).orElse(null));
		return new RpcError(pyapp.getKind().code(), String.valueOf(pyapp.getMessage()), data);
	}

	private Optional<DeployDiagnosis.Cause> cause(AppId app, String release, Duration wait) {
		String key = app.value() + "/" + release;
		DeployDiagnosis.Cause known = this.causes.get(key);
		if (known != null) {
			return Optional.of(known);
		}
		Optional<DeployDiagnosis.Cause> cause = this.diagnosis.cause(app, release, wait);
		cause.ifPresent((value) -> {
			if (this.causes.size() > 1000) {
				this.causes.clear();
			}
			this.causes.put(key, value);
		});
		return cause;
	}

	private Map<String, Object> health(AppId app, String state, boolean mounted, Supplier<WebServerStatus> webServer) {
		Map<String, Object> health = new LinkedHashMap<>();
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
		else {
			value = "stopped";
			message = "needs-configuration".equals(state) ? "waits for its configuration" : "not running";
		}
		health.put("status", value);
		health.put("source", source);
		health.put("checked", (report != null) ? report.checked().toString() : null);
		health.put("message", message);
		return health;
	}

	private static Map<String, Object> error(LogRecord record) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("id", Long.toString(record.id()));
		error.put("time", record.time().toString());
		error.put("level", record.level().name());
		error.put("logger", record.logger());
		error.put("release", record.release());
		String message = record.message().strip();
		int newline = message.indexOf('\n');
		if (newline >= 0) {
			message = message.substring(0, newline);
		}
		if (message.length() > MESSAGE_LENGTH) {
			message = message.substring(0, MESSAGE_LENGTH) + "…";
		}
		error.put("message", message);
		return error;
	}

	private static Map<String, Object> cause(DeployDiagnosis.Cause cause) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("summary", cause.summary());
		result.put("excerpt", cause.excerpt());
		result.put("records", cause.records());
		return result;
	}

}
