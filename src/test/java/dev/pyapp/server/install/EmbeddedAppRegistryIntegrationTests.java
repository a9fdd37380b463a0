package dev.pyapp.server.install;

import java.io.IOException;
import java.nio.file.Files;

import dev.pyapp.server.TestHomes;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The registry contract on the embedded mongo-java-server (H2 backend, as in production
 * from a checkout).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class EmbeddedAppRegistryIntegrationTests extends AppRegistryContractTests {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		String home = TestHomes.create("pyapp-registry").toString();
		registry.add("pyapp.home", () -> home);
	}

}
