package dev.pyapp.server.packaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An app's {@code metadata.yaml} (SPEC §1), validated. Optional sections are filled with
 * their defaults, so no component is {@code null} except where noted.
 *
 * @param format the format, always 1
 * @param name the app's name ({@code ^[a-z][a-z0-9-]{0,39}$})
 * @param version the PEP 440 version
 * @param summary one line, or {@code null}
 * @param python the PEP 440 specifier for the interpreter, or {@code null} for any
 * @param entry the WSGI entry point
 * @param dependencies PEP 508 requirements with their scope
 * @param resources writable directories and databases
 * @param statics files the web server serves itself
 * @param daemon how the app server runs the app
 * @param health the health check
 * @param updates how a git source follows new commits
 * @param hooks lifecycle hooks by name ({@code post-install}, {@code pre-update},
 * {@code post-update}, {@code pre-delete}) to {@code module:callable}
 * @param tasks recurring tasks
 */
public record AppManifest(int format, String name, String version, @Nullable String summary, @Nullable String python,
		Entry entry, List<Dependency> dependencies, Resources resources, List<StaticEntry> statics, Daemon daemon,
		Health health, Updates updates, Map<String, String> hooks, List<Task> tasks) {

	/** The hook names SPEC §1 knows. */
	public static final List<String> HOOK_NAMES = List.of("post-install", "pre-update", "post-update", "pre-delete");

	/**
	 * The WSGI entry point: exactly one of a callable or a factory.
	 *
	 * @param kind how {@code target} is used
	 * @param target {@code module:attribute}
	 */
	public record Entry(EntryKind kind, String target) {
	}

	public enum EntryKind {

		/** {@code target} is the WSGI callable. */
		WSGI,

		/** {@code target} is called with no arguments and returns the WSGI callable. */
		FACTORY

	}

	/**
	 * @param requirement a PEP 508 requirement string
	 * @param scope where it is installed
	 */
	public record Dependency(String requirement, Scope scope) {
	}

	public enum Scope {

		/** The app's own environment (the default). */
		LOCAL,

		/** {@code server-packages/}, shared by every app. */
		SHARED

	}

	/**
	 * @param writable directories created under {@code data/}, kept across releases
	 * @param databases databases the app uses
	 * @param limits the resource limits the app asks for (the operator's caps apply)
	 */
	public record Resources(List<String> writable, List<Database> databases, Limits limits) {

		public Resources(List<String> writable, List<Database> databases) {
			this(writable, databases, Limits.NONE);
		}

	}

	/**
	 * What an app asks for in {@code resources.limits}; {@code null} where it asks for
	 * nothing (the operator's default applies).
	 *
	 * @param memory bytes of memory for each process tree (the daemon with its workers,
	 * each hook, each task run)
	 * @param processes processes and threads of each process tree
	 * @param openFiles open files per process
	 * @param cpu CPU time in cores
	 */
	public record Limits(@Nullable Long memory, @Nullable Integer processes, @Nullable Integer openFiles,
			@Nullable Double cpu) {

		/** Nothing asked for. */
		public static final Limits NONE = new Limits(null, null, null, null);

	}

	/**
	 * @param name the database's name ({@code PYAPP_DATABASE_<NAME>_URL})
	 * @param kind sqlite or mongodb
	 */
	public record Database(String name, DatabaseKind kind) {
	}

	public enum DatabaseKind {

		/** {@code data/db/<name>.sqlite3}. */
		SQLITE,

		/** A database on the server's MongoDB. */
		MONGODB

	}

	/**
	 * @param url the URL below the app's mount path, such as {@code /static}
	 * @param path the directory relative to the archive root
	 * @param generated whether the hooks create it (Django's {@code collectstatic}): it
	 * need not be in the archive, and must exist once the hooks ran
	 * @param exclude files the web server must not serve: glob patterns ({@code *} within
	 * a name) relative to the directory; one without {@code /} matches a file name at any
	 * depth
	 */
	public record StaticEntry(String url, String path, boolean generated, List<String> exclude) {

		/** The most patterns an entry may exclude. */
		public static final int MAX_EXCLUDES = 32;

		/** Safe names and {@code *}, joined by {@code /}; no {@code ..}. */
		public static final java.util.regex.Pattern EXCLUDE = java.util.regex.Pattern
			.compile("^(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._*-]{1,100}(/[A-Za-z0-9._*-]{1,100}){0,15}$");

		public StaticEntry {
			exclude = List.copyOf(exclude);
		}

		public StaticEntry(String url, String path) {
			this(url, path, false, List.of());
		}

	}

	/**
	 * @param method threading (gthread workers) or processes (sync workers)
	 * @param workers worker processes
	 * @param threads threads per worker
	 * @param bind a unix socket (default) or a port from the server's port range
	 * @param server the app server the app asks for (one of {@link #SERVERS}), or
	 * {@code null} for the server's default ({@code pyapp.runtime.server})
	 */
	public record Daemon(DaemonMethod method, int workers, int threads, BindKind bind, @Nullable String server) {

		/** The app servers {@code daemon.server} may name (SPEC §10). */
		public static final List<String> SERVERS = List.of("gunicorn", "uwsgi");

		public static final Daemon DEFAULT = new Daemon(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET, null);

		/**
		 * The most worker processes {@code daemon.workers} (or an operator's scale) may
		 * ask for.
		 */
		public static final int MAX_WORKERS = 64;

		/**
		 * The most threads per worker {@code daemon.threads} (or an operator's scale) may
		 * ask for.
		 */
		public static final int MAX_THREADS = 256;

		public Daemon(DaemonMethod method, int workers, int threads, BindKind bind) {
			this(method, workers, threads, bind, null);
		}

		/**
		 * The same daemon with other worker and thread counts (an operator's
		 * {@code apps.scale}).
		 * @param workers worker processes
		 * @param threads threads per worker
		 * @return the scaled daemon
		 */
		public Daemon scaled(int workers, int threads) {
			return new Daemon(this.method, workers, threads, this.bind, this.server);
		}

	}

	public enum DaemonMethod {

		/**
		 * One process (or {@code workers}) with {@code threads} threads: gunicorn
		 * gthread, uWSGI {@code --processes --threads}.
		 */
		THREADING,

		/**
		 * {@code workers} single-threaded processes: gunicorn sync, uWSGI
		 * {@code --processes}.
		 */
		PROCESSES

	}

	public enum BindKind {

		/** {@code run/app.sock}. */
		SOCKET,

		/** A TCP port on 127.0.0.1 from {@code pyapp.runtime.port-range}. */
		PORT

	}

	/**
	 * @param path the path below the mount that a GET is sent to
	 * @param timeout how long the check may take
	 * @param host the {@code Host} header to send, or {@code null} for the host name of
	 * the virtual server the app is mounted on
	 */
	public record Health(String path, Duration timeout, @Nullable String host) {

		public static final Health DEFAULT = new Health("/", Duration.ofSeconds(10), null);

	}

	/**
	 * @param strategy which revision of a git source is deployed
	 * @param branch the branch for {@code one-branch}, or {@code null}
	 * @param tagPattern the glob for {@code latest-tag}, or {@code null}
	 * @param auto whether a push deploys (true) or only records an available update
	 */
	public record Updates(UpdateStrategy strategy, @Nullable String branch, @Nullable String tagPattern, boolean auto) {

		public static final Updates DEFAULT = new Updates(UpdateStrategy.ALWAYS_LATEST, null, null, true);

	}

	public enum UpdateStrategy {

		/** The head of the default branch. */
		ALWAYS_LATEST("always-latest"),

		/** The head of a named branch. */
		ONE_BRANCH("one-branch"),

		/** The newest tag matching a glob, by PEP 440 order. */
		LATEST_TAG("latest-tag");

		private final String value;

		UpdateStrategy(String value) {
			this.value = value;
		}

		public String value() {
			return this.value;
		}

		public static @Nullable UpdateStrategy of(String value) {
			for (UpdateStrategy strategy : values()) {
				if (strategy.value.equals(value)) {
					return strategy;
				}
			}
			return null;
		}

	}

	/**
	 * @param name the task's name
	 * @param schedule a 5-field cron expression
	 * @param call {@code module:callable}
	 */
	public record Task(String name, String schedule, String call) {
	}

}
