package dev.pyapp.server.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.ProcessInfo;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.venv.PythonInterpreter;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Keeps each app apart from the host and from the other apps (SPEC §10): its own system
 * user, the owners and modes of its files, and for each of its processes the
 * {@link Isolation} that {@code nodes} applies — a bubblewrap sandbox that shows the
 * host's system directories, the release and of {@code server-packages/} the server's
 * packages and the app's shared ones read-only, and only the app's own directories
 * writable, and its resource limits. Calls are synchronous.
 */
@Component
public class AppIsolation {

	private static final Logger logger = LoggerFactory.getLogger(AppIsolation.class);

	/**
	 * The umask of every process of an app with a user of its own (its daemon, hooks,
	 * tasks, {@code apps.run}, its environment's build), whatever the server's: what it
	 * writes is its user's, readable by its group (its own, and the web server's in the
	 * setgid {@code run/}), never by others. The web server reads nothing else the app
	 * writes: its socket's mode is the app server's own ({@code 0660}), and its static
	 * files are the server's, with their modes, once sealed.
	 */
	public static final int APP_UMASK = AppPaths.APP_UMASK;

	/**
	 * The umask of the processes of an app that runs as the server's own user (the server
	 * is not root): its files are the server's, private as those the server makes (SPEC
	 * §10), since the server's group may be shared with other local users.
	 */
	public static final int SERVER_USER_UMASK = 0077;

	/**
	 * The most of a venv's {@code pyvenv.cfg} read (one python -m venv writes is tiny).
	 */
	private static final int MAX_VENV_CONFIG = 64 * 1024;

	private final PyappHome home;

	private final HostIsolation host;

	private final AppAccounts accounts;

	private final AppLayout layout;

	private final AppLimits limits;

	private final PackageReader reader;

	private final AppIsolationRecords records;

	private final VenvBuilder venvs;

	private final String instance;

	/**
	 * The generated static directories open to their app's hooks: from
	 * {@link #openGenerated} to the {@link #seal} of their release. Only these are
	 * writable in its sandbox; a sealed one is the app's user's (it reads it), so a
	 * writable view would let it put links there again, which the web server follows.
	 */
	private final Set<Path> openGenerated = ConcurrentHashMap.newKeySet();

	AppIsolation(PyappHome home, HostIsolation host, AppAccounts accounts, AppLayout layout, AppLimits limits,
			PackageReader reader, AppIsolationRecords records, VenvBuilder venvs) {
		this.venvs = venvs;
		this.home = home;
		this.host = host;
		this.accounts = accounts;
		this.layout = layout;
		this.limits = limits;
		this.reader = reader;
		this.records = records;
		this.instance = instance(home);
	}

	/**
	 * What tells this server's cgroups from those of a server with another home on the
	 * same host: the end of the name of each of its apps' cgroups.
	 * @param home the server's home
	 * @return 8 hex digits of a hash of its path
	 */
	static String instance(PyappHome home) {
		return AccountNames.hex(home.root().toString()).substring(0, 8);
	}

	/**
	 * Gives an app its user (when it has none yet) and sets the owners and modes of its
	 * directories; called before anything of a new release runs.
	 * @param app the app
	 * @throws PyappException ({@code CONFLICT}) when no user name is free for it,
	 * ({@code FAILED}) when {@code useradd} fails
	 */
	public void prepare(AppId app) {
		String cgroup = cgroup(app);
		if (cgroup != null) {
			// an app installed again after its removal: its processes may start again
			this.host.reopen(cgroup);
		}
		own(app);
	}

	/**
	 * Gives an app's directories (those made since {@link #prepare}) to its user before
	 * one of its processes starts. Unlike {@code prepare} it leaves a cgroup retired with
	 * the app {@linkplain #remove retired}, so a process whose start began before the
	 * app's removal is refused rather than starting in a cgroup made again.
	 * @param app the app
	 * @throws PyappException ({@code CONFLICT}) when no user name is free for it,
	 * ({@code FAILED}) when {@code useradd} fails
	 */
	public void own(AppId app) {
		this.layout.prepare(app, this.accounts.ensure(app));
	}

	/**
	 * The isolation of a release's environment build: pip runs as the app's user in its
	 * sandbox, with the release writable; the release is handed to that user until
	 * {@link #seal}.
	 * @param app the app
	 * @param release the release's directory
	 * @param interpreter the host interpreter the environment is made from
	 * @return the isolation
	 */
	public Isolation build(AppId app, Path release, Path interpreter) {
		AppIdentity identity = this.accounts.ensure(app);
		this.layout.forBuild(release, identity);
		AppPaths paths = this.home.app(app);
		List<Path> readOnly = new ArrayList<>(this.venvs.serverPackagesFor(app));
		prefix(realPath(interpreter).getParent()).ifPresent(readOnly::add);
		Isolation.Sandbox sandbox = sandbox(readOnly, List.of(release, paths.tmp(), paths.home()), paths);
		return new Isolation(identity.own() ? identity.account() : null, sandbox,
				AppLimits.toLimits(this.limits.resolve(app, AppManifest.Limits.NONE, identity.own())), cgroup(app),
				umask(identity));
	}

	/**
	 * Makes a built release read-only to its app, with its static directories readable by
	 * the web server.
	 * @param app the app
	 * @param release the release's directory
	 */
	public void seal(AppId app, Path release) {
		List<AppManifest.StaticEntry> entries = this.reader.readManifest(release).statics();
		AppIdentity identity = this.accounts.ensure(app);
		Path sealed = release.toAbsolutePath().normalize();
		this.openGenerated.removeIf((dir) -> dir.startsWith(sealed));
		// a generated static directory is read by its app too (Django's
		// ManifestStaticFilesStorage reads staticfiles.json on every start): the app's
		// user owns it read-only, the web server reads it through its group
		this.layout.seal(release, entries.stream().map(AppManifest.StaticEntry::path).toList(),
				entries.stream().filter(AppManifest.StaticEntry::generated).map(AppManifest.StaticEntry::path).toList(),
				identity);
	}

	/**
	 * Hands a release's generated static directories to the app's user while its hooks
	 * fill them (Django's {@code collectstatic}); {@link #seal} makes them the server's
	 * and read-only again once they are checked.
	 * @param app the app
	 * @param directories the directories, inside the release
	 */
	public void openGenerated(AppId app, List<Path> directories) {
		Isolation.Account user = this.accounts.ensure(app).account();
		for (Path directory : directories) {
			Path release = this.home.app(app).releases();
			if (!FileModes.directoryWithoutLinks(release, directory)) {
				// the way to it is not the release's own: never given to the app
				throw new IllegalStateException("Generated static directory [" + directory
						+ "] is not a directory reached without a symlink below [" + release + "]");
			}
			FileModes.tree(directory, user.uid(), user.gid(), 0700, 0600);
			this.openGenerated.add(directory.toAbsolutePath().normalize());
		}
	}

	/**
	 * The isolation of every process of a release (its daemon, hooks, tasks and commands
	 * run in it): the app's user, its sandbox, its limits, and its cgroup (a daemon adds
	 * a level of its own with {@link Isolation#withCgroup}).
	 * @param app the app
	 * @param release the release's directory
	 * @param manifest its manifest
	 * @return the isolation
	 */
	public Isolation process(AppId app, Path release, AppManifest manifest) {
		AppIdentity identity = this.accounts.ensure(app);
		AppPaths paths = this.home.app(app);
		List<Path> readOnly = new ArrayList<>(this.venvs.serverPackagesFor(app));
		readOnly.addAll(List.of(release, paths.config()));
		venvHome(release).flatMap((bin) -> knownInterpreterBin(release, bin))
			.flatMap(this::prefix)
			.ifPresent(readOnly::add);
		List<Path> readWrite = new ArrayList<>(List.of(paths.data(), paths.tmp(), paths.home(), paths.run()));
		// the generated static directories: writable only while the hooks of their deploy
		// fill them (once sealed they are read-only like the rest of the release)
		manifest.statics()
			.stream()
			.filter(AppManifest.StaticEntry::generated)
			.map((entry) -> release.resolve(entry.path()).normalize())
			.filter((dir) -> dir.startsWith(release) && !dir.equals(release) && Files.isDirectory(dir))
			.filter((dir) -> this.openGenerated.contains(dir.toAbsolutePath().normalize()))
			.forEach(readWrite::add);
		Isolation.Sandbox sandbox = sandbox(readOnly, readWrite, paths);
		return new Isolation(identity.own() ? identity.account() : null, sandbox,
				AppLimits.toLimits(this.limits.resolve(app, manifest.resources().limits(), identity.own())),
				cgroup(app), umask(identity));
	}

	private static int umask(AppIdentity identity) {
		return identity.own() ? APP_UMASK : SERVER_USER_UMASK;
	}

	private Isolation.@Nullable Sandbox sandbox(List<Path> readOnly, List<Path> readWrite, AppPaths paths) {
		if (this.host.sandboxUnavailable().isPresent()) {
			return null;
		}
		// server-packages/ shows only what the app may import, and Python lists it
		return new Isolation.Sandbox(readOnly, readWrite, paths.tmp(), List.of(this.home.root()),
				List.of(this.home.serverPackages()));
	}

	/**
	 * The cgroup of an app's processes (unique to this server), or {@code null} when the
	 * host has none.
	 * @param app the app
	 * @return {@code <name>.<8 hex digits>}
	 */
	public @Nullable String cgroup(AppId app) {
		return this.host.cgroupsUnavailable().isPresent() ? null : app.value() + "." + this.instance;
	}

	/**
	 * Publishes a daemon's socket to the web server: a hard link of it in the app's
	 * {@code web/}, checked to be a socket of the app's user, given to the web server's
	 * group, mode 0660 (app servers make their sockets their own user's and group's).
	 * @param app the app
	 * @param socket the socket in the app's {@code run/}
	 * @return its link in {@code web/}, the path the web server is to connect to
	 * @throws IllegalStateException if the entry in {@code run/} is not a socket of the
	 * app's user (the app replaced it)
	 */
	public Path socketForWebServer(AppId app, Path socket) {
		AppPaths paths = this.home.app(app);
		Path run = paths.run();
		if (!socket.toAbsolutePath().normalize().startsWith(run)) {
			throw new IllegalArgumentException("socket " + socket + " is not in " + run);
		}
		AppIdentity identity = this.accounts.ensure(app);
		return this.layout.webSocket(socket, paths.web(), identity, identity.account().uid());
	}

	/**
	 * Publishes the socket of a daemon a server before app users started as its own user
	 * ({@link #runsAsApp} is false), so that it serves on until a daemon of the app's
	 * user replaces it: as {@link #socketForWebServer}, but the socket must be the server
	 * user's. The app's user cannot make one: a socket is only linked by its owner, and a
	 * daemon of the server's user is one only such a server started.
	 * @param app the app
	 * @param socket the socket in the app's {@code run/}
	 * @return its link in {@code web/}
	 * @throws IllegalStateException if the entry in {@code run/} is not a socket of the
	 * server's user
	 */
	public Path serverSocketForWebServer(AppId app, Path socket) {
		AppPaths paths = this.home.app(app);
		if (!socket.toAbsolutePath().normalize().startsWith(paths.run())) {
			throw new IllegalArgumentException("socket " + socket + " is not in " + paths.run());
		}
		return this.layout.webSocket(socket, paths.web(), this.accounts.ensure(app), this.host.serverAccount().uid());
	}

	/**
	 * Whether a process runs as the app's user (a daemon to adopt after a restart).
	 * @param app the app
	 * @param process the process
	 * @return whether it does
	 */
	public boolean runsAsApp(AppId app, ProcessInfo process) {
		return process.uid() == this.accounts.ensure(app).account().uid();
	}

	/**
	 * After an app's files are deleted: kills what is left in its cgroups and removes
	 * them for good, so that none of its processes (a task firing meanwhile) starts in
	 * them again until {@link #prepare} of a new install; and deletes its user (kept with
	 * its data).
	 * @param app the app
	 * @param keepData whether its data (and so its user) stays
	 */
	public void remove(AppId app, boolean keepData) {
		String cgroup = cgroup(app);
		if (cgroup != null) {
			this.host.retire(cgroup);
		}
		if (keepData) {
			this.accounts.forget(app);
			return;
		}
		try {
			this.accounts.delete(app);
		}
		catch (PyappException ex) {
			logger.warn("Cannot delete the user of {}: {}", app, ex.getMessage());
		}
		this.records.deleteById(app.value());
	}

	/**
	 * How an app is kept apart now ({@code apps.get}).
	 * @param app the app
	 * @param manifest its live release's manifest, or {@code null} when it has none
	 * @return the status
	 */
	public IsolationStatus status(AppId app, @Nullable AppManifest manifest) {
		AppIdentity identity = this.accounts.ensure(app);
		Optional<String> sandbox = this.host.sandboxUnavailable();
		Isolation.Account account = identity.account();
		return new IsolationStatus(account.name(), account.uid(), account.gid(), identity.own(), identity.reason(),
				sandbox.isPresent() ? "none" : "bubblewrap", sandbox.orElse(null), this.limits.resolve(app,
						(manifest != null) ? manifest.resources().limits() : AppManifest.Limits.NONE, identity.own()));
	}

	/**
	 * Sets the operator's caps on an app's limits ({@code apps.limits.set}); they apply
	 * from the next start of each process.
	 * @param app the app
	 * @param limits {@code memory}, {@code processes}, {@code open_files}, {@code cpu};
	 * {@code null} returns one to the server's default
	 * @throws PyappException ({@code INVALID}) naming each bad value
	 */
	public void setLimits(AppId app, Map<String, ?> limits) {
		this.limits.setCaps(app, limits);
	}

	/**
	 * The installation prefix of an interpreter outside the system directories, which a
	 * sandbox must show read-only (a pyenv build, for example).
	 */
	private Optional<Path> prefix(Path binDirectory) {
		Path prefix = realPath(binDirectory).getParent();
		if (prefix == null || this.host.systemDirectories().stream().anyMatch(prefix::startsWith)
				|| prefix.startsWith(this.home.root())) {
			return Optional.empty();
		}
		return Optional.of(prefix);
	}

	/**
	 * {@code home} of a venv's {@code pyvenv.cfg}: the interpreter's bin directory. The
	 * app's user wrote the release while pip built it (a {@code setup.py} runs then), so
	 * the file is read without following a link or waiting on a FIFO, within a bound, and
	 * what it names is only trusted once {@link #knownInterpreterBin} finds it.
	 */
	private static Optional<Path> venvHome(Path release) {
		try (AtomicFiles.RegularFile config = AtomicFiles.openBelow(release, "venv/pyvenv.cfg")) {
			if (config == null) {
				return Optional.empty();
			}
			String text = new String(config.content().readNBytes(MAX_VENV_CONFIG), StandardCharsets.UTF_8);
			for (String line : text.split("\\R")) {
				int equals = line.indexOf('=');
				if (equals > 0 && line.substring(0, equals).trim().equals("home")) {
					return Optional.of(Path.of(line.substring(equals + 1).trim()));
				}
			}
		}
		catch (IOException | InvalidPathException ex) {
			// no environment yet, or none the server made: nothing more is shown
		}
		return Optional.empty();
	}

	/**
	 * The bin directory a venv names, if it is the one of an interpreter the server found
	 * on the host: a sandbox shows that interpreter's installation, never a directory the
	 * app chose by rewriting its {@code pyvenv.cfg} ({@code home = /run/x} would show the
	 * host's {@code /run}, {@code /x} the whole host).
	 */
	private Optional<Path> knownInterpreterBin(Path release, Path bin) {
		Path real = realPath(bin);
		List<PythonInterpreter> interpreters;
		try {
			interpreters = this.venvs.interpreters();
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot list the host's Python interpreters: {}", ex.getMessage());
			return Optional.empty();
		}
		for (PythonInterpreter interpreter : interpreters) {
			Path known = realPath(interpreter.executable()).getParent();
			if (known != null && (known.equals(real) || realPath(interpreter.executable().getParent()).equals(real))) {
				return Optional.of(real);
			}
		}
		logger.warn("The environment of {} names the interpreter directory {}, which is not one of the host's "
				+ "interpreters: it is not shown in the sandbox", release, bin);
		return Optional.empty();
	}

	private static Path realPath(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			return path.toAbsolutePath().normalize();
		}
	}

}
