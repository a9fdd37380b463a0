package dev.pyapp.server.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.internal.ReleaseProperties;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.packaging.PackageReader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Turns a package into a release of an app, makes a release live, and removes apps. The
 * order of the steps lives here: validate the whole package, then extract it beside the
 * live release, then switch {@code current} in one rename.
 */
@Component
public class AppInstaller {

	private static final Logger logger = LoggerFactory.getLogger(AppInstaller.class);

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final PyappHome home;

	private final PackageReader reader;

	private final AppRegistry registry;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final ReleaseProperties releases;

	AppInstaller(PyappHome home, PackageReader reader, AppRegistry registry, ApplicationEventPublisher events,
			ReleaseProperties releases) {
		this.home = home;
		this.releases = releases;
		this.reader = reader;
		this.registry = registry;
		this.events = events;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Validates a package and extracts it as a new release beside the live one. Nothing
	 * live changes.
	 * @param request what to install
	 * @return the prepared release
	 * @throws PyappException {@code INVALID} for an invalid package, {@code CONFLICT} if
	 * an app of another source kind has the name (unless its first install was
	 * interrupted: it is installed again over it)
	 */
	public PreparedRelease prepare(InstallRequest request) {
		// from the first moment: apps.list and apps.get show the app installing (or
		// upgrading) while the whole package is read and checked
		AppManifest peeked = this.reader.peek(request.source()).orElse(null);
		AppId announced = (peeked != null) ? AppId.of(peeked.name()) : null;
		DeployProgress progress = (announced != null) ? this.registry.begin(announced,
				this.registry.find(announced).map((app) -> app.currentRelease() != null).orElse(false) ? "upgrading"
						: "installing",
				peeked.version(), request.appSource(), "checking " + peeked.name() + " " + peeked.version()) : null;
		try {
			AppPackage pkg = Files.isDirectory(request.source()) ? this.reader.readDirectory(request.source())
					: this.reader.read(request.source());
			AppId app = AppId.of(pkg.manifest().name());
			if (progress != null && !app.equals(announced)) {
				progress.close();
				progress = null;
			}
			return prepare(request, pkg, app, progress);
		}
		catch (RuntimeException ex) {
			if (progress != null) {
				progress.close();
			}
			throw ex;
		}
	}

	/** "a git source", "an archive source": a source kind in words. */
	private static String sourceKind(AppSource source) {
		String kind = source.kind();
		return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " source";
	}

	private PreparedRelease prepare(InstallRequest request, AppPackage pkg, AppId app,
			@Nullable DeployProgress announced) {
		AppManifest manifest = pkg.manifest();
		Optional<InstalledApp> existing = this.registry.find(app);
		// an app whose first install was interrupted has nothing of its source kind to
		// keep: it is installed again over it from any source
		if (existing.isPresent() && !existing.get().source().kind().equals(request.appSource().kind())
				&& !this.registry.firstInstallFailed(app)) {
			throw PyappException.conflict("an app named '" + app + "' is already installed from "
					+ sourceKind(existing.get().source()) + "; this is " + sourceKind(request.appSource()));
		}
		Release previous = existing.flatMap((installed) -> this.registry.currentRelease(app)).orElse(null);
		String phase = (previous != null) ? "upgrading" : "installing";
		AppPaths paths = this.home.app(app);
		// a first install over what a removal with keep_data left: its data and
		// configuration outlive a failure of this install too
		boolean overKeptData = existing.isEmpty() && Files.isDirectory(paths.root());
		Instant now = this.clock.instant();
		String releaseId = newReleaseId(paths, manifest.version(), now);
		Path directory = paths.release(releaseId);
		DeployProgress progress = (announced != null) ? announced : this.registry.begin(app, phase, manifest.version(),
				request.appSource(), "checked " + manifest.name() + " " + manifest.version());
		try {
			progress.step("extract", "extracting " + manifest.name() + " " + manifest.version());
			try {
				createAppDirectories(paths, manifest);
				this.reader.extract(pkg, directory);
			}
			catch (RuntimeException ex) {
				if (existing.isEmpty()) {
					// a first install leaves nothing behind (but what it found)
					deleteFiles(paths, overKeptData);
				}
				throw ex;
			}
			if (existing.isEmpty()) {
				this.registry.save(new InstalledApp(app.value(), request.appSource(), null, Map.of(), now, now));
			}
			else if (!existing.get().source().equals(request.appSource())) {
				// the app as stored now, not as read before extracting:
				// keeps a concurrent apps.env.set
				this.registry.update(app, (stored) -> stored.withSource(request.appSource(), now));
			}
			Release release = this.registry
				.save(new Release(Release.id(app.value(), releaseId), app.value(), releaseId, manifest.version(),
						request.origin(), pkg.checksum(), request.commit(), now, ReleaseState.PREPARED, null));
			logger.info("Prepared release {} of {}", releaseId, app);
			return new PreparedRelease(app, release, directory, pkg, previous, progress, overKeptData);
		}
		catch (RuntimeException ex) {
			if (announced == null) {
				progress.close();
			}
			throw ex;
		}
	}

	/**
	 * Makes a prepared (or retired) release the live one: {@code current} is switched in
	 * one rename; the release that was live is marked retired.
	 * @param app the app
	 * @param releaseId the release to make live
	 * @return the release, now live
	 */
	public Release activate(AppId app, String releaseId) {
		InstalledApp installed = this.registry.get(app);
		Release release = this.registry.release(app, releaseId)
			.orElseThrow(() -> PyappException.notFound("app '" + app + "' has no release '" + releaseId + "'"));
		AppPaths paths = this.home.app(app);
		AtomicFiles.switchLink(paths.current(), paths.root().relativize(paths.release(releaseId)));
		Instant now = this.clock.instant();
		if (installed.currentRelease() != null && !installed.currentRelease().equals(releaseId)) {
			this.registry.release(app, installed.currentRelease())
				.ifPresent((old) -> this.registry.save(old.withState(ReleaseState.RETIRED, null)));
		}
		this.registry.update(app, (stored) -> stored.withCurrentRelease(releaseId, now));
		Release live = this.registry.save(release.withState(ReleaseState.LIVE, null));
		this.events.publishEvent(new ReleaseActivated(app, releaseId, installed.currentRelease() != null));
		return live;
	}

	/**
	 * Gives up a prepared release refused because another deploy of its app runs: its
	 * directory is deleted and it is recorded as failed. Nothing else of the app is
	 * touched, even when no release of it is live yet: the deploy that runs (a first
	 * install under way) owns it.
	 * @param prepared the release
	 * @param reason why, for the record
	 */
	public void refused(PreparedRelease prepared, String reason) {
		AtomicFiles.deleteTree(this.home.requireInside(prepared.directory()));
		this.registry.save(prepared.release().withState(ReleaseState.FAILED, reason));
	}

	/**
	 * Gives up a prepared release: its directory is deleted and it is recorded as failed.
	 * The live release is untouched; an app that never had a live release is forgotten
	 * entirely, except the data and configuration a removal with {@code keep_data} left
	 * before this install.
	 * @param prepared the release
	 * @param reason why, for the record
	 * @return whether the app was forgotten (its user is then the caller's to delete)
	 */
	public boolean abandon(PreparedRelease prepared, String reason) {
		AtomicFiles.deleteTree(this.home.requireInside(prepared.directory()));
		if (prepared.previous() == null
				&& this.registry.find(prepared.app()).map((app) -> app.currentRelease() == null).orElse(false)) {
			remove(prepared.app(), prepared.overKeptData(), true);
			return true;
		}
		this.registry.save(prepared.release().withState(ReleaseState.FAILED, reason));
		return false;
	}

	/**
	 * Deletes the oldest releases beyond {@code pyapp.releases.keep}; the live release is
	 * always kept.
	 * @param app the app
	 * @return the ids of the deleted releases
	 */
	public List<String> prune(AppId app) {
		String live = this.registry.find(app).map(InstalledApp::currentRelease).orElse(null);
		List<String> deleted = new ArrayList<>();
		int kept = 0;
		for (Release release : this.registry.releases(app)) {
			if (release.releaseId().equals(live) || release.state() == ReleaseState.PREPARED) {
				kept++;
				continue;
			}
			if (kept < this.releases.keep()) {
				kept++;
				continue;
			}
			AtomicFiles.deleteTree(this.home.app(app).release(release.releaseId()));
			this.registry.deleteRelease(release);
			deleted.add(release.releaseId());
		}
		if (!deleted.isEmpty()) {
			logger.info("Deleted old releases of {}: {}", app, deleted);
		}
		return deleted;
	}

	/**
	 * Marks a release as failed (its files stay, for a later look).
	 * @param app the app
	 * @param releaseId the release
	 * @param reason why
	 */
	public void failed(AppId app, String releaseId, String reason) {
		this.registry.release(app, releaseId)
			.ifPresent((release) -> this.registry.save(release.withState(ReleaseState.FAILED, reason)));
	}

	/**
	 * Deletes an app's files and records. The caller stops it first.
	 * @param app the app
	 * @param keepData whether {@code data/} and {@code config/} are kept
	 */
	public void remove(AppId app, boolean keepData) {
		remove(app, keepData, false);
	}

	private void remove(AppId app, boolean keepData, boolean failedInstall) {
		deleteFiles(this.home.app(app), keepData);
		this.registry.delete(app);
		this.events.publishEvent(new AppRemoved(app, keepData, failedInstall));
	}

	private static void deleteFiles(AppPaths paths, boolean keepData) {
		if (keepData) {
			// web/ too: its link to the socket would be left dangling
			for (Path part : new Path[] { paths.current(), paths.releases(), paths.run(), paths.web(), paths.tmp(),
					paths.logs() }) {
				AtomicFiles.deleteTree(part);
			}
		}
		else {
			AtomicFiles.deleteTree(paths.root());
		}
	}

	private static String newReleaseId(AppPaths paths, String version, Instant now) {
		Instant at = now;
		String id = version + "-" + TIMESTAMP.format(at);
		while (Files.exists(paths.releases().resolve(id))) {
			at = at.plusSeconds(1);
			id = version + "-" + TIMESTAMP.format(at);
		}
		return id;
	}

	private static void createAppDirectories(AppPaths paths, AppManifest manifest) {
		try {
			for (Path dir : new Path[] { paths.releases(), paths.config(), paths.data(), paths.tmp(), paths.run(),
					paths.logs() }) {
				Files.createDirectories(dir);
			}
			// the app's own once it runs, with the mode its umask gives what it makes,
			// whatever the server's
			for (String writable : manifest.resources().writable()) {
				FileModes.createDirectories(paths.data().resolve(writable), AppPaths.APP_DIRECTORY_MODE);
			}
			if (!manifest.resources().databases().isEmpty()) {
				FileModes.createDirectories(paths.databases(), AppPaths.APP_DIRECTORY_MODE);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the directories of " + paths.root(), ex);
		}
	}

}
