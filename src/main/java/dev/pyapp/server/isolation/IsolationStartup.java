package dev.pyapp.server.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * When the server starts, once the web server runs (after the first part of the adoption
 * of the daemons, which makes sure itself of each app's user and directories it needs,
 * and before the rest of it and the watch for crashes): says once how apps are kept apart
 * on this host, deletes the users of apps whose server home is gone, removes the empty
 * cgroups of tasks that ran when this server stopped, and migrates every installed app to
 * the layout of SPEC §10 (its user, the owners and modes of its directories and
 * releases), saying once per app what it changed.
 */
@Component
class IsolationStartup {

	private static final Logger logger = LoggerFactory.getLogger(IsolationStartup.class);

	private final PyappHome home;

	private final HostIsolation host;

	private final AppRegistry registry;

	private final AppAccounts accounts;

	private final AppLayout layout;

	private final PackageReader reader;

	IsolationStartup(PyappHome home, HostIsolation host, AppRegistry registry, AppAccounts accounts, AppLayout layout,
			PackageReader reader) {
		this.home = home;
		this.host = host;
		this.registry = registry;
		this.accounts = accounts;
		this.layout = layout;
		this.reader = reader;
	}

	@EventListener(ApplicationStartedEvent.class)
	@Order(0)
	void onStarted() {
		logger.info("App isolation: users {}, sandbox {}, limits by {}",
				this.host.usersUnavailable().isEmpty() ? "one per app" : "the server's own",
				this.host.sandboxUnavailable().isEmpty() ? "bubblewrap" : "none", this.host.cgroupLayout());
		this.accounts.sweepOrphans();
		removeLeftOverRuns();
		this.layout.homeLayout();
		for (InstalledApp installed : this.registry.list()) {
			AppId app = AppId.of(installed.name());
			try {
				migrate(app);
			}
			catch (PyappException | UncheckedIOException ex) {
				logger.error("Cannot migrate the files of app {} to its own user: {}", app, ex.getMessage());
			}
		}
	}

	/**
	 * Removes the empty cgroups of tasks, hooks and {@code apps.run} of this server's
	 * apps that a stop of the server while they ran left behind (their processes ended
	 * with it, their cgroups did not).
	 * @return the cgroups removed
	 */
	Set<String> removeLeftOverRuns() {
		Set<String> removed = this.host.removeLeftOverRuns("." + AppIsolation.instance(this.home));
		if (!removed.isEmpty()) {
			logger.info("Removed {} empty cgroups of tasks that ran when the server stopped", removed.size());
			logger.debug("Removed the cgroups {}", removed);
		}
		return removed;
	}

	/**
	 * Sets an app's user, directories and releases as they should be.
	 * @param app the app
	 * @return how many entries changed
	 */
	int migrate(AppId app) {
		AppIdentity identity = this.accounts.ensure(app);
		int changed = this.layout.prepare(app, identity);
		for (Path release : releases(app)) {
			List<AppManifest.StaticEntry> statics;
			try {
				statics = this.reader.readManifest(release).statics();
			}
			catch (PyappException ex) {
				// a release without a readable manifest (a failed extraction)
				// serves nothing
				statics = List.of();
			}
			// generated static directories stay the app's to read (its hooks made them)
			changed += this.layout.seal(release, statics.stream().map(AppManifest.StaticEntry::path).toList(),
					statics.stream()
						.filter(AppManifest.StaticEntry::generated)
						.map(AppManifest.StaticEntry::path)
						.toList(),
					identity);
		}
		if (changed > 0) {
			logger.info("Migrated app {} to user {} (uid {}): {} owners and modes changed", app,
					identity.account().name(), identity.account().uid(), changed);
		}
		return changed;
	}

	private List<Path> releases(AppId app) {
		Path releases = this.home.app(app).releases();
		if (!Files.isDirectory(releases)) {
			return List.of();
		}
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(releases,
				(entry) -> Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
						&& !entry.getFileName().toString().startsWith("."))) {
			List<Path> result = new ArrayList<>();
			entries.forEach(result::add);
			return result;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + releases, ex);
		}
	}

}
