package dev.pyapp.server.rpc;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigStatus;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.deploy.AppDeployer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Whether each app waits for its configuration (state {@code needs-configuration}) and
 * its configuration status ({@code apps.get} {@code config}), remembered per app.
 * <p>
 * Both come from files: the spec of the live release (or of the upgrade waiting for
 * values), the stored values, and the deploy's markers. Reading them means parsing a spec
 * and a config file, which {@code apps.list} would otherwise do for every app on every
 * call. An app is read again only when a file they come from may have changed, by
 * modification time: its directory (the {@code current} link is switched by a rename in
 * it), its {@code config/} directory (values, the pending release and the markers are
 * written by a rename or created there), its {@code releases/} directory, and both config
 * files (an operator may edit one in place). A change less than {@link #SETTLED_MILLIS}
 * old is never trusted, because a timestamp's granularity could hide a second change in
 * the same tick: such an app is read on every call until its files are older.
 */
@Component
class ConfigStates {

	/** How old the newest change of an app's files must be before its state is kept. */
	static final long SETTLED_MILLIS = 2000;

	private static final int MAX_ENTRIES = 10_000;

	private final PyappHome home;

	private final AppConfigurator configurator;

	private final AppDeployer deployer;

	private final LongSupplier clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	@Autowired
	ConfigStates(PyappHome home, AppConfigurator configurator, AppDeployer deployer) {
		this(home, configurator, deployer, System::currentTimeMillis);
	}

	ConfigStates(PyappHome home, AppConfigurator configurator, AppDeployer deployer, LongSupplier clock) {
		this.home = home;
		this.configurator = configurator;
		this.deployer = deployer;
		this.clock = clock;
	}

	/**
	 * The app's configuration state now.
	 * @param app an installed app
	 * @return its state, read again if its files may have changed
	 */
	State of(AppId app) {
		Entry known = this.entries.get(app.value());
		Watched files = (known != null) ? known.files() : Watched.of(this.home.app(app));
		// taken before the files are read: a change while they are read makes it stale
		Stamp stamp = Stamp.of(files, (known != null) ? known.stamp() : null);
		if (known != null && known.stamp().equals(stamp)) {
			return known.state();
		}
		State state = read(app);
		if (state.cacheable() && stamp.newest() < this.clock.getAsLong() - SETTLED_MILLIS) {
			if (this.entries.size() >= MAX_ENTRIES) {
				this.entries.clear();
			}
			this.entries.put(app.value(), new Entry(files, stamp, state));
		}
		else {
			this.entries.remove(app.value());
		}
		return state;
	}

	private State read(AppId app) {
		boolean awaits = this.deployer.awaitsFirstConfiguration(app);
		try {
			return new State(awaits, this.configurator.status(app), null);
		}
		catch (RuntimeException ex) {
			return new State(awaits, null, ex);
		}
	}

	/**
	 * An app's configuration state.
	 *
	 * @param awaitsFirstConfiguration whether its first release waits for values before
	 * it can start
	 * @param status its configuration status, or {@code null} if it could not be read
	 * @param failure why it could not be read
	 */
	record State(boolean awaitsFirstConfiguration, @Nullable ConfigStatus status, @Nullable RuntimeException failure) {

		/**
		 * Whether a release of the app waits for settings (SPEC §9
		 * {@code needs-configuration}), as {@code AppDeployer.needsConfiguration} tells.
		 * @return whether it does; {@code false} for an app whose spec cannot be read
		 * (one listed app must not make the whole list fail)
		 * @throws RuntimeException the failure to read the status, other than a
		 * {@link PyappException}
		 */
		boolean needsConfiguration() {
			return this.awaitsFirstConfiguration || !config().map(ConfigStatus::complete).orElse(true);
		}

		/**
		 * The configuration status.
		 * @return it, or empty before a release of the app is on disk or if its spec
		 * cannot be read
		 * @throws RuntimeException the failure to read it, other than a
		 * {@link PyappException}
		 */
		Optional<ConfigStatus> config() {
			if (this.failure != null && !(this.failure instanceof PyappException)) {
				throw this.failure;
			}
			return Optional.ofNullable(this.status);
		}

		// an unexpected failure is thrown each time, never remembered
		boolean cacheable() {
			return this.failure == null || this.failure instanceof PyappException;
		}

	}

	private record Entry(Watched files, Stamp stamp, State state) {
	}

	/**
	 * The files an app's state comes from, made once per app: a listing checks every
	 * app's, and building their paths again cost about as much as the checks. They are
	 * {@link File}s because java.io reports a missing file's time as 0 instead of
	 * throwing, which would cost a stack trace per missing file and app on every call.
	 */
	private record Watched(File root, File config, File releases, File yaml, File ini) {

		static Watched of(AppPaths paths) {
			Path config = paths.config();
			return new Watched(file(paths.root()), file(config), file(paths.releases()),
					file(config.resolve("config.yaml")), file(config.resolve("config.ini")));
		}

		private static File file(Path path) {
			return new File(path.toString());
		}

	}

	/**
	 * Modification times in milliseconds ({@code 0} for a file that does not exist).
	 */
	private record Stamp(long root, long config, long releases, long yaml, long ini) {

		/**
		 * The files' times now.
		 * @param files the files
		 * @param known their times when the state was kept, or {@code null}
		 * @return the times; a config file that was missing then is not looked at again
		 * while {@code config/} keeps its time, since creating the file (in place or by a
		 * rename) changes the directory's time
		 */
		static Stamp of(Watched files, @Nullable Stamp known) {
			long config = files.config().lastModified();
			boolean sameDirectory = known != null && known.config() == config;
			return new Stamp(files.root().lastModified(), config, files.releases().lastModified(),
					(sameDirectory && known.yaml() == 0) ? 0 : files.yaml().lastModified(),
					(sameDirectory && known.ini() == 0) ? 0 : files.ini().lastModified());
		}

		long newest() {
			return Math.max(Math.max(Math.max(this.root, this.config), Math.max(this.releases, this.yaml)), this.ini);
		}

	}

}
