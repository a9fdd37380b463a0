package dev.pyapp.server.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The layout of {@code PYAPP_HOME} (SPEC §3): everything the server keeps outside
 * MongoDB. Every path handed out here is normalised and checked to stay inside the home
 * directory, so no caller can build a path that leaves it.
 */
@Component
public class PyappHome {

	/** The file name of the API token the CLI reads, in the home. */
	public static final String API_TOKEN_FILE = "api-token";

	private final Path root;

	@Autowired
	public PyappHome(CoreProperties properties) {
		this(properties.home());
	}

	public PyappHome(Path root) {
		this.root = root.toAbsolutePath().normalize();
		createDirectories(this.root);
	}

	public Path root() {
		return this.root;
	}

	/**
	 * Resolves a path below the home directory.
	 * @param first the first segment
	 * @param more further segments
	 * @return the normalised absolute path
	 * @throws PyappException ({@link ErrorKind#FORBIDDEN}) if the result would leave the
	 * home directory
	 */
	public Path resolve(String first, String... more) {
		return requireInside(this.root.resolve(Path.of(first, more)));
	}

	/**
	 * Checks that a path is inside the home directory (after normalisation).
	 * @param path the path to check
	 * @return the normalised absolute path
	 * @throws PyappException ({@link ErrorKind#FORBIDDEN}) if it is outside
	 */
	public Path requireInside(Path path) {
		Path normalized = path.toAbsolutePath().normalize();
		if (!normalized.startsWith(this.root)) {
			throw new PyappException(ErrorKind.FORBIDDEN, "path '" + path + "' is outside PYAPP_HOME");
		}
		return normalized;
	}

	public Path apps() {
		return directory("apps");
	}

	/**
	 * The directories of one app (SPEC §3). Nothing is created.
	 * @param app the app
	 * @return its paths
	 */
	public AppPaths app(AppId app) {
		return new AppPaths(resolve("apps", app.value()));
	}

	/** The drop folder's default place: the server's own, {@code 0700}. */
	public Path dropbox() {
		return ServerFileModes.privateDirectory(resolve("dropbox"));
	}

	public Path serverPackages() {
		return directory("server-packages");
	}

	public Path webserver() {
		return ServerFileModes.passableDirectory(resolve("webserver"));
	}

	/** Wheels the operator provides for offline provisioning (gunicorn). */
	public Path wheels() {
		return ServerFileModes.privateDirectory(resolve("wheels"));
	}

	/** Site widgets that extend the standard widget library. */
	public Path widgets() {
		return ServerFileModes.privateDirectory(resolve("widgets"));
	}

	/**
	 * Scratch space for uploads and staging, on the same file system as {@code apps/} so
	 * that renames out of it are atomic.
	 */
	public Path tmp() {
		return ServerFileModes.privateDirectory(resolve("tmp"));
	}

	/** Sockets and pid files of the server itself (log ingest, managed web server). */
	public Path run() {
		return ServerFileModes.privateDirectory(resolve("run"));
	}

	/**
	 * Where the log intake binds each app's log socket before moving it to
	 * {@link AppPaths#logSocket()} (a private directory, so no one can connect early).
	 */
	public Path logSocketStaging() {
		return ServerFileModes.privateDirectory(run().resolve("log-sockets"));
	}

	public Path apiTokenFile() {
		return resolve(API_TOKEN_FILE);
	}

	/** {@code db/}: the embedded MongoDB's files and the apps' databases. */
	public Path db() {
		return resolve("db");
	}

	/** {@code git/}: git sources' credentials and deploy keys. */
	public Path git() {
		return resolve("git");
	}

	/** {@code tmp/uploads/}: uploaded archives until they are installed or expire. */
	public Path uploads() {
		return tmp().resolve("uploads");
	}

	/** The key that encrypts the nodes' secrets. */
	public Path nodeSecretKeyFile() {
		return resolve("node-secret.key");
	}

	/** The first admin's generated password, until it is changed. */
	public Path initialAdminPasswordFile() {
		return resolve("initial-admin-password");
	}

	private Path directory(String name) {
		Path dir = resolve(name);
		createDirectories(dir);
		return dir;
	}

	private static void createDirectories(Path dir) {
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create directory " + dir, ex);
		}
	}

}
