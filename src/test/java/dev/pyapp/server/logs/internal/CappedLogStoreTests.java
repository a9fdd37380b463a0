package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.function.Function;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import dev.pyapp.server.logs.LogFixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on a real MongoDB with capped collections (needs Docker).
 */
@Testcontainers(disabledWithoutDocker = true)
class CappedLogStoreTests extends AbstractLogStoreContractTests {

	@Container
	static final MongoDBContainer container = new MongoDBContainer("mongo:7.0");

	private static MongoClient client;

	@BeforeAll
	static void connect() {
		client = MongoClients.create(container.getConnectionString());
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@Override
	MongoDatabase database() {
		return client.getDatabase("pyapp");
	}

	@Override
	LogStore createStore(MongoDatabase database, Function<String, Long> capacities, Duration regexTimeout) {
		return new CappedLogStore(database, capacities, regexTimeout);
	}

	@Test
	void isChosenWhenTheDatabaseHasCappedCollections() {
		assertThat(LogsConfiguration.select(database(), LogFixtures.properties())).isInstanceOf(CappedLogStore.class);
	}

}
