package dev.pyapp.server.storage;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.mongodb.ConnectionString;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pyapp.server.core.AppDatabases;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRemoved;

import org.springframework.context.event.EventListener;

/**
 * The apps' databases on a real MongoDB: for each database an app declares, a user named
 * after the app, created in that database with {@code createUser} and the role
 * {@code dbOwner} on it alone, so the app's URL reaches nothing else. The server's own
 * connection needs the privilege to manage users ({@code userAdminAnyDatabase}).
 */
final class MongoUserAppDatabases implements AppDatabases {

	private static final Logger logger = LoggerFactory.getLogger(MongoUserAppDatabases.class);

	private static final int USER_EXISTS = 51003;

	private final MongoClient client;

	private final ConnectionString server;

	private final AppDatabaseSecrets secrets;

	private final Set<String> prepared = ConcurrentHashMap.newKeySet();

	MongoUserAppDatabases(MongoClient client, ConnectionString server, AppDatabaseSecrets secrets) {
		this.client = client;
		this.server = server;
		this.secrets = secrets;
	}

	/**
	 * The name of an app's database (SPEC §9).
	 * @param app the app
	 * @param database the name in {@code metadata.yaml}
	 * @return {@code pyapp_<app>_<database>}, dashes as underscores
	 */
	static String databaseName(AppId app, String database) {
		return "pyapp_" + app.value().replace('-', '_') + "_" + database;
	}

	@Override
	public String mongoUrl(AppId app, String database) {
		String name = databaseName(app, database);
		if (!this.prepared.contains(name)) {
			ensureUser(app, name);
			this.prepared.add(name);
		}
		StringBuilder url = new StringBuilder("mongodb://").append(this.secrets.user(app))
			.append(':')
			.append(this.secrets.password(app))
			.append('@')
			.append(String.join(",", this.server.getHosts()))
			.append('/')
			.append(name);
		String options = "";
		if (Boolean.TRUE.equals(this.server.getSslEnabled())) {
			options += "&tls=true";
		}
		if (this.server.getRequiredReplicaSetName() != null) {
			options += "&replicaSet=" + this.server.getRequiredReplicaSetName();
		}
		if (!options.isEmpty()) {
			url.append('?').append(options.substring(1));
		}
		return url.toString();
	}

	Document createUser(AppId app, String database) {
		return new Document("createUser", this.secrets.user(app)).append("pwd", this.secrets.password(app))
			.append("roles", List.of(new Document("role", "dbOwner").append("db", database)))
			.append("mechanisms", List.of(ScramServer.MECHANISM));
	}

	private void ensureUser(AppId app, String database) {
		try {
			try {
				this.client.getDatabase(database).runCommand(createUser(app, database));
			}
			catch (MongoCommandException ex) {
				if (ex.getErrorCode() != USER_EXISTS) {
					throw ex;
				}
				Document update = createUser(app, database);
				update.remove("createUser");
				this.client.getDatabase(database)
					.runCommand(new Document("updateUser", this.secrets.user(app)).append("pwd", update.get("pwd"))
						.append("roles", update.get("roles")));
			}
			logger.info("MongoDB user {} can use {} only", this.secrets.user(app), database);
		}
		catch (MongoException ex) {
			// the message is the server's answer, which never echoes the password
			throw PyappException.failed("cannot create the MongoDB user of " + app + " for " + database + ": "
					+ ex.getMessage() + " (the server's connection needs the userAdminAnyDatabase role)", null);
		}
	}

	@Override
	public void remove(AppId app, boolean keepData) {
		String prefix = "pyapp_" + app.value().replace('-', '_') + "_";
		try {
			for (String name : this.client.listDatabaseNames()) {
				if (!name.startsWith(prefix)) {
					continue;
				}
				try {
					this.client.getDatabase(name).runCommand(new Document("dropUser", this.secrets.user(app)));
				}
				catch (MongoCommandException ex) {
					logger.debug("No user {} in {}: {}", this.secrets.user(app), name, ex.getErrorMessage());
				}
				if (!keepData) {
					this.client.getDatabase(name).drop();
				}
				this.prepared.remove(name);
			}
		}
		catch (MongoException ex) {
			logger.warn("Cannot remove the MongoDB databases of {}: {}", app, ex.getMessage());
		}
	}

	@EventListener
	void on(AppRemoved removed) {
		remove(removed.app(), removed.keepData());
	}

}
