package dev.pyapp.server.rpc;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.ConfigStatus;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.install.ReleaseActivated;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether each app waits for its configuration (state {@code needs-configuration}) and
 * its configuration status ({@code apps.get} {@code config}), remembered per app.
 * <p>
 * Both come from files: the spec of the live release (or of the upgrade waiting for
 * values) and the stored values; whether the first release awaits its settings is the
 * app's lifecycle's, read fresh each time. Reading them means parsing a spec and a config
 * file, which {@code apps.list} would otherwise do for every app on every call; even
 * looking at the files' times costs about 10 us per app, 5 ms a listing of 500 apps. So a
 * call looks at no file of an app whose state is kept. A kept state is dropped:
 * <ul>
 * <li>when this server changed what it comes from: a write of the app's configuration
 * ({@link AppConfigurator#revision}: values, undo, a pending upgrade recorded or cleared;
 * compared on every call, so the next call after the write reads it again), a release
 * made live ({@link ReleaseActivated}) or the app removed ({@link AppRemoved});</li>
 * <li>when a file changed behind the server's back (an operator edits the config file in
 * place): every {@link #RECHECK} a background thread compares the modification times of
 * each kept app's files (its directory, where the {@code current} link is switched by a
 * rename; {@code config/}, where values and the pending release are written by a rename
 * or created; {@code releases/}; both config files), a tenth of the apps at a time
 * ({@link #SLICES}), and drops the apps whose files changed, so such an edit shows within
 * about a second.</li>
 * </ul>
 * A change less than {@link #SETTLED_MILLIS} old is never trusted, because a timestamp's
 * granularity could hide a second change in the same tick: such an app is read on every
 * call until its files are older.
 */
@Component
class ConfigStates implements DisposableBean {

	/** How old the newest change of an app's files must be before its state is kept. */
	static final long SETTLED_MILLIS = 2000;

	/** How often the kept apps' files are looked at for changes made by hand. */
	static final Duration RECHECK = Duration.ofSeconds(1);

	/**
	 * Into how many parts a round of {@link #RECHECK} is cut, one every
	 * {@code RECHECK / SLICES}: 500 apps take about 7 ms to look at, which in one piece
	 * competes with the calls of that moment for a core.
	 */
	static final int SLICES = 10;

	private static final Logger logger = LoggerFactory.getLogger(ConfigStates.class);

	private static final int MAX_ENTRIES = 10_000;

	private final PyappHome home;

	private final AppConfigurator configurator;

	private final AppDeployer deployer;

	private final LongSupplier clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	// bumped on the events that change an app's files (after they changed)
	private final Map<String, Long> changes = new ConcurrentHashMap<>();

	private final @Nullable ScheduledExecutorService rechecks;

	private int slice;

	@Autowired
	ConfigStates(PyappHome home, AppConfigurator configurator, AppDeployer deployer) {
		this(home, configurator, deployer, System::currentTimeMillis, true);
	}

	ConfigStates(PyappHome home, AppConfigurator configurator, AppDeployer deployer, LongSupplier clock,
			boolean recheckInBackground) {
		this.home = home;
		this.configurator = configurator;
		this.deployer = deployer;
		this.clock = clock;
		this.rechecks = recheckInBackground ? Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-config-states");
			thread.setDaemon(true);
			return thread;
		}) : null;
		if (this.rechecks != null) {
			long every = RECHECK.toMillis() / SLICES;
			this.rechecks.scheduleWithFixedDelay(this::recheckQuietly, every, every, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * The app's configuration state now.
	 * @param app an installed app
	 * @return its state, read again if its files may have changed
	 */
	State of(AppId app) {
		// whether the first release awaits its settings is the app's lifecycle's, held in
		// memory and read fresh: no file records it
		boolean awaits = this.deployer.awaitsFirstConfiguration(app);
		// both taken before the files are read: a change while they are read makes the
		// state stale at once
		long revision = this.configurator.revision(app);
		long changes = this.changes.getOrDefault(app.value(), 0L);
		Entry known = this.entries.get(app.value());
		if (known != null && known.revision() == revision && known.changes() == changes) {
			return known.state().awaiting(awaits);
		}
		Watched files = (known != null) ? known.files() : Watched.of(this.home.app(app));
		Stamp stamp = Stamp.of(files, null);
		State state = read(app, awaits);
		if (state.cacheable() && stamp.newest() < this.clock.getAsLong() - SETTLED_MILLIS) {
			if (this.entries.size() >= MAX_ENTRIES) {
				this.entries.clear();
			}
			this.entries.put(app.value(), new Entry(files, stamp, revision, changes, state));
		}
		else {
			this.entries.remove(app.value());
		}
		return state;
	}

	/**
	 * Drops every kept state whose files changed since it was read (what {@link #RECHECK}
	 * runs in the background).
	 */
	void recheck() {
		for (int part = 0; part < SLICES; part++) {
			recheck(part);
		}
	}

	/**
	 * Drops the kept states of one part of the apps whose files changed since they were
	 * read.
	 * @param part which part, {@code 0} to {@code SLICES - 1}: the apps whose names hash
	 * to it
	 */
	void recheck(int part) {
		this.entries.forEach((app, entry) -> {
			if (Math.floorMod(app.hashCode(), SLICES) == part
					&& !Stamp.of(entry.files(), entry.stamp()).equals(entry.stamp())) {
				// only this entry: a newer one was read after the change
				this.entries.remove(app, entry);
			}
		});
	}

	private void recheckQuietly() {
		try {
			recheck(this.slice);
			this.slice = (this.slice + 1) % SLICES;
		}
		catch (RuntimeException ex) {
			// the next round tries again; a failing round must not end the rechecks
			logger.warn("Cannot check the apps' configuration files for changes", ex);
		}
	}

	@EventListener
	void on(ReleaseActivated event) {
		changed(event.app());
	}

	@EventListener
	void on(AppRemoved event) {
		changed(event.app());
	}

	private void changed(AppId app) {
		this.changes.merge(app.value(), 1L, Long::sum);
	}

	@Override
	public void destroy() {
		if (this.rechecks != null) {
			this.rechecks.shutdownNow();
		}
	}

	private State read(AppId app, boolean awaits) {
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

		State awaiting(boolean awaits) {
			return (awaits == this.awaitsFirstConfiguration) ? this : new State(awaits, this.status, this.failure);
		}

		// an unexpected failure is thrown each time, never remembered
		boolean cacheable() {
			return this.failure == null || this.failure instanceof PyappException;
		}

	}

	private record Entry(Watched files, Stamp stamp, long revision, long changes, State state) {
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
