package dev.pyapp.server.storage;

import org.bson.Document;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health}'s view of the server's database: a {@code ping}, which both
 * the embedded store and a real MongoDB answer (the Actuator's own MongoDB indicator asks
 * for {@code hello}, which the embedded store does not know, so it is turned off in
 * {@code application.yml}).
 */
@Component("storage")
class StorageHealthIndicator extends AbstractHealthIndicator {

	private final MongoOperations mongo;

	StorageHealthIndicator(MongoOperations mongo) {
		super("MongoDB health check failed");
		this.mongo = mongo;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Document answer = this.mongo.executeCommand(new Document("ping", 1));
		if (answer.get("ok") instanceof Number ok && ok.doubleValue() == 1.0) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

}
