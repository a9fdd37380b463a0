package dev.pyapp.server.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.core.AppDatabases;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppLogSockets;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ProcessContext;
import dev.pyapp.server.hooks.TaskDefinition;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.nodes.SystemPath;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.venv.PythonEnvironment;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The context every process of a release runs in (SPEC §3, §9, §10): its venv
 * interpreter, {@code src/} as working directory, the environment ({@code PYAPP_*}
 * variables, writable directories, database URLs, the operator's variables, {@code HOME}
 * in the app's {@code home/}), and its isolation (the app's user, sandbox and limits).
 * Creates the app's writable directories on the way.
 */
@Component
public class AppContexts {

	private final PyappHome home;

	private final AppRegistry registry;

	private final PackageReader reader;

	private final ObjectProvider<AppDatabases> databases;

	private final ObjectProvider<AppLogSockets> logSockets;

	private final AppConfigurator configurator;

	private final AppIsolation isolation;

	private final Map<Path, AppManifest> manifests = new ConcurrentHashMap<>();

	AppContexts(PyappHome home, AppRegistry registry, PackageReader reader, ObjectProvider<AppDatabases> databases,
			ObjectProvider<AppLogSockets> logSockets, AppConfigurator configurator, AppIsolation isolation) {
		this.configurator = configurator;
		this.isolation = isolation;
		this.home = home;
		this.registry = registry;
		this.reader = reader;
		this.databases = databases;
		this.logSockets = logSockets;
	}

	/**
	 * The manifest of an extracted release (read once, then remembered).
	 * @param app the app
	 * @param releaseId the release
	 * @return its {@code metadata.yaml}
	 */
	public AppManifest manifest(AppId app, String releaseId) {
		Path directory = this.home.app(app).release(releaseId);
		if (!Files.isDirectory(directory)) {
			throw PyappException.notFound("app '" + app + "' has no release '" + releaseId + "' on disk");
		}
		return this.manifests.computeIfAbsent(directory, this.reader::readManifest);
	}

	/**
	 * The process context of a release.
	 * @param app the app
	 * @param releaseId the release
	 * @return the context
	 */
	public ProcessContext context(AppId app, String releaseId) {
		AppManifest manifest = manifest(app, releaseId);
		AppPaths paths = this.home.app(app);
		Path release = paths.release(releaseId);
		PythonEnvironment environment = PythonEnvironment.of(release);
		InstalledApp installed = this.registry.find(app).orElse(null);
		Map<String, String> env = new LinkedHashMap<>();
		if (installed != null) {
			env.putAll(installed.env());
		}
		env.putAll(pyappVariables(app, releaseId, manifest, paths, release));
		// never the server's own PATH
		env.put("PATH", SystemPath.withVenv(environment.venv()));
		env.put("VIRTUAL_ENV", environment.venv().toString());
		env.put("PYTHONUNBUFFERED", "1");
		env.put("TMPDIR", paths.tmp().toString());
		env.put("HOME", directory(paths.home()).toString());
		// the directories just made belong to the app's user; a cgroup retired with the
		// app (removed since its manifest was read) stays retired
		this.isolation.own(app);
		return new ProcessContext(app, releaseId, environment.python(), environment.workingDirectory(), env,
				this.isolation.process(app, release, manifest));
	}

	/**
	 * The tasks a release declares.
	 * @param app the app
	 * @param releaseId the release
	 * @return its tasks
	 */
	public List<TaskDefinition> tasks(AppId app, String releaseId) {
		return manifest(app, releaseId).tasks()
			.stream()
			.map((task) -> new TaskDefinition(task.name(), task.schedule(), task.call()))
			.toList();
	}

	/**
	 * Forgets what is remembered of an app's releases (after they are deleted).
	 * @param app the app
	 */
	public void forget(AppId app) {
		Path root = this.home.app(app).root();
		this.manifests.keySet().removeIf((path) -> path.startsWith(root));
	}

	private Map<String, String> pyappVariables(AppId app, String releaseId, AppManifest manifest, AppPaths paths,
			Path release) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("PYAPP_NAME", app.value());
		env.put("PYAPP_VERSION", manifest.version());
		env.put("PYAPP_RELEASE", releaseId);
		env.put("PYAPP_CONFIG_FILE", this.configurator.configFile(app, release).toString());
		env.put("PYAPP_TMP_PATH", directory(paths.tmp()).toString());
		env.put("PYAPP_DATA_PATH", directory(paths.data()).toString());
		env.put("PYAPP_LOG_SOCKET", logSocket(app, paths).toString());
		for (String writable : manifest.resources().writable()) {
			env.put("PYAPP_WRITABLE_" + variablePart(writable), directory(paths.data().resolve(writable)).toString());
		}
		for (AppManifest.Database database : manifest.resources().databases()) {
			String url = (database.kind() == AppManifest.DatabaseKind.SQLITE)
					? "sqlite:///" + databases(paths).resolve(database.name() + ".sqlite3")
					: mongoUrl(app, database.name());
			env.put("PYAPP_DATABASE_" + variablePart(database.name()) + "_URL", url);
		}
		return env;
	}

	// the server listens on the app's own socket and takes the app of every record
	// from it
	private Path logSocket(AppId app, AppPaths paths) {
		AppLogSockets sockets = this.logSockets.getIfAvailable();
		return (sockets != null) ? sockets.listen(app) : paths.logSocket();
	}

	// a database only this app reaches, with its credentials in the URL (never logged)
	private String mongoUrl(AppId app, String database) {
		AppDatabases databases = this.databases.getIfAvailable();
		if (databases == null) {
			throw PyappException.failed("no MongoDB for the kind: mongodb database '" + database + "' of " + app, null);
		}
		return databases.mongoUrl(app, database);
	}

	private static String variablePart(String name) {
		return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
	}

	/** {@code data/db/}, made as {@code AppInstaller} makes it when it is missing. */
	private static Path databases(AppPaths paths) {
		FileModes.createDirectories(paths.databases(), AppPaths.APP_DIRECTORY_MODE);
		return paths.databases();
	}

	private static Path directory(Path dir) {
		try {
			Files.createDirectories(dir);
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + dir, ex);
		}
	}

}
