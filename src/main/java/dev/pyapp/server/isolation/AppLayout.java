package dev.pyapp.server.isolation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Owners and modes below {@code PYAPP_HOME} that concern apps (SPEC §10 "Files"; S is the
 * server's user, A the app's user and group, W the web server's group):
 *
 * <pre>
 * PYAPP_HOME/, apps/            S        0711   nobody lists them
 * server-packages/              S        0755/0644  read by every app
 * apps/&lt;name&gt;/                  S        0711
 *   releases/                   S:A      0751
 *     &lt;release&gt;/ (tree)          S:A      0750/0640  read-only to the app (A during its build)
 *       static dirs (tree)      S:W      0750/0640  read by the web server only
 *   config/                     S:A      2750   new files get group A
 *     config.yaml|ini           S:A      0640   the app reads it, cannot change it
 *   data/, tmp/, home/          A:A      0700   the app's own
 *   run/                        A:W      2750   sockets 0660 A:W
 *     logs.sock                 S:A      0660   the app's processes send their log records
 *   logs/                       S        0700   captured output
 *   web/                        S:W      0750   hard links to the daemons' sockets in run/,
 *                                               the only path the web server connects to
 * </pre> Directories on the way from a release to its static directories get {@code o+x}
 * (no listing, no reading) so that the web server can pass.
 */
@Component
class AppLayout {

	private static final Logger logger = LoggerFactory.getLogger(AppLayout.class);

	private final PyappHome home;

	private final HostIsolation host;

	private final AtomicBoolean webGroupLogged = new AtomicBoolean();

	private volatile @Nullable Optional<Integer> webGroup;

	AppLayout(PyappHome home, HostIsolation host) {
		this.home = home;
		this.host = host;
	}

	/**
	 * The server's own top level: its home and {@code apps/} may be passed, not listed;
	 * {@code server-packages/} is read by every app.
	 * @return how many entries changed
	 */
	int homeLayout() {
		Isolation.Account server = this.host.serverAccount();
		int changed = 0;
		changed += FileModes.set(this.home.root(), FileModes.owner(this.home.root()), gid(this.home.root()), 0711) ? 1
				: 0;
		changed += FileModes.set(this.home.apps(), server.uid(), server.gid(), 0711) ? 1 : 0;
		changed += FileModes.tree(this.home.serverPackages(), server.uid(), server.gid(), 0755, 0644);
		closedAncestor().ifPresent((closed) -> logger.warn(
				"Apps run as users of their own without a sandbox, and {} ({}) closes PYAPP_HOME {} to them: "
						+ "their environments, daemons and hooks will fail with 'Permission denied'. Give every "
						+ "directory above PYAPP_HOME o+x (chmod o+x {}), install bubblewrap, or move PYAPP_HOME",
				closed, PosixFilePermissions.toString(permissions(closed)), this.home.root(), closed));
		return changed;
	}

	/**
	 * The first directory above {@code PYAPP_HOME} that an app's user cannot pass, where
	 * that matters: apps run as users of their own and no sandbox mounts their
	 * directories for them (bubblewrap makes the way to each mount passable itself).
	 * @return the directory, or empty when every one can be passed or it does not matter
	 */
	Optional<Path> closedAncestor() {
		if (this.host.usersUnavailable().isPresent() || this.host.sandboxUnavailable().isEmpty()) {
			return Optional.empty();
		}
		for (Path dir = this.home.root().toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
			if (!permissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
				return Optional.of(dir);
			}
		}
		return Optional.empty();
	}

	private static Set<PosixFilePermission> permissions(Path dir) {
		try {
			return Files.getPosixFilePermissions(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the mode of " + dir, ex);
		}
	}

	/**
	 * Creates an app's own directories (not its releases) and sets their owners and
	 * modes.
	 * @param app the app
	 * @param identity its user
	 * @return how many entries changed
	 */
	int prepare(AppId app, AppIdentity identity) {
		AppPaths paths = this.home.app(app);
		Isolation.Account server = this.host.serverAccount();
		Isolation.Account user = identity.account();
		for (Path dir : List.of(paths.root(), paths.releases(), paths.config(), paths.data(), paths.tmp(), paths.home(),
				paths.run(), paths.logs())) {
			createDirectory(dir);
		}
		int changed = 0;
		changed += count(FileModes.set(paths.root(), server.uid(), server.gid(), 0711));
		changed += count(FileModes.set(paths.releases(), server.uid(), user.gid(), 0751));
		changed += count(FileModes.set(paths.config(), server.uid(), user.gid(), 02750));
		changed += configFiles(paths, server, user);
		for (Path own : List.of(paths.data(), paths.tmp(), paths.home())) {
			// the app's files are its own: walked only when the directory is not yet
			// (an install from before per-app users, or a new uid), never on every deploy
			if (FileModes.owner(own) != user.uid()) {
				changed += FileModes.owners(own, user.uid(), user.gid());
			}
			changed += count(FileModes.set(own, user.uid(), user.gid(), 0700));
		}
		// writable directories and db/ the server made for a new release: empty, and
		// given to the app alone, not walked (data/ is the app's: a running daemon may
		// have swapped one for a link to /etc by the time a walk opens it), with the mode
		// the app's own umask gives what it makes (the server's umask made them)
		try (var children = Files.list(paths.data())) {
			for (Path child : children.toList()) {
				if (FileModes.owner(child) != user.uid()) {
					changed += count(Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
							? FileModes.set(child, user.uid(), user.gid(), AppPaths.APP_DIRECTORY_MODE)
							: FileModes.chown(child, user.uid(), user.gid()));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + paths.data(), ex);
		}
		Optional<Integer> web = webGroup();
		changed += count(web.isPresent() ? FileModes.set(paths.run(), user.uid(), web.get(), 02750)
				: FileModes.set(paths.run(), user.uid(), user.gid(), 0700));
		changed += count(FileModes.set(paths.logs(), server.uid(), server.gid(), 0700));
		return changed;
	}

	private int configFiles(AppPaths paths, Isolation.Account server, Isolation.Account user) {
		int changed = 0;
		try (var files = Files.list(paths.config())) {
			for (Path file : files.toList()) {
				if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
					// the live config file is the app's to read; the previous version and
					// markers are the server's
					String name = file.getFileName().toString();
					boolean live = AppPaths.CONFIG_FILES.contains(name);
					changed += count(FileModes.set(file, server.uid(), user.gid(), live ? 0640 : 0600));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + paths.config(), ex);
		}
		return changed;
	}

	/**
	 * Hands a release's tree to the app's user while its environment is built (pip runs
	 * as that user and writes {@code venv/}, and a setuptools build writes into
	 * {@code src/}).
	 * @param release the release's directory
	 * @param identity the app's user
	 * @return how many entries changed
	 */
	int forBuild(Path release, AppIdentity identity) {
		Isolation.Account user = identity.account();
		return FileModes.tree(release, user.uid(), user.gid(), 0750, 0640);
	}

	/**
	 * Makes a built release read-only to its app: owned by the server, readable by the
	 * app's group; its static directories readable by the web server's group instead.
	 * @param release the release's directory
	 * @param statics its static directories (relative paths from its manifest)
	 * @param identity the app's user
	 * @return how many entries changed
	 */
	int seal(Path release, List<String> statics, AppIdentity identity) {
		return seal(release, statics, List.of(), identity);
	}

	/**
	 * Makes a built release read-only to its app, as
	 * {@link #seal(Path, List, AppIdentity)} does; its generated static directories
	 * (filled by its hooks) become the app's user's to read and the web server's group's
	 * (0550 / 0440), since the app reads what its hooks made there (Django's
	 * {@code staticfiles.json}), every time it is sealed again (at each start of the
	 * server) too.
	 * @param release the release's directory
	 * @param statics its static directories (relative paths from its manifest)
	 * @param generated those of them its hooks generate
	 * @param identity the app's user
	 * @return how many entries changed
	 */
	int seal(Path release, List<String> statics, List<String> generated, AppIdentity identity) {
		Isolation.Account server = this.host.serverAccount();
		int gid = identity.account().gid();
		Optional<Integer> web = webGroup();
		// first closed to everyone but the server: no process of the app's user can
		// change the tree (a directory swapped for a symlink) while it is walked
		if (FileModes.owner(release) != server.uid()) {
			FileModes.set(release, server.uid(), server.gid(), 0700);
		}
		for (String relative : generated) {
			// a generated directory still open to the hooks that filled it (the release
			// is the server's by then) is closed likewise; set() leaves a link alone
			Path dir = release.resolve(relative).normalize();
			if (FileModes.directoryWithoutLinks(release, dir) && (FileModes.mode(dir) & 0200) != 0
					&& FileModes.owner(dir) != server.uid()) {
				FileModes.set(dir, server.uid(), server.gid(), 0700);
			}
		}
		Set<Path> staticDirs = directories(release, statics);
		Set<Path> generatedDirs = directories(release, generated);
		generatedDirs.retainAll(staticDirs);
		Set<Path> apart = new LinkedHashSet<>(web.isPresent() ? staticDirs : generatedDirs);
		// before anything is given to the web server or the app: the copies get the
		// owners and modes of the tree below
		int changed = 0;
		for (Path dir : staticDirs) {
			changed += replaceLinks(release, dir);
		}
		// the way from the release to its static directories: passable by the web server
		Map<Path, Integer> passable = new HashMap<>();
		for (Path dir : staticDirs) {
			for (Path step = dir.getParent(); step != null && step.startsWith(release); step = step.getParent()) {
				passable.put(step, 0751);
			}
		}
		changed += FileModes.tree(release, server.uid(), gid, 0750, 0640, apart, passable);
		if (web.isPresent()) {
			for (Path dir : staticDirs) {
				if (!generatedDirs.contains(dir)) {
					changed += FileModes.tree(dir, server.uid(), web.get(), 0750, 0640);
				}
			}
		}
		for (Path dir : generatedDirs) {
			changed += FileModes.tree(dir, identity.account().uid(), web.orElse(gid), 0550, 0440);
		}
		return changed;
	}

	/**
	 * The static directories of a release that exist and are reached without a symlink.
	 * One reached through a link the build made ({@code assets -> /etc} for
	 * {@code assets/ssl}) is left out: its tree is not the release's, and would be given
	 * to the web server's group (or to the app, when generated).
	 */
	private static Set<Path> directories(Path release, List<String> relatives) {
		Set<Path> dirs = new LinkedHashSet<>();
		for (String relative : relatives) {
			Path dir = release.resolve(relative).normalize();
			if (!dir.startsWith(release) || dir.equals(release)) {
				continue;
			}
			if (FileModes.directoryWithoutLinks(release, dir)) {
				dirs.add(dir);
			}
			else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
				logger.warn("The static directory {} of {} is reached through a symlink or is not a directory: "
						+ "it is not given to the web server", relative, release);
			}
		}
		return dirs;
	}

	/**
	 * Replaces the symlinks of a static directory, since the web server would follow
	 * them: one that a build or a hook made (the app's user writes the tree then) would
	 * publish whatever the web server's user can read on the host. A link to a regular
	 * file of the release itself or of the shared packages (Django's
	 * {@code collectstatic --link} links to the files of the app's packages) becomes a
	 * copy of that file, which the app could have made itself; any other link is deleted.
	 * FIFOs and sockets are deleted too: a web server that opens a FIFO to serve it may
	 * wait for a writer for good. The tree is the server's alone while it is sealed.
	 * @return how many entries were replaced or deleted
	 */
	private int replaceLinks(Path release, Path dir) {
		List<Path> found = new ArrayList<>();
		try (var entries = Files.walk(dir)) {
			entries.filter((entry) -> Files.isSymbolicLink(entry) || special(entry)).forEach(found::add);
		}
		catch (IOException | UncheckedIOException ex) {
			throw new IllegalStateException("Cannot look for symlinks in the static directory " + dir, ex);
		}
		List<Path> deleted = new ArrayList<>();
		int copied = 0;
		for (Path entry : found) {
			Optional<LinkedFile> source = Files.isSymbolicLink(entry) ? linkedFile(release, entry) : Optional.empty();
			try {
				if (source.isPresent() && copy(source.get(), entry)) {
					copied++;
				}
				else {
					Files.deleteIfExists(entry);
					deleted.add(entry);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot replace the symlink " + entry, ex);
			}
		}
		if (copied > 0) {
			logger.info("Replaced {} symlink(s) of the static directory {} with copies of the files of the release "
					+ "they led to (the web server follows no link there)", copied, dir);
		}
		if (!deleted.isEmpty()) {
			logger.warn(
					"Deleted {} symlink(s) or special file(s) from the static directory {}, such as {}: "
							+ "a link is served only as a copy of a file of the release or of the shared packages",
					deleted.size(), dir, dir.relativize(deleted.get(0)));
		}
		return copied + deleted.size();
	}

	/**
	 * The file a link of a static directory leads to, when it is below the release or the
	 * shared packages.
	 */
	private Optional<LinkedFile> linkedFile(Path release, Path link) {
		try {
			Path target = link.toRealPath();
			for (Path root : List.of(release, this.home.serverPackages())) {
				Path top = Files.isDirectory(root) ? root.toRealPath() : null;
				if (top != null && target.startsWith(top) && !target.equals(top)) {
					return Optional.of(new LinkedFile(top, top.relativize(target).toString()));
				}
			}
			return Optional.empty();
		}
		catch (IOException ex) {
			// a dangling link (or a loop): nothing to copy
			return Optional.empty();
		}
	}

	/**
	 * Copies the file a link leads to over the link, opened below its root without
	 * following a link (a generated directory the app's user owns may change between the
	 * look and the copy, which runs as root).
	 * @return whether it was copied (false when no regular file is reached that way)
	 */
	private static boolean copy(LinkedFile source, Path link) throws IOException {
		try (AtomicFiles.RegularFile file = AtomicFiles.openBelow(source.root(), source.relative())) {
			if (file == null) {
				return false;
			}
			Path staged = link.resolveSibling("." + link.getFileName() + ".pyapp-copy");
			Files.copy(file.content(), staged, StandardCopyOption.REPLACE_EXISTING);
			Files.move(staged, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return true;
		}
	}

	/** A file below a directory the server trusts, both by their real paths. */
	private record LinkedFile(Path root, String relative) {
	}

	private static boolean special(Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Publishes a daemon's socket to the web server: a hard link of it in the app's
	 * {@code web/} (the server's), given to the web server's group (or the app's alone
	 * when there is no such group). {@code run/} is the app's: it could put a link to
	 * another app's socket where its daemon's was, and the web server, whose group
	 * reaches every app's socket, would follow it. A hard link is made of the entry
	 * itself (never of what a symlink points to) and is checked to be a socket of the
	 * app's user before it replaces the one before; its mode (0660) comes from the app
	 * server's umask.
	 * @param socket the socket in the app's {@code run/}
	 * @param web the app's {@code web/}
	 * @param identity the app's user
	 * @param owner the uid the socket must have: the app's, or the server's for a daemon
	 * a server before app users started
	 * @return the link in {@code web/}
	 * @throws IllegalStateException if the entry is not a socket of that user
	 */
	Path webSocket(Path socket, Path web, AppIdentity identity, int owner) {
		Isolation.Account server = this.host.serverAccount();
		Optional<Integer> group = webGroup();
		createDirectory(web);
		FileModes.set(web, server.uid(), group.orElse(server.gid()), group.isPresent() ? 0750 : 0700);
		Path link = web.resolve(socket.getFileName());
		Path staged = web.resolve("." + socket.getFileName() + ".new");
		try {
			Files.deleteIfExists(staged);
			// link(2): a symlink is linked as itself, never followed
			Files.createLink(staged, socket);
			boolean isSocket = FileModes.isSocket(staged);
			int uid = (int) Files.getAttribute(staged, "unix:uid", LinkOption.NOFOLLOW_LINKS);
			if (!isSocket || uid != owner) {
				throw new IllegalStateException(socket + " is not a socket of the "
						+ ((owner == identity.account().uid()) ? "app's user " + identity.account().name()
								: "server's user")
						+ " ("
						+ (isSocket ? "a socket of uid " + uid
								: Files.isSymbolicLink(staged) ? "a symlink" : "not a socket")
						+ "): the web server is not given it");
			}
			FileModes.group(staged, group.orElse(identity.account().gid()));
			int mode = FileModes.mode(staged);
			// a server before app users made its daemons' sockets 0777 (a socket's mode
			// cannot be changed without opening it); run/ and web/ keep others out
			if (owner == identity.account().uid() && (mode & 0117) != 0) {
				logger.warn("The socket {} has mode {} (0660 expected: the app server's umask)", socket,
						Integer.toOctalString(mode));
			}
			Files.move(staged, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			return link;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot give " + socket + " to the web server in " + web, ex);
		}
		finally {
			try {
				Files.deleteIfExists(staged);
			}
			catch (IOException ex) {
				logger.debug("Cannot delete {}: {}", staged, ex.toString());
			}
		}
	}

	/**
	 * The web server's group, when this server may give files to it.
	 * @return its id
	 */
	Optional<Integer> webGroup() {
		Optional<Integer> group = this.webGroup;
		if (group == null) {
			group = this.host.webUser().map(Isolation.Account::gid);
			if (group.isPresent() && !this.host.root() && !memberOf(group.get())) {
				if (this.webGroupLogged.compareAndSet(false, true)) {
					logger.warn(
							"The server's user is not in the group of the web server's user {}: app sockets and "
									+ "static files stay unreachable to a web server that runs as that user",
							this.host.webUserName());
				}
				group = Optional.empty();
			}
			else if (group.isEmpty() && this.webGroupLogged.compareAndSet(false, true)) {
				logger.warn("The web server's user {} does not exist (pyapp.isolation.web-user): app sockets and "
						+ "static files are reachable by the apps' own users only", this.host.webUserName());
			}
			this.webGroup = group;
		}
		return group;
	}

	private static boolean memberOf(int gid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("Groups:") || line.startsWith("Gid:")) {
					for (String part : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
						if (!part.isEmpty() && Integer.parseInt(part) == gid) {
							return true;
						}
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux: no
		}
		return false;
	}

	private static int gid(Path path) {
		try {
			return (int) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static int count(boolean changed) {
		return changed ? 1 : 0;
	}

	private static void createDirectory(Path dir) {
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + dir, ex);
		}
	}

}
