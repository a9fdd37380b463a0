package dev.pyapp.server.runtime.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.InstalledApp.Scale;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppScale;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The operator's scale of each app's daemon ({@code apps.scale}): kept with the app's
 * record in the registry ({@link InstalledApp#scale()}, read from memory and gone with
 * the app) across releases and restarts, and applied to what a release's
 * {@code metadata.yaml} asks for whenever a daemon of the app is launched.
 */
@Component
public class DaemonScales {

	private final AppRegistry registry;

	private final AppContexts contexts;

	DaemonScales(AppRegistry registry, AppContexts contexts) {
		this.registry = registry;
		this.contexts = contexts;
	}

	/**
	 * The daemon settings a launch uses: the release's, with the operator's counts in
	 * place of its own.
	 * @param app the app
	 * @param daemon what the release asks for
	 * @return the settings to launch with
	 */
	AppManifest.Daemon applied(AppId app, AppManifest.Daemon daemon) {
		return find(app).map((scale) -> daemon.scaled((scale.workers() != null) ? scale.workers() : daemon.workers(),
				(scale.threads() != null) ? scale.threads() : daemon.threads()))
			.orElse(daemon);
	}

	/**
	 * What a release's daemon runs with, and which counts are the operator's.
	 * @param app the app
	 * @param release the release
	 * @return the counts
	 */
	public AppScale of(AppId app, String release) {
		AppManifest.Daemon own = this.contexts.manifest(app, release).daemon();
		Scale scale = find(app).orElse(null);
		boolean workersScaled = scale != null && scale.workers() != null;
		boolean threading = own.method() == AppManifest.DaemonMethod.THREADING;
		boolean threadsScaled = threading && scale != null && scale.threads() != null;
		int workers = Math.max(1, workersScaled ? scale.workers() : own.workers());
		int threads = !threading ? 1 : Math.max(1, threadsScaled ? scale.threads() : own.threads());
		return new AppScale(workers, threads, workersScaled, threadsScaled, threading);
	}

	/**
	 * The operator's scale of an app, if any.
	 * @param app the app
	 * @return its scale
	 */
	Optional<Scale> find(AppId app) {
		return this.registry.find(app).map(InstalledApp::scale);
	}

	/**
	 * Changes the operator's scale of an app: given counts replace the earlier ones,
	 * {@code reset} first returns both to the release's own.
	 * @param app the app
	 * @param release its live release (whose {@code daemon.method} decides whether
	 * threads can be scaled)
	 * @param workers worker processes, or {@code null} to keep
	 * @param threads threads per worker, or {@code null} to keep
	 * @param reset whether to drop the earlier scale first
	 * @return the scale before the change, to {@link #restore} it
	 * @throws PyappException ({@code INVALID}) naming every bad value; nothing changes
	 * then
	 */
	public Optional<Scale> change(AppId app, String release, @Nullable Integer workers, @Nullable Integer threads,
			boolean reset) {
		List<Problem> problems = new ArrayList<>();
		if (workers == null && threads == null && !reset) {
			problems.add(new Problem("workers", "give workers, threads or reset: true"));
		}
		if (workers != null && (workers < 1 || workers > AppManifest.Daemon.MAX_WORKERS)) {
			problems.add(new Problem("workers",
					"must be between 1 and " + AppManifest.Daemon.MAX_WORKERS + "; found " + workers));
		}
		if (threads != null) {
			if (threads < 1 || threads > AppManifest.Daemon.MAX_THREADS) {
				problems.add(new Problem("threads",
						"must be between 1 and " + AppManifest.Daemon.MAX_THREADS + "; found " + threads));
			}
			else if (this.contexts.manifest(app, release).daemon().method() == AppManifest.DaemonMethod.PROCESSES) {
				problems.add(new Problem("threads", "the app's daemon.method is processes: each worker has one "
						+ "thread; scale it with workers (or give it daemon.method: threading)"));
			}
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid scale of app '" + app + "'", problems);
		}
		Optional<Scale> before = find(app);
		Scale earlier = reset ? null : before.orElse(null);
		Integer newWorkers = (workers != null) ? workers : (earlier != null) ? earlier.workers() : null;
		Integer newThreads = (threads != null) ? threads : (earlier != null) ? earlier.threads() : null;
		restore(app, (newWorkers == null && newThreads == null) ? Optional.empty()
				: Optional.of(new Scale(newWorkers, newThreads)));
		return before;
	}

	/**
	 * Puts an earlier scale back (a scale whose restart failed).
	 * @param app the app
	 * @param scale the earlier scale, or empty for none
	 */
	public void restore(AppId app, Optional<Scale> scale) {
		this.registry.update(app, (installed) -> installed.withScale(scale.orElse(null), Instant.now()));
	}

}
