package dev.pyapp.server.install;

import java.io.IOException;
import java.nio.file.Files;

import dev.pyapp.server.TestHomes;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The registry contract on a real MongoDB 7. Skipped where no Docker engine runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Testcontainers(disabledWithoutDocker = true)
class MongoDbAppRegistryIntegrationTests extends AppRegistryContractTests {

	@Container
	@ServiceConnection
	static final MongoDBContainer mongo = new MongoDBContainer("mongo:7");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		String home = TestHomes.create("pyapp-registry").toString();
		registry.add("pyapp.home", () -> home);
		registry.add("pyapp.storage.embedded", () -> "false");
	}

}
