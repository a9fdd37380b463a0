package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AppConfiguratorTests {

	private static final AppId APP = AppId.of("guestbook");

	@TempDir
	Path root;

	private final List<Object> events = new ArrayList<>();

	private AppConfigurator configurator;

	private Path appDir;

	@BeforeEach
	void installGuestbook() throws IOException {
		PyappHome home = new PyappHome(this.root);
		this.appDir = home.app(APP).root();
		release("r1", SpecFixtures.GUESTBOOK_YAML);
		Files.createSymbolicLink(this.appDir.resolve("current"), Path.of("releases/r1"));
		this.configurator = new AppConfigurator(home, new ConfigSpecReader(new WidgetLibrary(home.widgets())),
				this.events::add);
	}

	@Test
	void writesTheConfigForTheAppsGroupOnlyWithDefaultsAndKeepsThePreviousVersion() throws IOException {
		this.configurator.set(APP, Map.of("site", Map.of("title", "First", "secret_key", "s3cret-value")));
		Path file = this.appDir.resolve("config/config.yaml");
		// readable by the app's group (config/ is set-group-id to it), nobody else
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
		String first = Files.readString(file);
		assertThat(first).contains("title: First", "entries_per_page: 20", "theme: light", "port: 8080", "timeout: 30s",
				"secret_key: s3cret-value");
		assertThat(this.events).containsExactly(new ConfigChanged(APP));

		this.configurator.set(APP, Map.of("site", Map.of("title", "Second")));
		assertThat(Files.readString(file)).contains("title: Second");
		assertThat(Files.readString(this.appDir.resolve("config/config.yaml.previous"))).isEqualTo(first);
		assertThat(this.configurator.undo(APP)).isTrue();
		assertThat(Files.readString(file)).isEqualTo(first);
		assertThat(this.events).hasSize(3);
	}

	@Test // GH-15: apps.get had no configuration status
	void statusSaysWhatIsMissingWhereTheFileIsAndWhenItWasSaved() {
		ConfigStatus before = this.configurator.status(APP);
		assertThat(before.complete()).isFalse();
		assertThat(before.missing()).containsExactly("site.secret_key");
		assertThat(before.file()).isEqualTo(this.appDir.resolve("config/config.yaml"));
		assertThat(before.saved()).isNull();

		this.configurator.set(APP, Map.of("site", Map.of("secret_key", "s3cret-value")));

		ConfigStatus after = this.configurator.status(APP);
		assertThat(after.complete()).isTrue();
		assertThat(after.missing()).isEmpty();
		assertThat(after.saved()).isNotNull();
	}

	@Test
	void secretsAreKeptWhenNotResentAndNeverReturned() throws IOException {
		this.configurator.set(APP, Map.of("site", Map.of("secret_key", "s3cret-value")));
		Map<String, Map<String, Object>> values = this.configurator.set(APP,
				Map.of("site", Map.of("title", "Other", "secret_key", Map.of("set", true))));
		assertThat(values.get("site")).containsEntry("secret_key", Map.of("set", true))
			.containsEntry("title", "Other")
			.containsEntry("admin_email", null);
		assertThat(values.toString()).doesNotContain("s3cret-value");
		assertThat(this.configurator.values(APP).toString()).doesNotContain("s3cret-value");
		assertThat(Files.readString(this.appDir.resolve("config/config.yaml"))).contains("secret_key: s3cret-value");

		PyappException cleared = catchThrowableOfType(PyappException.class,
				() -> this.configurator.set(APP, Map.of("site", Map.of("secret_key", Map.of("set", false)))));
		assertThat(cleared.getProblems()).containsExactly(new Problem("site.secret_key", "a value is required"));
	}

	@Test
	void anInvalidSetChangesNothingAndListsEveryError() {
		PyappException ex = catchThrowableOfType(PyappException.class,
				() -> this.configurator.set(APP, Map.of("site",
						Map.of("entries_per_page", 501, "admin_email", "nope", "tags", List.of("a", "b", "c", "d")),
						"server", Map.of("port", "http"))));
		assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
		assertThat(ex.getProblems()).containsExactly(new Problem("site.entries_per_page", "must be at most 500"),
				new Problem("site.admin_email", "not a valid e-mail address"),
				new Problem("site.secret_key", "a value is required"),
				new Problem("site.tags", "must have at most 3 items"),
				new Problem("server.port", "must be a whole number"));
		assertThat(this.appDir.resolve("config/config.yaml")).doesNotExist();
		assertThat(this.events).isEmpty();
	}

	@Test
	void requiredFieldsWithoutValueMakeTheAppIncomplete() {
		assertThat(this.configurator.isComplete(APP)).isFalse();
		assertThat(this.configurator.validate(APP, Map.of()).errors())
			.containsExactly(new Problem("site.secret_key", "a value is required"));
		this.configurator.set(APP, Map.of("site", Map.of("secret_key", "s3cret-value")));
		assertThat(this.configurator.isComplete(APP)).isTrue();
	}

	@Test
	void valuesArriveCoercedToTheirBaseTypes() {
		this.configurator.set(APP, Map.of("site", Map.of("secret_key", "k", "entries_per_page", "30", "tags", "x, y"),
				"server", Map.of("port", "9000", "timeout", "5m")));
		Map<String, Map<String, Object>> values = this.configurator.values(APP);
		assertThat(values.get("site")).containsEntry("entries_per_page", 30L).containsEntry("tags", List.of("x", "y"));
		assertThat(values.get("server")).containsEntry("port", 9000L).containsEntry("timeout", "5m");
	}

	@Test
	void iniOutputCannotBeInjectedAndReadsBackExactly() throws IOException {
		release("r1", """
				output: ini
				sections:
				  - name: site
				    fields:
				      - {name: motd, widget: textarea}
				      - {name: title, widget: text}
				      - {name: tags, widget: list}
				      - {name: debug, widget: boolean, default: false}
				      - {name: ratio, widget: number, default: 0.5}
				""");
		String motd = "Hello\n[admin]\nsuperuser = true\r\n\"quoted\" \\ end ";
		String title = "a, b; # not a comment";
		List<String> tags = List.of("one", "two, three", "\"four\"", "[five]");
		this.configurator.set(APP, Map.of("site", Map.of("motd", motd, "title", title, "tags", tags)));
		Path file = this.appDir.resolve("config/config.ini");
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		assertThat(lines).filteredOn((line) -> line.startsWith("[")).containsExactly("[site]");
		assertThat(lines).filteredOn((line) -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("["))
			.extracting((line) -> line.substring(0, line.indexOf(" = ")))
			.containsExactly("motd", "title", "tags", "debug", "ratio");
		assertThat(lines).contains("debug = false", "ratio = 0.5");
		// readable by the app's group (config/ is set-group-id to it), nobody else
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
		Map<String, Object> site = this.configurator.values(APP).get("site");
		assertThat(site).containsEntry("motd", motd)
			.containsEntry("title", title)
			.containsEntry("tags", tags)
			.containsEntry("debug", false)
			.containsEntry("ratio", 0.5);
	}

	@Test
	void migratesValuesToANewSpec() {
		ConfigSpecReader reader = new ConfigSpecReader();
		ConfigSpec oldSpec = reader.read("configuration.yaml", SpecFixtures.GUESTBOOK_YAML);
		ConfigSpec newSpec = reader.read("configuration.yaml", """
				sections:
				  - name: site
				    fields:
				      - {name: title, widget: text, required: true}
				      - {name: entries_per_page, widget: integer, max: 50, default: 25}
				      - {name: secret_key, widget: secret, required: true}
				      - {name: footer, widget: text, default: "(c) us"}
				      - {name: api_token, widget: secret, required: true}
				""");
		Map<String, Map<String, Object>> stored = Map.of("site",
				Map.of("title", "Mine", "entries_per_page", 100, "secret_key", "k", "theme", "dark"), "server",
				Map.of("port", 8080));
		ConfigMigration migration = this.configurator.migrate(oldSpec, newSpec, stored);
		assertThat(migration.values().get("site")).containsEntry("title", "Mine")
			.containsEntry("entries_per_page", 25L)
			.containsEntry("secret_key", "k")
			.containsEntry("footer", "(c) us")
			.doesNotContainKeys("theme", "api_token");
		assertThat(migration.values()).doesNotContainKey("server");
		assertThat(migration.kept()).containsExactly("site.title", "site.secret_key");
		assertThat(migration.filled()).containsExactly("site.entries_per_page", "site.footer");
		assertThat(migration.invalid()).containsExactly(new Problem("site.entries_per_page", "must be at most 50"));
		assertThat(migration.removed()).containsExactly("site.admin_email", "site.theme", "site.tags", "server.port",
				"server.timeout");
		assertThat(migration.missing()).containsExactly("site.api_token");
		assertThat(migration.complete()).isFalse();
		assertThat(migration.toString()).doesNotContain("Mine");
	}

	@Test
	void anUpgradeWaitsForNewRequiredValuesAndThenWritesTheNewFormat() throws IOException {
		this.configurator.set(APP, Map.of("site", Map.of("title", "Mine", "secret_key", "k")));
		this.events.clear();
		Path r2 = release("r2", """
				output: ini
				sections:
				  - name: site
				    fields:
				      - {name: title, widget: text}
				      - {name: secret_key, widget: secret, required: true}
				      - {name: api_url, widget: url, required: true}
				""");
		ConfigMigration pending = this.configurator.upgrade(APP, r2);
		assertThat(pending.missing()).containsExactly("site.api_url");
		assertThat(this.configurator.isComplete(APP, r2)).isFalse();
		assertThat(this.configurator.spec(APP).field("site", "api_url")).isPresent();
		assertThat(this.configurator.values(APP).get("site")).containsEntry("title", "Mine")
			.containsEntry("secret_key", Map.of("set", true));

		this.configurator.set(APP, Map.of("site", Map.of("api_url", "https://api.example.org")));
		assertThat(this.events).containsExactly(new ConfigChanged(APP));
		assertThat(Files.readString(this.appDir.resolve("config/config.yaml"))).as("the live release's file")
			.contains("title: Mine");
		ConfigMigration done = this.configurator.upgrade(APP, r2);
		assertThat(done.complete()).isTrue();
		assertThat(this.configurator.configFile(APP, r2)).isEqualTo(this.appDir.resolve("config/config.ini"));
		assertThat(Files.readString(this.appDir.resolve("config/config.ini"))).contains("[site]", "title = Mine",
				"secret_key = k", "api_url = https://api.example.org");
		assertThat(this.appDir.resolve("config/config.yaml")).doesNotExist();
		assertThat(this.appDir.resolve("config/config.yaml.previous")).exists();
		assertThat(this.appDir.resolve("config/.pending-release")).doesNotExist();
	}

	@Test
	void anAppWithoutSpecIsAlwaysComplete() throws IOException {
		Files.delete(this.appDir.resolve("releases/r1/configuration.yaml"));
		assertThat(this.configurator.spec(APP).isEmpty()).isTrue();
		assertThat(this.configurator.isComplete(APP)).isTrue();
		assertThat(this.configurator.values(APP)).isEmpty();
		assertThat(this.configurator.configFile(APP)).isEqualTo(this.appDir.resolve("config/config.yaml"));
	}

	@Test
	void anUnknownAppIsNotFound() {
		PyappException ex = catchThrowableOfType(PyappException.class,
				() -> this.configurator.spec(AppId.of("missing")));
		assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND);
	}

	private Path release(String id, String spec) throws IOException {
		Path release = this.appDir.resolve("releases").resolve(id);
		Files.createDirectories(release);
		Files.writeString(release.resolve("configuration.yaml"), spec);
		return release;
	}

}
