package dev.pyapp.server.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.internal.DropFolderWatcherTests;
import dev.pyapp.server.venv.ServerPackagesTemplate;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drop folder in a running server with the real package reader and deploy pipeline. A
 * file is put into {@code PYAPP_HOME/dropbox/} before the server starts, as if dropped
 * while it was down.
 */
@Tag("process")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DropFolderIT {

	private static final Path home = createHome("pyapp-drop");

	private static final Path dropbox = home.resolve("dropbox");

	static {
		try {
			Files.createDirectories(dropbox);
			Files.write(dropbox.resolve("early.pyapp"), DropFolderWatcherTests.archive("early", "1.0", 0));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper json;

	@Autowired
	private VenvBuilder venvs;

	private RpcTestClient rpc;

	private static RpcTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		registry.add("pyapp.python.index", () -> "file:///opt/pypi/simple");
	}

	@BeforeEach
	void setUp() {
		// gunicorn goes into server-packages once, at start, with pip: the one in-JVM
		// server of the ITs whose home starts without it (the others copy
		// ServerPackagesTemplate's in)
		this.venvs.awaitProvisioning(Duration.ofMinutes(3));
		this.rpc = new RpcTestClient(this.port, home, this.json);
		client = this.rpc;
	}

	@AfterEach
	void removeApps() throws Exception {
		for (JsonNode app : this.rpc.result("apps.list", Map.of())) {
			if (!app.get("name").stringValue().equals("early")) {
				this.rpc.result("apps.remove", Map.of("name", app.get("name").stringValue()));
			}
		}
	}

	@AfterAll
	static void deleteHome() throws Exception {
		// nothing of an app may be left for the server to write to
		for (JsonNode app : client.result("apps.list", Map.of())) {
			client.result("apps.remove", Map.of("name", app.get("name").stringValue()));
		}
		dev.pyapp.server.isolation.TestAccounts.deleteUnder(home);
		deleteTree(home);
	}

	/**
	 * The other ITs' servers start with {@link ServerPackagesTemplate}'s gunicorn in
	 * their server-packages instead of provisioning it: it must be what this server's own
	 * provisioning made.
	 */
	@Test
	void provisionedTheServerPackagesTheOtherITsStartWith() {
		assertThat(ServerPackagesTemplate.contents(home.resolve("server-packages")))
			.isEqualTo(ServerPackagesTemplate.contents(ServerPackagesTemplate.template()))
			.anyMatch((line) -> line.startsWith(".pyapp-shared.json gunicorn {\"version\":"))
			.anyMatch((line) -> line.startsWith("gunicorn/__init__.py rw-r--r-- "));
	}

	@Test
	void installsAFileDroppedWhileTheServerWasDown() throws Exception {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> Files.exists(dropbox.resolve(".done/early.pyapp.result.txt")));

		assertThat(Files.readString(dropbox.resolve(".done/early.pyapp.result.txt"))).contains("result: installed")
			.contains("early 1.0");
		assertThat(this.rpc.result("apps.get", Map.of("name", "early")).get("version").stringValue()).isEqualTo("1.0");
	}

	@Test
	void installsASlowlyWrittenFileOnceAndTheSameFileAgainIsANoOp() throws Exception {
		byte[] archive = DropFolderWatcherTests.archive("slow", "2.0", 512 * 1024);
		Path file = dropbox.resolve("slow.pyapp");
		int piece = archive.length / 3 + 1;
		for (int offset = 0; offset < archive.length; offset += piece) {
			try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
				out.write(archive, offset, Math.min(piece, archive.length - offset));
			}
			if (offset + piece < archive.length) {
				await().during(Duration.ofMillis(500))
					.atMost(Duration.ofSeconds(10))
					.until(() -> this.rpc.call("apps.get", Map.of("name", "slow")).has("error"));
			}
		}

		await().atMost(Duration.ofSeconds(60))
			.until(() -> Files.exists(dropbox.resolve(".done/slow.pyapp.result.txt")));
		String result = Files.readString(dropbox.resolve(".done/slow.pyapp.result.txt"));
		assertThat(result).contains("result: installed").contains("slow 2.0");
		assertThat(this.rpc.result("apps.get", Map.of("name", "slow")).get("releases")).hasSize(1);

		Files.write(dropbox.resolve("slow-again.pyapp"), archive);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Files.exists(dropbox.resolve(".done/slow-again.pyapp.result.txt")));
		assertThat(Files.readString(dropbox.resolve(".done/slow-again.pyapp.result.txt")))
			.contains("result: unchanged");
		assertThat(this.rpc.result("apps.get", Map.of("name", "slow")).get("releases")).hasSize(1);

		// GH-15: an upgrade says so
		Files.write(dropbox.resolve("slow-2.1.pyapp"), DropFolderWatcherTests.archive("slow", "2.1", 1024));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> Files.exists(dropbox.resolve(".done/slow-2.1.pyapp.result.txt")));
		assertThat(Files.readString(dropbox.resolve(".done/slow-2.1.pyapp.result.txt"))).contains("result: upgraded")
			.contains("summary: upgraded slow from 2.0 to 2.1 (release 2.1-");
	}

	@Test
	void malformedFileLandsInFailedWithItsReasons() throws Exception {
		Path file = dropbox.resolve("broken.zip");
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
			zip.putNextEntry(new ZipEntry("metadata.yaml"));
			zip.write("format: 1\nname: Broken!\nversion: one\ncolour: red\n".getBytes(StandardCharsets.UTF_8));
		}

		await().atMost(Duration.ofSeconds(30))
			.until(() -> Files.exists(dropbox.resolve(".failed/broken.zip.result.txt")));

		String result = Files.readString(dropbox.resolve(".failed/broken.zip.result.txt"));
		assertThat(result).contains("result: failed").contains("colour").contains("version").contains("src");
		assertThat(dropbox.resolve(".failed/broken.zip")).exists();
		assertThat(file).doesNotExist();
		assertThat(this.rpc.result("apps.list", Map.of()).toString()).doesNotContain("roken");
	}

	static Path createHome(String prefix) {
		return TestHomes.create(Path.of("/tmp"), prefix);
	}

	/** Deletes a test's home, again if a server thread wrote into it meanwhile. */
	static void deleteTree(Path path) {
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
			AtomicFiles.deleteTree(path);
			assertThat(path).doesNotExist();
		});
	}

}
