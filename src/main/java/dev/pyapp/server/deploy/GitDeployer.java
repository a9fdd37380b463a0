package dev.pyapp.server.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.scm.GitMirror;
import dev.pyapp.server.scm.GitRevision;
import dev.pyapp.server.scm.GitSource;
import dev.pyapp.server.scm.GitSources;
import dev.pyapp.server.scm.GitStrategy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The git route: installs an app from a repository and updates it when its strategy
 * selects a new revision. Each deployed revision becomes a release that records its
 * commit id. Calls are synchronous and serialised per app: one app's git work (a slow
 * fetch, a large export) never holds up another's.
 */
@Component
public class GitDeployer {

	private static final Logger logger = LoggerFactory.getLogger(GitDeployer.class);

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	private final GitSources sources;

	private final AppDeployer deployer;

	private final AppRegistry registry;

	private final PackageReader reader;

	private final GitAppStates states;

	private final Clock clock = Clock.systemUTC();

	GitDeployer(GitSources sources, AppDeployer deployer, AppRegistry registry, PackageReader reader,
			GitAppStates states) {
		this.sources = sources;
		this.deployer = deployer;
		this.registry = registry;
		this.reader = reader;
		this.states = states;
	}

	/**
	 * Installs (or upgrades) the app a repository holds, from the revision its strategy
	 * selects. Without a strategy in the request, the one the repository's
	 * {@code metadata.yaml} declares under {@code updates} is used.
	 * @param request the repository and strategy
	 * @return the release now live
	 * @throws PyappException {@code INVALID} for a repository without the archive layout
	 * or a strategy that finds nothing, {@code FAILED} if it cannot be cloned, and every
	 * error of {@link AppDeployer#install}
	 */
	public Release install(GitSourceRequest request) {
		GitSource source = new GitSource(request.url(),
				(request.strategy() != null) ? request.strategy() : GitStrategy.ALWAYS_LATEST, request.branch(),
				request.tagPattern(), request.prereleases());
		GitMirror mirror = null;
		Path exported = null;
		ReentrantLock appLock = null;
		try {
			mirror = this.sources.cloneIncoming(source, request.credentials(), request.ssh());
			GitRevision revision = this.sources.select(mirror, source);
			exported = export(mirror, source, revision);
			if (request.strategy() == null) {
				GitSource declared = declaredSource(exported, source);
				if (!declared.equals(source)) {
					source = declared;
					GitRevision selected = this.sources.select(mirror, source);
					if (!selected.commit().equals(revision.commit())) {
						this.sources.discard(exported);
						exported = export(mirror, source, selected);
					}
					revision = selected;
				}
			}
			if (request.ssh() != null) {
				// the deploy key (and its pinned host key) is the app's: it must be the
				// app the repository holds
				String name = this.reader.readManifest(exported).name();
				if (!name.equals(request.ssh().keyOwner().value())) {
					throw PyappException.invalid("deploy key of another app",
							List.of(new Problem("git.deploy_key",
									"the repository holds the app '" + name + "', but the deploy key is the one of '"
											+ request.ssh().keyOwner() + "'; create a key for " + name
											+ " and add it to the repository")));
				}
			}
			appLock = lock(appName(exported));
			Release release = this.deployer
				.install(new InstallRequest(exported, source.url(), appSource(source), revision.commit()));
			AppId app = AppId.of(release.app());
			this.sources.adopt(mirror, app, request.credentials());
			mirror = null;
			Long poll = (request.pollInterval() != null) ? request.pollInterval().toSeconds() : null;
			this.states.save(new GitAppState(app.value(), source.prereleases(), poll, this.clock.instant(), null,
					"installed " + release.version() + " from " + revision.ref() + " at " + revision.shortCommit()));
			logger.info("Installed {} {} from {} ({} at {})", app, release.version(), source.url(), revision.ref(),
					revision.shortCommit());
			return release;
		}
		finally {
			if (exported != null) {
				this.sources.discard(exported);
			}
			if (mirror != null) {
				this.sources.delete(mirror);
			}
			if (appLock != null) {
				appLock.unlock();
			}
		}
	}

	/** Locks an app's git work and returns the lock held. */
	private ReentrantLock lock(String app) {
		ReentrantLock lock = this.locks.computeIfAbsent(app, (name) -> new ReentrantLock(true));
		lock.lock();
		return lock;
	}

	// the name the repository's metadata.yaml gives (the install checks it in full)
	private String appName(Path exported) {
		try {
			return this.reader.readManifest(exported).name();
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	/**
	 * Fetches an app's repository and upgrades the app if its strategy now selects a
	 * revision other than the live release's.
	 * @param app the app
	 * @return what happened; {@code updated} is false and the message
	 * {@code already current} when the live release is the selected revision
	 * @throws PyappException {@code NOT_FOUND} for no such app, {@code CONFLICT} for an
	 * app not installed from git, and every error of {@link AppDeployer#install}
	 */
	public GitUpdate update(AppId app) {
		ReentrantLock lock = lock(app.value());
		try {
			GitSource source = source(app);
			GitRevision revision = fetchAndSelect(app, source);
			String live = this.registry.currentRelease(app).map(Release::commit).orElse(null);
			if (revision.commit().equals(live)) {
				record(app, null, "already current at " + revision.shortCommit());
				return new GitUpdate(false, "already current", revision, null);
			}
			Path exported = export(new GitMirror(app.value()), source, revision);
			try {
				Release release = this.deployer
					.install(new InstallRequest(exported, source.url(), appSource(source), revision.commit()));
				String message = "updated to " + release.version() + " (" + revision.ref() + " at "
						+ revision.shortCommit() + ")";
				record(app, null, message);
				logger.info("Updated {}: {}", app, message);
				return new GitUpdate(true, message, revision, release);
			}
			finally {
				this.sources.discard(exported);
			}
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Fetches an app's repository and records a newer revision as available without
	 * deploying it.
	 * @param app the app
	 * @return the newer revision, or empty if the live release is current
	 */
	public Optional<AvailableUpdate> check(AppId app) {
		ReentrantLock lock = lock(app.value());
		try {
			GitRevision revision = fetchAndSelect(app, source(app));
			String live = this.registry.currentRelease(app).map(Release::commit).orElse(null);
			AvailableUpdate available = revision.commit().equals(live) ? null
					: new AvailableUpdate(revision.commit(), revision.ref(), this.clock.instant());
			record(app, available,
					(available != null) ? "update available: " + revision.ref() + " at " + revision.shortCommit()
							: "already current at " + revision.shortCommit());
			return Optional.ofNullable(available);
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * A newer revision recorded but not deployed, for {@code apps.get}.
	 * @param app the app
	 * @return the update, or empty
	 */
	public Optional<AvailableUpdate> availableUpdate(AppId app) {
		return this.states.findById(app.value()).map(GitAppState::available);
	}

	/**
	 * How a git app follows its repository, for {@code apps.get}.
	 * @param app the app
	 * @return empty for an app not installed from git
	 */
	public Optional<GitFollowing> following(AppId app) {
		return this.states.findById(app.value()).map(GitFollowing::of);
	}

	/**
	 * The git source of an installed app.
	 * @param app the app
	 * @return its source
	 * @throws PyappException {@code NOT_FOUND} or {@code CONFLICT} (not from git)
	 */
	GitSource source(AppId app) {
		InstalledApp installed = this.registry.get(app);
		AppSource source = installed.source();
		if (!source.isGit() || source.url() == null) {
			throw PyappException.conflict("the app '" + app + "' is installed from an archive, not from git");
		}
		GitStrategy strategy = GitStrategy.of(source.strategy());
		boolean prereleases = this.states.findById(app.value()).map(GitAppState::prereleases).orElse(false);
		return new GitSource(source.url(), (strategy != null) ? strategy : GitStrategy.ALWAYS_LATEST, source.branch(),
				source.tagPattern(), prereleases);
	}

	void record(AppId app, @Nullable AvailableUpdate available, String event) {
		GitAppState state = this.states.findById(app.value())
			.orElseGet(() -> new GitAppState(app.value(), false, null, null, null, null));
		this.states.save(state.withAvailable(available).withEvent(event));
	}

	private GitRevision fetchAndSelect(AppId app, GitSource source) {
		GitMirror mirror = this.sources.fetch(app, source);
		this.states.findById(app.value()).ifPresent((state) -> this.states.save(state.checked(this.clock.instant())));
		return this.sources.select(mirror, source);
	}

	private Path export(GitMirror mirror, GitSource source, GitRevision revision) {
		Path exported = this.sources.export(mirror, revision);
		if (!Files.isRegularFile(exported.resolve("metadata.yaml"))) {
			this.sources.discard(exported);
			throw PyappException.invalid("not an app repository", List.of(new Problem("metadata.yaml",
					"the repository " + source.url() + " has no metadata.yaml at its root (" + revision.ref() + " at "
							+ revision.shortCommit() + "): a git source needs the archive layout of SPEC §1 "
							+ "(metadata.yaml, src/, optional deps/ and static/)")));
		}
		return exported;
	}

	// the repository may declare its strategy in metadata.yaml (updates:)
	private GitSource declaredSource(Path exported, GitSource fallback) {
		AppManifest.Updates updates;
		try {
			updates = this.reader.readManifest(exported).updates();
		}
		catch (RuntimeException ex) {
			// an invalid metadata.yaml is reported in full by the install itself
			return fallback;
		}
		GitStrategy strategy = GitStrategy.of(updates.strategy().value());
		if (strategy == null || strategy == GitStrategy.ALWAYS_LATEST
				|| (strategy == GitStrategy.ONE_BRANCH && updates.branch() == null)) {
			return fallback;
		}
		return new GitSource(fallback.url(), strategy, updates.branch(),
				(updates.tagPattern() != null) ? updates.tagPattern() : "*", fallback.prereleases());
	}

	private static AppSource appSource(GitSource source) {
		return new AppSource(AppSource.GIT, source.url(), source.strategy().value(), source.branch(),
				source.tagPattern());
	}

}
