package dev.pyapp.server.storage;

import java.nio.file.Path;

import com.mongodb.client.MongoClient;

import dev.pyapp.server.core.PyappHome;

import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With a real MongoDB ({@code spring.mongodb.uri}), the apps' databases get a user each
 * ({@link MongoUserAppDatabases}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(RealMongoConfiguration.RealMongo.class)
class RealMongoConfiguration {

	@Bean
	MongoUserAppDatabases mongoUserAppDatabases(MongoClient client, MongoConnectionDetails details, PyappHome home) {
		Path dir = home.db();
		EmbeddedMongoConfiguration.createPrivateDirectory(dir);
		return new MongoUserAppDatabases(client, details.getConnectionString(),
				AppDatabaseSecrets.load(dir.resolve("app-databases.key")));
	}

	/** The opposite of the conditions of {@link EmbeddedMongoConfiguration}. */
	static class RealMongo implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			String uri = environment.getProperty("spring.mongodb.uri");
			boolean embedded = environment.getProperty("pyapp.storage.embedded", Boolean.class, true)
					&& (uri == null || uri.equals("embedded"));
			return !embedded;
		}

	}

}
