package dev.pyapp.server.storage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.AppDatabases;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.ServerFileModes;
import dev.pyapp.server.install.AppRemoved;

import org.springframework.context.event.EventListener;

/**
 * The apps' databases when the server runs its embedded MongoDB: a second listener on
 * 127.0.0.1, apart from the server's own, where each app authenticates as its own user
 * (SCRAM-SHA-256) and then reaches its own backend only, kept in
 * {@code PYAPP_HOME/db/apps/<app>.mv.db}. The port is chosen once and remembered, so that
 * apps that keep running across a server restart can still reach their data.
 */
final class EmbeddedAppDatabases implements AppDatabases {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedAppDatabases.class);

	/**
	 * What the apps' listener says it is: current drivers (pymongo 4.x) refuse a wire
	 * version below 9 (MongoDB 4.4), and mongo-java-server's own "5.0" reports 8.
	 */
	static final MongoVersion WIRE_VERSION = new MongoVersion() {

		@Override
		public List<Integer> getVersionArray() {
			return List.of(5, 0, 0);
		}

		@Override
		public int getWireVersion() {
			return 13;
		}

	};

	private final AppDatabaseSecrets secrets;

	private final Path directory;

	private final AppsBackend backend;

	private final LocalMongoServer server;

	private final Map<AppId, ScramServer.Keys> keys = new ConcurrentHashMap<>();

	private final int port;

	/**
	 * @param db {@code PYAPP_HOME/db}
	 * @param persistent whether app data is kept in files (false: memory, for tests)
	 * @param port the port, 0 for the one remembered in {@code db/apps-port} (or a new
	 * one)
	 */
	EmbeddedAppDatabases(Path db, boolean persistent, int port) {
		this.secrets = AppDatabaseSecrets.load(db.resolve("app-databases.key"));
		this.directory = db.resolve("apps");
		this.backend = new AppsBackend(new MemoryBackend().version(WIRE_VERSION),
				(app) -> open(app, persistent).version(WIRE_VERSION), this::keys);
		this.server = new LocalMongoServer("pyapp-app-mongo", this.backend, (client) -> true);
		this.port = bind(db.resolve("apps-port"), port);
		logger.info("Apps' MongoDB databases on 127.0.0.1:{} (one user and one store per app)", this.port);
	}

	private int bind(Path remembered, int configured) {
		int wanted = configured;
		if (wanted == 0 && Files.isRegularFile(remembered)) {
			try {
				wanted = Integer.parseInt(Files.readString(remembered).trim());
			}
			catch (IOException | NumberFormatException ex) {
				wanted = 0;
			}
		}
		InetSocketAddress address;
		try {
			address = this.server.bind(wanted);
		}
		catch (RuntimeException ex) {
			if (wanted == 0 || configured != 0) {
				throw ex;
			}
			logger.warn("The apps' MongoDB port {} is taken; apps started before must be restarted to reach "
					+ "their databases on the new one", wanted);
			address = this.server.bind(0);
		}
		AtomicFiles.write(remembered, address.getPort() + "\n", AtomicFiles.OWNER_ONLY);
		return address.getPort();
	}

	private MongoBackend open(AppId app, boolean persistent) {
		if (!persistent) {
			return new MemoryBackend();
		}
		try {
			ServerFileModes.privateDirectory(this.directory);
			MVStore store = new MVStore.Builder().fileName(file(app).toString()).cacheSize(4).open();
			Files.setPosixFilePermissions(file(app), AtomicFiles.OWNER_ONLY);
			return new H2Backend(store);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot open the database of " + app, ex);
		}
	}

	private Path file(AppId app) {
		return this.directory.resolve(app.value() + ".mv.db");
	}

	private ScramServer.Keys keys(AppId app) {
		return this.keys.computeIfAbsent(app,
				(id) -> ScramServer.Keys.of(this.secrets.password(id), this.secrets.salt(id), ScramServer.ITERATIONS));
	}

	int port() {
		return this.port;
	}

	@Override
	public String mongoUrl(AppId app, String database) {
		return "mongodb://" + this.secrets.user(app) + ":" + this.secrets.password(app) + "@127.0.0.1:" + this.port
				+ "/" + MongoUserAppDatabases.databaseName(app, database);
	}

	@Override
	public void remove(AppId app, boolean keepData) {
		this.backend.close(app);
		if (!keepData) {
			try {
				Files.deleteIfExists(file(app));
			}
			catch (IOException ex) {
				throw PyappException.failed("cannot delete the database of " + app + ": " + ex.getMessage(), null);
			}
		}
	}

	@EventListener
	void on(AppRemoved removed) {
		remove(removed.app(), removed.keepData());
	}

	void shutdown() {
		this.server.shutdown();
	}

}
