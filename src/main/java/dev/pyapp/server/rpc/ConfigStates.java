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
 * values) and the stored values; whether the first release awaits its settings is the
 * app's lifecycle's, read fresh each time. Reading them means parsing a spec and a config
 * file, which {@code apps.list} would otherwise do for every app on every call. An app is
 * read again only when a file they come from may have changed, by modification time: its
 * directory (the {@code current} link is switched by a rename in it), its {@code config/}
 * directory (values and the pending release are written by a rename or created there),
 * its {@code releases/} directory, and both config files (an operator may edit one in
 * place). A change less than {@link #SETTLED_MILLIS} old is never trusted, because a
 * timestamp's granularity could hide a second change in the same tick: such an app is
 * read on every call until its files are older.
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
		AppPaths paths = this.home.app(app);
		// taken before the files are read: a change while they are read makes it stale
		Stamp stamp = Stamp.of(paths);
		// whether the first release awaits its settings is the app's lifecycle's, held in
		// memory and read fresh: no file records it
		boolean awaits = this.deployer.awaitsFirstConfiguration(app);
		Entry known = this.entries.get(app.value());
		if (known != null && known.stamp().equals(stamp)) {
			return known.state().awaiting(awaits);
		}
		State state = read(app, awaits);
		if (state.cacheable() && stamp.newest() < this.clock.getAsLong() - SETTLED_MILLIS) {
			if (this.entries.size() >= MAX_ENTRIES) {
				this.entries.clear();
			}
			this.entries.put(app.value(), new Entry(stamp, state));
		}
		else {
			this.entries.remove(app.value());
		}
		return state;
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

	private record Entry(Stamp stamp, State state) {
	}

	/**
	 * Modification times in milliseconds ({@code 0} for a file that does not exist), read
	 * without exceptions: a missing file is the common case here.
	 */
	private record Stamp(long root, long config, long releases, long yaml, long ini) {

		static Stamp of(AppPaths paths) {
			Path config = paths.config();
			return new Stamp(modified(paths.root()), modified(config), modified(paths.releases()),
					modified(config.resolve("config.yaml")), modified(config.resolve("config.ini")));
		}

		long newest() {
			return Math.max(Math.max(Math.max(this.root, this.config), Math.max(this.releases, this.yaml)), this.ini);
		}

		private static long modified(Path path) {
			// java.io reports a missing file as 0 instead of throwing, which costs a
			// stack trace per missing file and app on every call
			return new File(path.toString()).lastModified();
		}

	}

}
