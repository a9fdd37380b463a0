package dev.pyapp.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.CoreProperties;
import dev.pyapp.server.core.PyappHome;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's embedded MongoDB serves the server's own process only (GH-13, item 1): a
 * client running as another local user ({@code nobody}) and a client in another process
 * of the server's own user are both cut off before they read anything, while the server's
 * own connections keep working.
 */
@Tag("process")
class EmbeddedMongoAccessIT {

	@TempDir
	Path home;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(Home.class, EmbeddedMongoConfiguration.class)
		.withPropertyValues("pyapp.storage.persistent=false");

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ StorageProperties.class, CoreProperties.class })
	static class Home {

		@Bean
		PyappHome pyappHome(CoreProperties properties) {
			return new PyappHome(properties.home());
		}

	}

	@Test // GH-13 (1)
	void onlyTheServersOwnProcessReachesItsDatabase() {
		this.runner.withPropertyValues("pyapp.home=" + this.home).run((context) -> {
			String uri = context.getBean(MongoConnectionDetails.class).getConnectionString().getConnectionString();
			int port = context.getBean(MongoConnectionDetails.class)
				.getConnectionString()
				.getHosts()
				.stream()
				.map((host) -> Integer.parseInt(host.substring(host.lastIndexOf(':') + 1)))
				.findFirst()
				.orElseThrow();
			try (MongoClient own = MongoClients.create(uri)) {
				own.getDatabase("pyapp")
					.getCollection("api_tokens")
					.insertOne(new Document("_id", "admin").append("hash", "secret"));

				assertThat(probe(port, true)).as("a client running as nobody").isEqualTo("0");
				assertThat(probe(port, false)).as("another process of the server's user").isEqualTo("0");

				// the server itself is unaffected, before and after
				assertThat(own.getDatabase("pyapp").getCollection("api_tokens").countDocuments()).isEqualTo(1);
				try (MongoClient again = MongoClients.create(uri)) {
					assertThat(again.getDatabase("pyapp").getCollection("api_tokens").find().first())
						.containsEntry("hash", "secret");
				}
			}
		});
	}

	@Test // GH-13 (4)
	void theDatabaseFilesAreReadableByTheServerOnly() throws IOException {
		// a home as an operator might have made it, open to everyone
		Files.setPosixFilePermissions(this.home, PosixFilePermissions.fromString("rwxr-xr-x"));
		this.runner.withPropertyValues("pyapp.home=" + this.home, "pyapp.storage.persistent=true").run((context) -> {
			String uri = context.getBean(MongoConnectionDetails.class).getConnectionString().getConnectionString();
			try (MongoClient own = MongoClients.create(uri)) {
				own.getDatabase("pyapp").getCollection("users").insertOne(new Document("_id", "admin"));
			}
			Path db = this.home.resolve("db");
			assertThat(Files.getPosixFilePermissions(db)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
			try (var files = Files.list(db)) {
				files.filter(Files::isRegularFile)
					.forEach((file) -> assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------"));
			}
			Process cat = new ProcessBuilder("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
					"cat", db.resolve("pyapp.mv.db").toString())
				.redirectErrorStream(true)
				.start();
			assertThat(cat.waitFor(30, TimeUnit.SECONDS)).isTrue();
			String output = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(cat.exitValue()).as(output).isNotZero();
			assertThat(output).contains("Permission denied");
		});
	}

	private static String permissions(Path file) {
		try {
			return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** Runs the probe script, as {@code nobody} or as this process's user. */
	private String probe(int port, boolean asNobody) throws IOException, InterruptedException {
		Path script = Path.of("src/test/resources/storage/mongo_probe.py").toAbsolutePath();
		List<String> command = new ArrayList<>();
		if (asNobody) {
			command.addAll(List.of("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"));
		}
		command.addAll(List.of("/usr/bin/python3", script.toString(), String.valueOf(port), "pyapp", "api_tokens"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

}
