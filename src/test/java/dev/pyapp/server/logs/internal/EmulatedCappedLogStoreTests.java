package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.util.function.Function;

import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.EmbeddedMongo;
import dev.pyapp.server.logs.LogFixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the embedded mongo-java-server, which has no capped collections.
 */
class EmulatedCappedLogStoreTests extends AbstractLogStoreContractTests {

	private static EmbeddedMongo mongo;

	@BeforeAll
	static void startMongo() {
		mongo = new EmbeddedMongo();
	}

	@AfterAll
	static void stopMongo() {
		mongo.close();
	}

	@Override
	MongoDatabase database() {
		return mongo.database();
	}

	@Override
	LogStore createStore(MongoDatabase database, Function<String, Long> capacities, Duration regexTimeout) {
		return new EmulatedCappedLogStore(database, capacities, regexTimeout);
	}

	@Test
	void isChosenWhenTheDatabaseHasNoCappedCollections() {
		assertThat(LogsConfiguration.select(mongo.database(), LogFixtures.properties()))
			.isInstanceOf(EmulatedCappedLogStore.class);
	}

}
