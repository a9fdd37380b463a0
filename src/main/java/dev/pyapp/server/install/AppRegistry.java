package dev.pyapp.server.install;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The installed apps and their releases (MongoDB), and the progress of the long work
 * (install, upgrade, rollback) running for each.
 */
@Component
public class AppRegistry {

	private final AppRepository apps;

	private final ReleaseRepository releases;

	private final Map<String, Progress> progress = new ConcurrentHashMap<>();

	AppRegistry(AppRepository apps, ReleaseRepository releases) {
		this.apps = apps;
		this.releases = releases;
	}

	public List<InstalledApp> list() {
		return this.apps.findAll().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
	}

	public Optional<InstalledApp> find(AppId app) {
		return this.apps.findById(app.value());
	}

	/**
	 * The app with this name.
	 * @param app the name
	 * @return the app
	 * @throws PyappException ({@code NOT_FOUND}) if no such app is installed
	 */
	public InstalledApp get(AppId app) {
		return find(app).orElseThrow(() -> PyappException.notFound("no app named '" + app + "' is installed"));
	}

	public InstalledApp save(InstalledApp app) {
		return this.apps.save(app);
	}

	/**
	 * The app's releases, newest first.
	 * @param app the app
	 * @return its releases
	 */
	public List<Release> releases(AppId app) {
		return this.releases.findByAppOrderByCreatedDesc(app.value());
	}

	public Optional<Release> release(AppId app, String releaseId) {
		return this.releases.findById(Release.id(app.value(), releaseId));
	}

	/**
	 * The app's live release.
	 * @param app the app
	 * @return the release, or empty if none is live
	 */
	public Optional<Release> currentRelease(AppId app) {
		return find(app).flatMap((installed) -> (installed.currentRelease() != null)
				? release(app, installed.currentRelease()) : Optional.empty());
	}

	public Release save(Release release) {
		return this.releases.save(release);
	}

	public void deleteRelease(Release release) {
		this.releases.deleteById(release.id());
	}

	/**
	 * Forgets an app and all its releases (the files are the caller's business).
	 * @param app the app
	 */
	public void delete(AppId app) {
		this.releases.deleteByApp(app.value());
		this.apps.deleteById(app.value());
		this.progress.remove(app.value());
	}

	/**
	 * Records what the long work running for an app is doing now.
	 * @param app the app
	 * @param phase {@code installing} or {@code upgrading}
	 * @param step the step's short name, such as {@code extract} or {@code venv}
	 * @param message what it is doing, for a person
	 */
	public void progress(AppId app, String phase, String step, String message) {
		this.progress.compute(app.value(), (name, known) -> new Progress(phase, step, message,
				(known != null) ? known.version() : null, (known != null) ? known.source() : null));
	}

	/**
	 * Records that long work began for an app, from its first moment: a first install is
	 * listed ({@link #installing()}) before anything of it is stored.
	 * @param app the app
	 * @param phase {@code installing} or {@code upgrading}
	 * @param version the version being installed, if known
	 * @param source where it comes from
	 * @param message what it is doing, for a person
	 */
	public void begin(AppId app, String phase, @Nullable String version, AppSource source, String message) {
		this.progress.put(app.value(), new Progress(phase, "validate", message, version, source));
	}

	/**
	 * The first installs under way whose app is not stored yet.
	 * @return their names and progress, by name
	 */
	public Map<String, Progress> installing() {
		Map<String, Progress> installing = new java.util.TreeMap<>();
		this.progress.forEach((name, progress) -> {
			if (progress.phase().equals("installing") && progress.source() != null
					&& this.apps.findById(name).isEmpty()) {
				installing.put(name, progress);
			}
		});
		return installing;
	}

	public void done(AppId app) {
		this.progress.remove(app.value());
	}

	public @Nullable Progress progress(AppId app) {
		return this.progress.get(app.value());
	}

	/**
	 * The step long work is at.
	 *
	 * @param phase {@code installing} or {@code upgrading}
	 * @param step the step's short name
	 * @param message what it is doing
	 * @param version the version being installed, if known
	 * @param source where it comes from, if known
	 */
	public record Progress(String phase, String step, String message, @Nullable String version,
			@Nullable AppSource source) {

		public Progress(String phase, String step, String message) {
			this(phase, step, message, null, null);
		}

	}

}
