package dev.pyapp.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.core.ServerFileModes;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the in-process MongoDB unless {@code spring.mongodb.uri} names a real one. It
 * listens on an ephemeral port of 127.0.0.1 and serves only connections this very process
 * opened ({@link OwnSockets}): no other local user, and no app even when it runs as the
 * server's user, can reach the server's database. Boot's MongoDB auto-configuration
 * connects to it through the {@link MongoConnectionDetails} declared here. The apps'
 * {@code kind: mongodb} databases live apart, in {@link EmbeddedAppDatabases}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.mongodb.uri", havingValue = "embedded", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "pyapp.storage.embedded", matchIfMissing = true)
class EmbeddedMongoConfiguration {

	@Bean(destroyMethod = "shutdown")
	LocalMongoServer embeddedMongoServer(PyappHome home, StorageProperties properties) {
		MongoBackend backend;
		if (properties.persistent()) {
			Path dir = home.db();
			createPrivateDirectory(dir);
			Path file = dir.resolve("pyapp.mv.db");
			backend = new H2Backend(file.toString());
			ownerOnly(file);
		}
		else {
			backend = new MemoryBackend();
		}
		OwnSockets own = new OwnSockets();
		LocalMongoServer server = new LocalMongoServer("pyapp-mongo", backend,
				(client) -> own.isOwn(client.remoteAddress(), client.localAddress()));
		server.bind(0);
		return server;
	}

	@Bean
	MongoConnectionDetails embeddedMongoConnectionDetails(LocalMongoServer embeddedMongoServer,
			StorageProperties properties) {
		InetSocketAddress address = embeddedMongoServer.address();
		ConnectionString connection = new ConnectionString(
				"mongodb://127.0.0.1:" + address.getPort() + "/" + properties.database());
		return () -> connection;
	}

	@Bean(destroyMethod = "shutdown")
	EmbeddedAppDatabases embeddedAppDatabases(PyappHome home, StorageProperties properties) {
		Path dir = home.db();
		createPrivateDirectory(dir);
		return new EmbeddedAppDatabases(dir, properties.persistent(), properties.appsPort());
	}

	static void createPrivateDirectory(Path dir) {
		ServerFileModes.privateDirectory(dir);
	}

	static void ownerOnly(Path file) {
		try {
			Files.setPosixFilePermissions(file, AtomicFiles.OWNER_ONLY);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot make " + file + " private", ex);
		}
	}

}
