package dev.pyapp.server.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param embedded whether to start the in-process MongoDB when {@code spring.mongodb.uri}
 * is not set
 * @param persistent whether the in-process MongoDB keeps its data in
 * {@code PYAPP_HOME/db/pyapp.mv.db} (false: memory only, for tests)
 * @param database the database name
 * @param appsPort the port of 127.0.0.1 where apps reach their own {@code kind: mongodb}
 * databases on the embedded MongoDB; 0: a free port chosen once and remembered in
 * {@code PYAPP_HOME/db/apps-port}
 */
@ConfigurationProperties("pyapp.storage")
record StorageProperties(@DefaultValue("true") boolean embedded, @DefaultValue("true") boolean persistent,
		@DefaultValue("pyapp") String database, @DefaultValue("0") int appsPort) {
}
