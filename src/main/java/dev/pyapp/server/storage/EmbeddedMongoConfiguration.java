package dev.pyapp.server.storage;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import dev.pyapp.server.core.PyappHome;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts the in-process MongoDB unless {@code spring.mongodb.uri} names a real one. It
 * listens on an ephemeral port of 127.0.0.1 only; Boot's MongoDB auto-configuration
 * connects to it through the {@link MongoConnectionDetails} declared here.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.mongodb.uri", havingValue = "embedded", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "pyapp.storage.embedded", matchIfMissing = true)
class EmbeddedMongoConfiguration {

	@Bean(destroyMethod = "shutdownNow")
	MongoServer embeddedMongoServer(PyappHome home, StorageProperties properties) throws Exception {
		MongoBackend backend;
		if (properties.persistent()) {
			Path dir = home.resolve("db");
			Files.createDirectories(dir);
			backend = new H2Backend(dir.resolve("pyapp.mv.db").toString());
		}
		else {
			backend = new MemoryBackend();
		}
		MongoServer server = new MongoServer(backend);
		server.bind("127.0.0.1", 0);
		return server;
	}

	@Bean
	MongoConnectionDetails embeddedMongoConnectionDetails(MongoServer server, StorageProperties properties) {
		InetSocketAddress address = server.getLocalAddress();
		ConnectionString connection = new ConnectionString(
				"mongodb://127.0.0.1:" + address.getPort() + "/" + properties.database());
		return () -> connection;
	}

}
