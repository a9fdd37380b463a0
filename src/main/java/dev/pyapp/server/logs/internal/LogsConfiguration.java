package dev.pyapp.server.logs.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.MongoDatabaseFactory;

/**
 * Chooses the {@link LogStore} by asking the database for a capped collection.
 */
@Configuration(proxyBeanMethods = false)
public class LogsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LogsConfiguration.class);

	private static final String PROBE = "pyapp.capped-probe";

	@Bean
	LogStore logStore(MongoDatabaseFactory databases, LogsProperties properties, Environment environment) {
		if (embedded(environment)) {
			// the in-process store has no capped collections, and a probe would make it
			// log a failed command with its stack trace at every start
			logger.info("The embedded database has no capped collections: log collections are bounded by the server");
			return new EmulatedCappedLogStore(databases.getMongoDatabase(), properties::capacity,
					properties.regexTimeout());
		}
		return select(databases.getMongoDatabase(), properties);
	}

	/**
	 * Whether the server's database is the in-process one: the conditions of the
	 * {@code storage} module's embedded MongoDB (its server bean is internal to that
	 * module).
	 */
	static boolean embedded(Environment environment) {
		return "embedded".equals(environment.getProperty("spring.mongodb.uri", "embedded"))
				&& environment.getProperty("pyapp.storage.embedded", Boolean.class, true);
	}

	public static LogStore select(MongoDatabase database, LogsProperties properties) {
		if (supportsCapped(database)) {
			logger.info("Log records go to capped collections");
			return new CappedLogStore(database, properties::capacity, properties.regexTimeout());
		}
		logger.info("The database has no capped collections: log collections are bounded by the server");
		return new EmulatedCappedLogStore(database, properties::capacity, properties.regexTimeout());
	}

	static boolean supportsCapped(MongoDatabase database) {
		try {
			dropProbe(database);
			database.runCommand(new Document("create", PROBE).append("capped", true).append("size", 4096));
			Document created = database.listCollections().filter(new Document("name", PROBE)).first();
			dropProbe(database);
			return created != null && Boolean.TRUE.equals(created.get("options", new Document()).get("capped"));
		}
		catch (MongoCommandException ex) {
			return false;
		}
		catch (MongoException ex) {
			// unreachable now: only a real MongoDB can be, and it has capped collections
			logger.warn("Cannot probe MongoDB for capped collections, assuming it has them: {}", ex.getMessage());
			return true;
		}
	}

	private static void dropProbe(MongoDatabase database) {
		// only when it exists: dropping a missing collection is an error the server logs
		if (database.listCollectionNames().filter(new Document("name", PROBE)).first() != null) {
			database.getCollection(PROBE).drop();
		}
	}

}
