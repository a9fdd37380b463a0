package dev.pyapp.server.install;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The installed apps and their releases (MongoDB), and the progress of the long work
 * (install, upgrade, rollback) running for each, which {@link AppLifecycles} owns.
 */
@Component
public class AppRegistry {

	private static final Comparator<Release> NEWEST_FIRST = Comparator.comparing(Release::created).reversed();

	private final AppRepository apps;

	private final ReleaseRepository releases;

	private final AppLifecycles lifecycles;

	AppRegistry(AppRepository apps, ReleaseRepository releases, AppLifecycles lifecycles) {
		this.apps = apps;
		this.releases = releases;
		this.lifecycles = lifecycles;
	}

	public List<InstalledApp> list() {
		return this.apps.findAll().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
	}

	/**
	 * Every stored app with its live release, and the first installs under way whose app
	 * is not stored yet, in two queries however many apps there are ({@code apps.list}).
	 * An install that stores its app while this runs is listed once, either way.
	 * @return the listing
	 */
	public Listing listing() {
		// taken before the apps are read: an app stored in between is then among them
		Map<String, Progress> firstInstalls = this.lifecycles.firstInstalls();
		List<InstalledApp> stored = list();
		Set<String> names = stored.stream().map(InstalledApp::name).collect(Collectors.toSet());
		Map<String, Progress> installing = new TreeMap<>(firstInstalls);
		installing.keySet().removeAll(names);
		return new Listing(stored, liveReleases(stored), installing);
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
		// by the prefix of their ids ("<app>/"), which the id index answers without
		// reading the other apps' releases; an app name has no character special in a
		// regular expression
		return this.releases.findByIdMatching("^" + app.value() + "/")
			.stream()
			.filter((release) -> release.app().equals(app.value()))
			.sorted(NEWEST_FIRST)
			.toList();
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
		this.lifecycles.forget(app);
	}

	/**
	 * Begins the progress of long work for an app, from its first moment: a first install
	 * is listed ({@link #installing()}) before anything of it is stored.
	 * @param app the app
	 * @param phase {@code installing} or {@code upgrading}
	 * @param version the version being installed, if known
	 * @param source where it comes from
	 * @param message what it is doing, for a person
	 * @return the progress, to close (try-with-resources) when the work ends
	 */
	public DeployProgress begin(AppId app, String phase, @Nullable String version, AppSource source, String message) {
		return this.lifecycles.begin(app, phase, version, source, message);
	}

	/**
	 * The first installs under way whose app is not stored yet.
	 * @return their names and progress, by name
	 */
	public Map<String, Progress> installing() {
		Map<String, Progress> installing = this.lifecycles.firstInstalls();
		if (!installing.isEmpty()) {
			this.apps.findAllById(installing.keySet()).forEach((app) -> installing.remove(app.name()));
		}
		return installing;
	}

	/**
	 * The first install under way of an app that is not stored yet.
	 * @param app the app
	 * @return its progress, or empty if the app is stored or no first install of it runs
	 */
	public Optional<Progress> installing(AppId app) {
		Progress progress = this.lifecycles.progress(app);
		if (progress == null || !AppLifecycles.isFirstInstall(progress) || this.apps.existsById(app.value())) {
			return Optional.empty();
		}
		return Optional.of(progress);
	}

	/**
	 * @param app the app
	 * @return the progress of the long work running for it, or {@code null}
	 */
	public @Nullable Progress progress(AppId app) {
		return this.lifecycles.progress(app);
	}

	private Map<String, Release> liveReleases(List<InstalledApp> apps) {
		List<String> ids = apps.stream()
			.filter((app) -> app.currentRelease() != null)
			.map((app) -> Release.id(app.name(), app.currentRelease()))
			.toList();
		Map<String, Release> live = new HashMap<>();
		if (!ids.isEmpty()) {
			this.releases.findAllById(ids).forEach((release) -> live.put(release.id(), release));
		}
		return live;
	}

	/**
	 * What {@code apps.list} shows, read at once.
	 *
	 * @param apps the stored apps, by name
	 * @param liveReleases the live release of each app that has one, by release id
	 * @param installing the first installs under way whose app is not stored yet, by name
	 */
	public record Listing(List<InstalledApp> apps, Map<String, Release> liveReleases,
			Map<String, Progress> installing) {

		/**
		 * The app's live release.
		 * @param app a stored app
		 * @return its live release, or empty if none is live
		 */
		public Optional<Release> liveRelease(InstalledApp app) {
			String live = app.currentRelease();
			return (live != null) ? Optional.ofNullable(this.liveReleases.get(Release.id(app.name(), live)))
					: Optional.empty();
		}

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
