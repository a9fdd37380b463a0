package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * An app's configuration (SPEC §2, §9): its spec, its stored values, validation and
 * saving, and migration of the values to a new release's spec.
 * <p>
 * The spec is read from the live release, {@code apps/<name>/current/configuration.yaml}
 * (or {@code .ini}); while an upgrade waits for values ({@link #upgrade}), from that
 * pending release instead. An app without a spec has an empty one and is always complete.
 * Values are stored in {@code apps/<name>/config/config.yaml} or {@code config.ini} (per
 * the spec's {@code output}), mode 0600, written atomically, the version before kept for
 * {@link #undo}. Secrets are stored for the app, but never returned by this API.
 * <p>
 * While an upgrade is pending, {@link #spec(AppId)}, {@link #values}, {@link #validate},
 * {@link #set}, {@link #isComplete(AppId)} and {@link #configFile(AppId)} refer to the
 * pending release; the live release keeps reading its own file
 * ({@link #configFile(AppId, Path)} with {@code current()}).
 * <p>
 * Every method that takes an {@link AppId} throws {@link PyappException}
 * ({@code NOT_FOUND}) if {@code apps/<name>} does not exist. All calls are synchronous.
 */
@Component
public class AppConfigurator {

	private static final Logger logger = LoggerFactory.getLogger(AppConfigurator.class);

	private final PyappHome home;

	private final ConfigSpecReader reader;

	private final ApplicationEventPublisher events;

	private final ConfigValues rules;

	private final Map<AppId, Object> locks = new ConcurrentHashMap<>();

	// bumped after each write to an app's config/ directory, under the app's lock
	private final Map<AppId, Long> revisions = new ConcurrentHashMap<>();

	public AppConfigurator(PyappHome home, ConfigSpecReader reader, ApplicationEventPublisher events) {
		this.home = home;
		this.reader = reader;
		this.events = events;
		this.rules = new ConfigValues(reader.checker());
	}

	/**
	 * The app's spec, every widget resolved.
	 * @param app the app
	 * @return the spec of the pending release if an upgrade waits for values, else of the
	 * live release; empty if there is none
	 */
	public ConfigSpec spec(AppId app) {
		Path directory = specDirectory(app);
		return (directory != null) ? this.reader.read(directory) : ConfigSpec.empty();
	}

	/**
	 * The spec of a release directory (for upgrades).
	 * @param releaseDirectory the release
	 * @return its spec; empty if it has none
	 * @throws PyappException ({@code INVALID}) if its spec has problems
	 */
	public ConfigSpec spec(Path releaseDirectory) {
		return this.reader.read(releaseDirectory);
	}

	/**
	 * The values as a client may see them: every field of the spec with its stored value
	 * or default (or {@code null}), each secret as {@code {"set": true|false}}.
	 * @param app the app
	 * @return the values, nested {@code {section: {field: value}}}
	 */
	public Map<String, Map<String, @Nullable Object>> values(AppId app) {
		ConfigSpec spec = spec(app);
		return this.rules.masked(spec, ConfigFileStore.read(paths(app).config(), spec));
	}

	/**
	 * Validates values as {@link #set} would, without saving.
	 * @param app the app
	 * @param values nested {@code {section: {field: value}}}; fields left out keep their
	 * stored value, {@code null} or {@code ""} clears one (back to its default); a secret
	 * is kept when left out or sent as {@code null}, {@code ""} or {@code {"set": true}},
	 * and cleared by {@code {"set": false}}
	 * @return every failing field, and the values that would be saved
	 */
	public ValidationResult validate(AppId app, Map<String, ?> values) {
		Assert.notNull(values, "'values' must not be null");
		ConfigSpec spec = spec(app);
		return this.rules.merge(spec, values, ConfigFileStore.read(paths(app).config(), spec));
	}

	/**
	 * Validates and saves values (see {@link #validate} for what they mean), then
	 * publishes {@link ConfigChanged} so that the runtime restarts the app.
	 * @param app the app
	 * @param values the values to change
	 * @return the saved values as {@link #values} shows them
	 * @throws PyappException ({@code INVALID}) with every failing field; nothing is saved
	 */
	public Map<String, Map<String, @Nullable Object>> set(AppId app, Map<String, ?> values) {
		Assert.notNull(values, "'values' must not be null");
		synchronized (lock(app)) {
			ConfigSpec spec = spec(app);
			Path config = paths(app).config();
			ValidationResult result = this.rules.merge(spec, values, ConfigFileStore.read(config, spec));
			if (!result.valid()) {
				throw PyappException.invalid("invalid configuration for app " + app, result.errors());
			}
			// while an upgrade is pending, the live release may read a file of the
			// other format
			ConfigFileStore.write(config, spec, result.values(), false);
			written(app);
			logger.info("Saved the configuration of app {} ({})", app, spec.configFileName());
		}
		this.events.publishEvent(new ConfigChanged(app));
		return values(app);
	}

	/**
	 * Whether the stored values (with defaults) satisfy the app's spec: every required
	 * field has a value and every value is valid. An app that is not complete is in state
	 * {@code needs-configuration}.
	 * @param app the app
	 * @return {@code true} if the app can run with its configuration
	 */
	public boolean isComplete(AppId app) {
		ConfigSpec spec = spec(app);
		return this.rules.merge(spec, null, ConfigFileStore.read(paths(app).config(), spec)).valid();
	}

	/**
	 * Whether the app's configuration lets it run, and where it is.
	 * @param app the app
	 * @return its status (of the pending release's spec while an upgrade waits for
	 * values)
	 */
	public ConfigStatus status(AppId app) {
		ConfigSpec spec = spec(app);
		Path config = paths(app).config();
		ValidationResult result = this.rules.merge(spec, null, ConfigFileStore.read(config, spec));
		List<String> missing = result.errors().stream().map(Problem::path).distinct().toList();
		Path file = config.resolve(spec.configFileName());
		Instant saved = null;
		try {
			saved = Files.isRegularFile(file) ? Files.getLastModifiedTime(file).toInstant() : null;
		}
		catch (IOException ex) {
			// being replaced right now: it counts as not yet saved
		}
		return new ConfigStatus(result.valid(), missing, file, saved);
	}

	/**
	 * Whether the stored values, migrated to a release's spec, would be complete.
	 * @param app the app
	 * @param releaseDirectory the release
	 * @return {@code true} if that release can run with the stored configuration
	 */
	public boolean isComplete(AppId app, Path releaseDirectory) {
		return preview(app, releaseDirectory).complete();
	}

	/**
	 * The stored values migrated to a release's spec, as {@link #upgrade} would, without
	 * writing anything.
	 * @param app the app
	 * @param releaseDirectory the release
	 * @return the migration report ({@link ConfigMigration#missing()}: its required
	 * settings left without a value)
	 */
	public ConfigMigration preview(AppId app, Path releaseDirectory) {
		return migration(app, releaseDirectory);
	}

	/**
	 * The file the app reads ({@code PYAPP_CONFIG_FILE}).
	 * @param app the app
	 * @return {@code apps/<name>/config/config.yaml} or {@code config.ini}, per the spec
	 */
	public Path configFile(AppId app) {
		return paths(app).config().resolve(spec(app).configFileName());
	}

	/**
	 * The file a release of the app reads ({@code PYAPP_CONFIG_FILE}).
	 * @param app the app
	 * @param releaseDirectory the release
	 * @return {@code apps/<name>/config/config.yaml} or {@code config.ini}, per its spec
	 */
	public Path configFile(AppId app, Path releaseDirectory) {
		return paths(app).config().resolve(spec(releaseDirectory).configFileName());
	}

	/**
	 * Migrates stored values from one spec to another: values of fields that still exist
	 * are kept (coerced to the new type; one the new spec rejects is dropped and
	 * reported), new defaults are filled, removed fields are dropped and reported, and
	 * required fields left without a value are listed as missing.
	 * @param oldSpec the spec the values were stored under
	 * @param newSpec the new spec
	 * @param stored the stored values, nested
	 * @return the migrated values and the report
	 */
	public ConfigMigration migrate(ConfigSpec oldSpec, ConfigSpec newSpec,
			Map<String, ? extends Map<String, ?>> stored) {
		return ConfigMigrator.migrate(oldSpec, newSpec, stored, this.reader.checker());
	}

	/**
	 * Prepares the app's configuration for a new release (also the first one): migrates
	 * the stored values to its spec. If the result is complete, it is written (in the new
	 * spec's format, the old file kept as the previous version) and any pending upgrade
	 * is cleared. If not, nothing is written and the release is recorded as pending:
	 * until it goes live or {@link #cancelUpgrade} is called, {@link #spec(AppId)},
	 * {@link #values}, {@link #validate} and {@link #set} work on its spec, so the
	 * operator can fill the missing fields; each {@code set} publishes
	 * {@link ConfigChanged}, after which the caller calls this method again. No event is
	 * published by this method.
	 * @param app the app
	 * @param releaseDirectory the new release, {@code apps/<name>/releases/<id>}
	 * @return the migration report
	 * @throws PyappException ({@code INVALID}) if the release's spec has problems
	 */
	public ConfigMigration upgrade(AppId app, Path releaseDirectory) {
		synchronized (lock(app)) {
			ConfigMigration migration = migration(app, releaseDirectory);
			Path config = paths(app).config();
			if (migration.complete()) {
				ConfigFileStore.write(config, spec(releaseDirectory), migration.values(), true);
				ConfigFileStore.setPendingRelease(config, null);
				written(app);
			}
			else {
				Path release = releaseDirectory.toAbsolutePath().normalize();
				Assert.isTrue(release.getParent().equals(paths(app).releases()),
						() -> "release [" + releaseDirectory + "] is not a release of app [" + app + "]");
				ConfigFileStore.setPendingRelease(config, release.getFileName().toString());
				written(app);
				logger.info("Release {} of app {} waits for configuration: missing {}", release.getFileName(), app,
						migration.missing());
			}
			return migration;
		}
	}

	/**
	 * Forgets a pending upgrade: the configuration API works on the live release's spec
	 * again.
	 * @param app the app
	 */
	public void cancelUpgrade(AppId app) {
		synchronized (lock(app)) {
			ConfigFileStore.setPendingRelease(paths(app).config(), null);
			written(app);
		}
	}

	/**
	 * Restores the previous version of the config file (the one before the last write)
	 * and publishes {@link ConfigChanged}.
	 * @param app the app
	 * @return {@code false} if there is no previous version
	 */
	public boolean undo(AppId app) {
		boolean restored;
		synchronized (lock(app)) {
			restored = ConfigFileStore.undo(paths(app).config(), spec(app));
			written(app);
		}
		if (restored) {
			logger.info("Restored the previous configuration of app {}", app);
			this.events.publishEvent(new ConfigChanged(app));
		}
		return restored;
	}

	/**
	 * A number that changes after every write of this configurator to the app's
	 * {@code config/} directory (values, undo, a pending upgrade recorded or cleared).
	 * Whoever keeps something derived from those files (the {@code rpc} module keeps each
	 * app's {@link #status}) compares it to know that the server itself changed nothing
	 * since; it says nothing about edits made by hand, which change the files' times.
	 * Taken before the files are read, it can only make a kept value look older than it
	 * is, never newer: it is bumped after the write.
	 * @param app the app
	 * @return its revision; {@code 0} before the first write since the server started
	 */
	public long revision(AppId app) {
		return this.revisions.getOrDefault(app, 0L);
	}

	private void written(AppId app) {
		this.revisions.merge(app, 1L, Long::sum);
	}

	private ConfigMigration migration(AppId app, Path releaseDirectory) {
		ConfigSpec oldSpec = spec(app);
		ConfigSpec newSpec = spec(releaseDirectory);
		return migrate(oldSpec, newSpec, ConfigFileStore.read(paths(app).config(), oldSpec));
	}

	private @Nullable Path specDirectory(AppId app) {
		AppPaths paths = paths(app);
		Optional<String> pending = ConfigFileStore.pendingRelease(paths.config());
		if (pending.isPresent()) {
			Path release = paths.release(pending.get());
			Path live = liveRelease(paths);
			if (Files.isDirectory(release) && (live == null || !live.getFileName().equals(release.getFileName()))) {
				return release;
			}
		}
		return Files.isDirectory(paths.current()) ? paths.current() : null;
	}

	private static @Nullable Path liveRelease(AppPaths paths) {
		try {
			return Files.isDirectory(paths.current()) ? paths.current().toRealPath() : null;
		}
		catch (IOException ex) {
			// the link is being switched right now: treat the release as not yet live
			return null;
		}
	}

	private AppPaths paths(AppId app) {
		Assert.notNull(app, "'app' must not be null");
		AppPaths paths = this.home.app(app);
		if (!Files.isDirectory(paths.root())) {
			throw PyappException.notFound("app '" + app + "' is not installed");
		}
		return paths;
	}

	private Object lock(AppId app) {
		return this.locks.computeIfAbsent(app, (key) -> new Object());
	}

}
