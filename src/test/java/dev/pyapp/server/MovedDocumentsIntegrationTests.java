package dev.pyapp.server;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import dev.pyapp.server.mount.internal.MountState;
import dev.pyapp.server.mount.internal.MountStateRepository;
import dev.pyapp.server.nodes.internal.NodeDocument;
import dev.pyapp.server.scm.HookProvider;
import dev.pyapp.server.scm.internal.DeliveryRepository;
import dev.pyapp.server.scm.internal.HookRegistration;
import dev.pyapp.server.scm.internal.HookRepository;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents written before their class moved to a module's {@code internal} package still
 * read: their stored {@code _class} names the old package, which no longer resolves, and
 * Spring Data then reads them as the type the repository or query asks for. One document
 * of each moved class, in the form the old version wrote.
 */
class MovedDocumentsIntegrationTests {

	private static final Date CREATED = Date.from(Instant.parse("2026-11-20T10:00:00Z"));

	@TempDir
	static Path home;

	private static ConfigurableApplicationContext context;

	private static MongoTemplate mongo;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(PyappServerApplication.class).web(WebApplicationType.NONE)
			.run("--pyapp.home=" + home);
		mongo = context.getBean(MongoTemplate.class);
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void hookRegistrationWrittenBeforeTheMoveReads() {
		mongo.getCollection("scm_hooks")
			.insertOne(new Document("_id", "h-old").append("app", "blog")
				.append("provider", "GITEA")
				.append("secret", "sealed-secret")
				.append("url", "https://git.example/blog.git")
				.append("created", CREATED)
				.append("_class", "dev.pyapp.server.scm.HookRegistration"));

		HookRegistration hook = context.getBean(HookRepository.class).findById("h-old").orElseThrow();

		assertThat(hook).isEqualTo(new HookRegistration("h-old", "blog", HookProvider.GITEA, "sealed-secret",
				"https://git.example/blog.git", CREATED.toInstant()));
	}

	@Test
	void deliveryWrittenBeforeTheMoveReads() {
		mongo.getCollection("scm_deliveries")
			.insertOne(new Document("_id", "github:abc").append("received", CREATED)
				.append("_class", "dev.pyapp.server.scm.Delivery"));

		assertThat(context.getBean(DeliveryRepository.class).findById("github:abc"))
			.hasValueSatisfying((delivery) -> assertThat(delivery.received()).isEqualTo(CREATED.toInstant()));
	}

	@Test
	void nodeWrittenBeforeTheMoveReads() {
		mongo.getCollection("nodes")
			.insertOne(new Document("_id", "edge-1").append("host", "10.0.0.5")
				.append("port", 2222)
				.append("user", "deploy")
				.append("hostKey", "ssh-ed25519 AAAA")
				.append("sealedKey", "sealed")
				.append("state", "online")
				.append("agent",
						new Document("home", "/srv/pyapp").append("port", 8470)
							.append("service", "pyapp-agent")
							.append("webserver", "nginx")
							.append("sealedToken", "sealed-token")
							.append("version", "1.0")
							.append("installed", CREATED))
				.append("created", CREATED)
				.append("_class", "dev.pyapp.server.nodes.NodeDocument"));

		List<NodeDocument> nodes = mongo.findAll(NodeDocument.class);

		assertThat(nodes).singleElement().satisfies((node) -> {
			assertThat(node.name()).isEqualTo("edge-1");
			assertThat(node.port()).isEqualTo(2222);
			assertThat(node.state()).isEqualTo("online");
			assertThat(node.agent()).isNotNull();
			assertThat(node.agent().webserver()).isEqualTo("nginx");
			assertThat(node.agent().installed()).isEqualTo(CREATED.toInstant());
		});
	}

	@Test
	void mountStateWrittenBeforeTheMoveReads() {
		mongo.getCollection("webserver")
			.insertOne(new Document("_id", "old-state")
				.append("servers",
						List.of(new Document("name", "main").append("hostnames", List.of("example.test"))
							.append("listen", "127.0.0.1:8080")
							.append("defaultServer", true)))
				.append("mounts", List.of(new Document("server", "main").append("path", "/blog").append("app", "blog")))
				.append("_class", "dev.pyapp.server.mount.MountState"));

		MountState state = context.getBean(MountStateRepository.class).findById("old-state").orElseThrow();

		assertThat(state.servers()).singleElement().satisfies((server) -> {
			assertThat(server.name()).isEqualTo("main");
			assertThat(server.hostnames()).containsExactly("example.test");
			assertThat(server.listen()).isEqualTo("127.0.0.1:8080");
			assertThat(server.defaultServer()).isTrue();
		});
		assertThat(state.mounts()).singleElement().satisfies((mount) -> {
			assertThat(mount.path()).isEqualTo("/blog");
			assertThat(mount.app()).isEqualTo("blog");
		});
	}

}
