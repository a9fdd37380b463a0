package dev.pyapp.server.install;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.internal.AppRepository;
import dev.pyapp.server.install.internal.ReleaseRepository;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * The installed apps and their releases (MongoDB), and the progress of the long work
 * (install, upgrade, rollback) running for each, which {@link AppLifecycles} owns.
 * <p>
 * Every stored app and the live release of each are also kept in memory: this registry is
 * the only writer of both collections, so {@code apps.list} and the app's own document in
 * {@code apps.get} read none (issue 17: a listing read every app's documents, 31 of its
 * 37 ms at 500 apps). They are loaded on first use; each write goes to the store first
 * and then here, under one lock, so the copy never differs from what was stored. Like the
 * lifecycles, this assumes one server per database.
 */
@Component
public class AppRegistry {

	private static final Comparator<Release> NEWEST_FIRST = Comparator.comparing(Release::created).reversed();

	private final AppRepository apps;

	private final ReleaseRepository releases;

	private final AppLifecycles lifecycles;

	private final Object cacheLock = new Object();

	/** The stored apps by name, once loaded. */
	private @Nullable Map<String, InstalledApp> cachedApps;

	/** The live release of each cached app that has one, by app name. */
	private final Map<String, Release> cachedLive = new HashMap<>();

	/** The releases of each app asked for, by app name and release id. */
	private final Map<String, Map<String, Release>> cachedReleases = new HashMap<>();

	AppRegistry(AppRepository apps, ReleaseRepository releases, AppLifecycles lifecycles) {
		this.apps = apps;
		this.releases = releases;
		this.lifecycles = lifecycles;
	}

	/**
	 * The stored apps.
	 * @return them, by name
	 */
	public List<InstalledApp> list() {
		synchronized (this.cacheLock) {
			return List.copyOf(apps().values());
		}
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
		List<InstalledApp> stored;
		Map<String, Release> live = new HashMap<>();
		synchronized (this.cacheLock) {
			stored = List.copyOf(apps().values());
			this.cachedLive.values().forEach((release) -> live.put(release.id(), release));
		}
		Set<String> names = stored.stream().map(InstalledApp::name).collect(Collectors.toSet());
		Map<String, Progress> installing = new TreeMap<>(firstInstalls);
		installing.keySet().removeAll(names);
		return new Listing(stored, live, installing);
	}

	public Optional<InstalledApp> find(AppId app) {
		synchronized (this.cacheLock) {
			return Optional.ofNullable(apps().get(app.value()));
		}
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

	/**
	 * Changes a stored app atomically: the function gets the app as stored and what it
	 * returns is stored, with no other write of the registry in between, so two changes
	 * made at once (two operators' {@code apps.env.set} with {@code merge}) both hold.
	 * Keep the function quick: it runs under the registry's lock.
	 * @param app the app
	 * @param change what to make of it; returning its argument writes nothing
	 * @return the app as stored afterwards
	 * @throws PyappException ({@code NOT_FOUND}) if no such app is installed
	 */
	public InstalledApp update(AppId app, UnaryOperator<InstalledApp> change) {
		synchronized (this.cacheLock) {
			InstalledApp current = get(app);
			InstalledApp changed = change.apply(current);
			Assert.isTrue(changed.name().equals(current.name()), "'change' must keep the app's name");
			return (changed == current) ? current : save(changed);
		}
	}

	public InstalledApp save(InstalledApp app) {
		synchronized (this.cacheLock) {
			Map<String, InstalledApp> cached = apps();
			InstalledApp saved = this.apps.save(app);
			cached.put(saved.name(), saved);
			Release live = this.cachedLive.get(saved.name());
			if (saved.currentRelease() == null) {
				this.cachedLive.remove(saved.name());
			}
			else if (live == null || !live.releaseId().equals(saved.currentRelease())) {
				this.releases.findById(Release.id(saved.name(), saved.currentRelease()))
					.ifPresentOrElse((release) -> this.cachedLive.put(saved.name(), release),
							() -> this.cachedLive.remove(saved.name()));
			}
			return saved;
		}
	}

	/**
	 * The app's releases, newest first.
	 * @param app the app
	 * @return its releases
	 */
	public List<Release> releases(AppId app) {
		synchronized (this.cacheLock) {
			return releasesOf(app.value()).values().stream().sorted(NEWEST_FIRST).toList();
		}
	}

	public Optional<Release> release(AppId app, String releaseId) {
		synchronized (this.cacheLock) {
			return Optional.ofNullable(releasesOf(app.value()).get(releaseId));
		}
	}

	/**
	 * The app's live release.
	 * @param app the app
	 * @return the release, or empty if none is live
	 */
	public Optional<Release> currentRelease(AppId app) {
		synchronized (this.cacheLock) {
			apps();
			return Optional.ofNullable(this.cachedLive.get(app.value()));
		}
	}

	public Release save(Release release) {
		synchronized (this.cacheLock) {
			Map<String, InstalledApp> cached = apps();
			Release saved = this.releases.save(release);
			Map<String, Release> known = this.cachedReleases.get(saved.app());
			if (known != null) {
				known.put(saved.releaseId(), saved);
			}
			InstalledApp owner = cached.get(saved.app());
			if (owner != null && saved.releaseId().equals(owner.currentRelease())) {
				this.cachedLive.put(saved.app(), saved);
			}
			return saved;
		}
	}

	public void deleteRelease(Release release) {
		synchronized (this.cacheLock) {
			apps();
			this.releases.deleteById(release.id());
			Map<String, Release> known = this.cachedReleases.get(release.app());
			if (known != null) {
				known.remove(release.releaseId());
			}
			Release live = this.cachedLive.get(release.app());
			if (live != null && live.id().equals(release.id())) {
				this.cachedLive.remove(release.app());
			}
		}
	}

	/**
	 * Forgets an app and all its releases (the files are the caller's business).
	 * @param app the app
	 */
	public void delete(AppId app) {
		synchronized (this.cacheLock) {
			Map<String, InstalledApp> cached = apps();
			this.releases.deleteByApp(app.value());
			this.apps.deleteById(app.value());
			cached.remove(app.value());
			this.cachedLive.remove(app.value());
			this.cachedReleases.remove(app.value());
		}
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
			synchronized (this.cacheLock) {
				installing.keySet().removeAll(apps().keySet());
			}
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
		if (progress == null || !AppLifecycles.isFirstInstall(progress) || find(app).isPresent()) {
			return Optional.empty();
		}
		return Optional.of(progress);
	}

	/**
	 * Whether the app's first install was interrupted by a stop of the server
	 * ({@link LifecycleState#FAILED}): it is stored, nothing of it is live.
	 * @param app the app
	 * @return whether it was
	 */
	public boolean firstInstallFailed(AppId app) {
		return this.lifecycles.get(app).state() == LifecycleState.FAILED;
	}

	/**
	 * @param app the app
	 * @return the progress of the long work running for it, or {@code null}
	 */
	public @Nullable Progress progress(AppId app) {
		return this.lifecycles.progress(app);
	}

	/**
	 * The app's releases, loaded on first use; call with {@link #cacheLock} held.
	 */
	private Map<String, Release> releasesOf(String app) {
		return this.cachedReleases.computeIfAbsent(app, (name) -> {
			Map<String, Release> loaded = new HashMap<>();
			// by the prefix of their ids ("<app>/"), which the id index answers without
			// reading the other apps' releases; an app name has no character special in
			// a regular expression
			this.releases.findByIdMatching("^" + name + "/")
				.stream()
				.filter((release) -> release.app().equals(name))
				.forEach((release) -> loaded.put(release.releaseId(), release));
			return loaded;
		});
	}

	/**
	 * The cached apps, loaded on first use with their live releases (two queries); call
	 * with {@link #cacheLock} held.
	 */
	private Map<String, InstalledApp> apps() {
		Map<String, InstalledApp> cached = this.cachedApps;
		if (cached == null) {
			cached = new TreeMap<>();
			for (InstalledApp app : this.apps.findAll()) {
				cached.put(app.name(), app);
			}
			List<String> ids = cached.values()
				.stream()
				.filter((app) -> app.currentRelease() != null)
				.map((app) -> Release.id(app.name(), app.currentRelease()))
				.toList();
			this.cachedLive.clear();
			if (!ids.isEmpty()) {
				this.releases.findAllById(ids).forEach((release) -> this.cachedLive.put(release.app(), release));
			}
			this.cachedApps = cached;
		}
		return cached;
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
