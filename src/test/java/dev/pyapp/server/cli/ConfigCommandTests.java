package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config show|set|validate}.
 */
class ConfigCommandTests extends CliCommandTests {

	@Test
	void showListsValuesWithSecretsAsSetOrNot() {
		this.server.result("config.get", """
				{"values": {"site": {"title": "My guestbook", "entries_per_page": 20, "tags": ["a", "b"],
				                     "secret_key": {"set": true}, "api_key": {"set": false}}}}
				""");
		CliRun run = pyapp("config", "show", "guestbook");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("config.get").toString()).isEqualTo("{\"name\":\"guestbook\"}");
		assertThat(run.out().lines().toList()).containsExactly("KEY                    VALUE",
				"site.title             My guestbook", "site.entries_per_page  20", "site.tags              a, b",
				"site.secret_key        (secret, set)", "site.api_key           (secret, not set)");
	}

	@Test
	void setParsesJsonValuesAndKeepsTheRestAsText() {
		this.server.result("config.set", "{\"valid\": true}");
		CliRun run = pyapp("config", "set", "guestbook", "site.title=My guestbook", "site.entries_per_page=20",
				"site.public=true", "site.tags=[\"a\",\"b\"]", "site.code=0123", "mail.host=smtp.example:25",
				"site.empty=");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("saved the configuration of guestbook\n");
		assertThat(this.server.params("config.set").toString()).isEqualTo("{\"name\":\"guestbook\",\"values\":{"
				+ "\"site\":{\"title\":\"My guestbook\",\"entries_per_page\":20,\"public\":true,\"tags\":[\"a\",\"b\"],"
				+ "\"code\":\"0123\",\"empty\":\"\"},\"mail\":{\"host\":\"smtp.example:25\"}}}");
	}

	@Test
	void setReadsAFileAndLetsArgumentsOverrideIt() throws IOException {
		Files.writeString(this.directory.resolve("values.yaml"), "site:\n  title: From file\n  entries_per_page: 5\n");
		this.server.result("config.set", "{}");
		CliRun run = pyapp("config", "set", "guestbook", "-f", "values.yaml", "site.entries_per_page=7");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("config.set").get("values").toString())
			.isEqualTo("{\"site\":{\"title\":\"From file\",\"entries_per_page\":7}}");
	}

	@Test
	void setRejectsAssignmentsWithoutSectionAsUsageErrors() {
		assertThat(pyapp("config", "set", "guestbook", "title=x").exitCode()).isEqualTo(2);
		assertThat(pyapp("config", "set", "guestbook", "site.title").exitCode()).isEqualTo(2);
		assertThat(pyapp("config", "set", "guestbook").exitCode()).isEqualTo(2);
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void validateSendsAnIniFileAndPrintsEachErrorThenExitsOne() throws IOException {
		Files.writeString(this.directory.resolve("values.ini"),
				"# values\n[site]\ntitle = \"\"\nentries_per_page = 900\n[mail]\nurl = http://x:1/a=b\n");
		this.server.result("config.validate",
				"{\"valid\": false, \"errors\": [" + "{\"path\": \"site.title\", \"message\": \"is required\"},"
						+ "{\"path\": \"site.entries_per_page\", \"message\": \"must be at most 500\"}]}");
		CliRun run = pyapp("config", "validate", "guestbook", "values.ini");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(this.server.params("config.validate").toString()).isEqualTo("{\"name\":\"guestbook\",\"values\":{"
				+ "\"site\":{\"title\":\"\",\"entries_per_page\":\"900\"},\"mail\":{\"url\":\"http://x:1/a=b\"}}}");
		assertThat(run.out().lines().toList()).containsExactly("values.ini is not valid for guestbook:",
				"  site.title: is required", "  site.entries_per_page: must be at most 500");
	}

	@Test
	void validatePassesAValidYamlFile() throws IOException {
		Files.writeString(this.directory.resolve("values.yml"), "site:\n  title: Hello\n  launched: 2024-05-01\n");
		this.server.result("config.validate", "{\"valid\": true, \"errors\": []}");
		CliRun run = pyapp("config", "validate", "guestbook", "values.yml");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("values.yml is valid for guestbook\n");
		assertThat(this.server.params("config.validate").get("values").toString())
			.isEqualTo("{\"site\":{\"title\":\"Hello\",\"launched\":\"2024-05-01\"}}");
	}

	@Test
	void validateWithJsonPrintsTheResultAndStillExitsOneWhenInvalid() throws IOException {
		Files.writeString(this.directory.resolve("values.yaml"), "site: {title: ''}\n");
		this.server.result("config.validate", "{\"valid\": false, \"errors\": [{\"path\": \"site.title\"}]}");
		CliRun run = pyapp("--json", "config", "validate", "guestbook", "values.yaml");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).contains("\"valid\" : false");
	}

	@Test
	void unreadableOrMalformedFilesAreReported() throws IOException {
		Files.writeString(this.directory.resolve("list.yaml"), "- a\n- b\n");
		CliRun run = pyapp("config", "validate", "guestbook", "list.yaml");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).contains("list.yaml: expected a mapping of sections to fields");
		run = pyapp("config", "validate", "guestbook", "missing.yaml");
		// a file named on the command line that is not there: a usage error (SPEC §7)
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).startsWith("error: cannot read ").endsWith("missing.yaml: no such file\n");
		Files.writeString(this.directory.resolve("bad.ini"), "title = x\n");
		run = pyapp("config", "validate", "guestbook", "bad.ini");
		assertThat(run.err()).contains("bad.ini, line 1: expected a [section] first");
		assertThat(this.server.requests()).isEmpty();
	}

}
