package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.pyapp.server.cli.internal.JsonCodec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The global behaviour of {@code pyapp}: URL and token, {@code --json}, errors and exit
 * codes.
 */
class PyappCliTests extends CliCommandTests {

	@Test
	void infoCallsServerInfoWithTheBearerToken() {
		this.server.result("server.info", "{\"version\": \"0.1.0\", \"home\": \"/srv/pyapp\", "
				+ "\"python\": [\"/usr/bin/python3\"], \"webserver\": {\"kind\": \"nginx\", \"state\": \"running\"}}");
		CliRun run = pyapp("info");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("version:").contains("0.1.0").contains("/srv/pyapp").contains("nginx");
		FakeApiServer.Request request = this.server.calls("server.info").get(0);
		assertThat(request.path()).isEqualTo("/rpc");
		assertThat(request.header("Authorization")).isEqualTo("Bearer test-token");
		assertThat(request.header("Content-Type")).startsWith("application/json");
		assertThat(new String(request.body())).contains("\"jsonrpc\":\"2.0\"").contains("\"id\":");
		assertThat(request.params()).isNull();
	}

	@Test
	void aUrlWithoutAPathMeansTheServersApiEndpoint() {
		this.server.result("server.info", "{\"version\": \"0.1.0\"}");
		String base = this.server.url().replace("/rpc", "");
		for (String url : new String[] { base, base + "/" }) {
			CliRun run = CliRun.run(Map.of("PYAPP_URL", url, "PYAPP_TOKEN", FakeApiServer.TOKEN), this.directory,
					"info");
			assertThat(run.exitCode()).as(url).isZero();
		}
		assertThat(this.server.calls("server.info")).hasSize(2)
			.allSatisfy((request) -> assertThat(request.path()).isEqualTo("/rpc"));
	}

	@Test // the run audit: a bad PYAPP_URL was reported as a bad --url
	void aBadUrlIsAUsageErrorNamingWhereItCameFrom() {
		for (String url : new String[] { "ftp://host/rpc", "::bad" }) {
			CliRun fromEnv = CliRun.run(Map.of("PYAPP_URL", url, "PYAPP_TOKEN", FakeApiServer.TOKEN), this.directory,
					"info");
			assertThat(fromEnv.exitCode()).as(url).isEqualTo(2);
			assertThat(fromEnv.err().lines().findFirst()).as(url)
				.hasValueSatisfying(
						(line) -> assertThat(line).startsWith("PYAPP_URL ").contains(url).doesNotContain("--url"));
			CliRun fromOption = CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_TOKEN", FakeApiServer.TOKEN),
					this.directory, "--url", url, "info");
			assertThat(fromOption.exitCode()).as(url).isEqualTo(2);
			assertThat(fromOption.err().lines().findFirst()).as(url)
				.hasValueSatisfying((line) -> assertThat(line).startsWith("--url ").contains(url));
		}
		assertThat(this.server.calls("server.info")).isEmpty();
	}

	@Test
	void jsonPrintsTheRawResultWhereverTheOptionIsGiven() {
		this.server.result("apps.list", "[{\"name\": \"guestbook\", \"extra\": {\"a\": 1}}]");
		for (String[] args : new String[][] { { "--json", "apps", "list" }, { "apps", "list", "--json" },
				{ "apps", "--json", "list" } }) {
			CliRun run = pyapp(args);
			assertThat(run.exitCode()).isZero();
			assertThat(run.out().trim()).startsWith("[").endsWith("]").contains("\"extra\"").doesNotContain("NAME");
		}
	}

	@Test
	void apiErrorPrintsOneReadableLineWithFieldErrorsAndExitsOne() {
		this.server.error("config.set", -32002, "the configuration is invalid",
				"{\"type\": \"invalid\", "
						+ "\"errors\": [{\"path\": \"site.title\", \"message\": \"must not be empty\"}, "
						+ "{\"path\": \"site.entries_per_page\", \"message\": \"must be at most 500\"}]}");
		CliRun run = pyapp("config", "set", "guestbook", "site.title=", "site.entries_per_page=900");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err().lines().toList()).containsExactly("error: the configuration is invalid",
				"  site.title: must not be empty", "  site.entries_per_page: must be at most 500");
	}

	@Test // real-apps: a post-install hook run by config.set wrote into the release
	void failedHookOfConfigSetPrintsTheHintBeforeTheLog() {
		this.server.error("config.set", -32005, "install of notes failed at step 'post-install'",
				"{\"type\": \"failed\", \"log\": \"OSError: [Errno 30] Read-only file system\", "
						+ "\"hint\": \"write to PYAPP_DATA_PATH\"}");
		CliRun run = pyapp("config", "set", "notes", "flask.secret_key=x");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err().lines().toList()).containsExactly("error: install of notes failed at step 'post-install'",
				"  hint: write to PYAPP_DATA_PATH", "  log:", "    OSError: [Errno 30] Read-only file system");
	}

	@Test
	void failedStepPrintsItsLogIndented() {
		this.server.error("apps.start", -32005, "the app did not start",
				"{\"type\": \"failed\", \"log\": \"Traceback:\\n  ImportError: no module named x\\n\"}");
		CliRun run = pyapp("start", "guestbook");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: the app did not start\n")
			.contains("\n    Traceback:\n      ImportError: no module named x\n")
			.doesNotContain("Exception")
			.doesNotContain("\tat ");
	}

	@Test
	void notFoundExitsOneWithTheServersMessage() {
		this.server.error("apps.get", -32001, "no app named 'nope' is installed", "{\"type\": \"not-found\"}");
		CliRun run = pyapp("apps", "show", "nope");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).isEqualTo("error: no app named 'nope' is installed\n");
	}

	@Test
	void invalidParamsShowTheirDetail() {
		CliRun run = pyapp("rpc", "no.such");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).isEqualTo("error: Method not found: no.such\n");
	}

	@Test
	void invalidParamsAreOneLineThoughTheServerNamesEachParamInErrors() {
		this.server.error("apps.get", -32602, "Invalid params",
				"{\"type\": \"invalid-params\", \"detail\": \"'name' must be a string, got a number\", "
						+ "\"errors\": [{\"path\": \"name\", \"message\": \"must be a string, got a number\"}]}");
		CliRun run = pyapp("rpc", "apps.get", "{\"name\": 5}");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).isEqualTo("error: Invalid params: 'name' must be a string, got a number\n");
	}

	@Test
	void aRefusalForAMissingRoleNamesTheMethodOnce() {
		// what RpcAccess answers a viewer's token calling a deployer's method
		this.server.error("apps.start", -32004,
				"forbidden: apps.start needs the role deployer; token:ci-viewer has the role viewer",
				"{\"type\": \"forbidden\", \"method\": \"apps.start\", \"required_role\": \"deployer\", \"role\": \"viewer\"}");
		CliRun run = pyapp("start", "blog");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err())
			.isEqualTo("error: forbidden: apps.start needs the role deployer; token:ci-viewer has the role viewer\n");
	}

	@Test
	void usageErrorsExitTwo() {
		assertThat(pyapp("apps", "show").exitCode()).isEqualTo(2);
		assertThat(pyapp("no-such-command").exitCode()).isEqualTo(2);
		assertThat(pyapp("apps").exitCode()).isEqualTo(2);
		assertThat(pyapp().exitCode()).isEqualTo(2);
		assertThat(pyapp("logs", "--level", "LOUD").exitCode()).isEqualTo(2);
		assertThat(pyapp("rpc", "server.info", "not json").exitCode()).isEqualTo(2);
		CliRun run = pyapp("apps", "show");
		assertThat(run.err()).contains("Missing required parameter").contains("Usage: pyapp apps show");
		assertThat(this.server.requests()).isEmpty();
	}

	@Test // SPEC §7: 1 is for API errors; a file named on the command line is usage
	void aLocalFileThatCannotBeReadIsAUsageErrorNamingIt() throws IOException {
		Files.createDirectories(this.directory.resolve("dir"));
		String missing = this.directory.resolve("missing") + ": no such file\n";
		String[][] commands = { { "install", "missing" }, { "config", "validate", "guestbook", "missing" },
				{ "config", "set", "guestbook", "-f", "missing" },
				{ "nodes", "add", "web2", "--host", "10.0.0.2", "--private-key-file", "missing" } };
		for (String[] command : commands) {
			CliRun run = pyapp(command);
			assertThat(run.exitCode()).as(String.join(" ", command)).isEqualTo(2);
			assertThat(run.err()).as(String.join(" ", command)).isEqualTo("error: cannot read " + missing);
			assertThat(run.out()).isEmpty();
		}
		CliRun directory = pyapp("install", "dir");
		assertThat(directory.exitCode()).isEqualTo(2);
		assertThat(directory.err())
			.isEqualTo("error: cannot read " + this.directory.resolve("dir") + ": it is a directory, not a file\n");
		CliRun notARepository = pyapp("hooks", "install-git", "dir", "wiki");
		assertThat(notARepository.exitCode()).isEqualTo(2);
		assertThat(notARepository.err()).startsWith("error: " + this.directory.resolve("dir") + " is not a git");
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void theKeyOfANodeIsReadRelativeToTheWorkingDirectory() throws IOException {
		this.server.result("nodes.add", "{}");
		Files.writeString(this.directory.resolve("id_ed25519"), "KEY\n");
		CliRun run = pyapp("nodes", "add", "web2", "--host", "10.0.0.2", "--private-key-file", "id_ed25519");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("nodes.add").get("private_key").asString()).isEqualTo("KEY\n");
	}

	@Test // SPEC §7: --json is for scripts, and so is the error they must handle
	void jsonPrintsTheServersErrorObjectOnStdoutAndTheMessageOnStderr() {
		this.server.error("apps.get", -32001, "no app named 'nope' is installed",
				"{\"type\": \"not-found\", \"app\": \"nope\"}");
		CliRun run = pyapp("--json", "apps", "show", "nope");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).isEqualTo("error: no app named 'nope' is installed\n");
		JsonNode error = new JsonCodec().read(run.out());
		assertThat(error.size()).isOne();
		assertThat(error.get("error").get("code").asInt()).isEqualTo(-32001);
		assertThat(error.get("error").get("message").asString()).isEqualTo("no app named 'nope' is installed");
		assertThat(error.get("error").get("data").toString()).isEqualTo("{\"type\":\"not-found\",\"app\":\"nope\"}");
		assertThat(error.get("error").has("http_status")).isFalse();
		// without --json, stdout stays empty
		assertThat(pyapp("apps", "show", "nope").out()).isEmpty();
	}

	@Test
	void jsonPrintsARefusalOfTheHttpLayerWithItsStatus() {
		CliRun run = CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_TOKEN", "wrong"), this.directory, "apps",
				"list", "--json");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: invalid API token (HTTP 401");
		JsonNode error = new JsonCodec().read(run.out()).get("error");
		assertThat(error.get("code").asInt()).isZero();
		assertThat(error.get("http_status").asInt()).isEqualTo(401);
		assertThat(error.get("data").toString()).isEqualTo("{\"error\":\"invalid API token\"}");
	}

	@Test
	void jsonLeavesStdoutEmptyForAUsageError() {
		CliRun run = pyapp("--json", "install", "missing");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.out()).isEmpty();
	}

	@Test
	void helpExitsZero() {
		CliRun run = pyapp("--help");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("Usage: pyapp").contains("install").contains("logs").contains("nodes");
	}

	@Test
	void unreachableServerIsAnApiError() throws IOException {
		String url = this.server.url();
		this.server.close();
		CliRun run = CliRun.run(Map.of("PYAPP_TOKEN", "t"), this.directory, "--url", url, "apps", "list");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: cannot reach the server at " + url).hasLineCount(1);
	}

	@Test
	void wrongTokenIsAnApiError() {
		CliRun run = CliRun.run(Map.of("PYAPP_URL", this.server.url()), this.directory, "--token", "wrong", "info");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: invalid API token (HTTP 401").hasLineCount(1);
	}

	@Test
	void tokenOptionWinsOverEnvironmentAndFile() throws IOException {
		Files.createDirectories(this.directory.resolve("var"));
		Files.writeString(this.directory.resolve("var/api-token"), "from-file\n");
		this.server.result("server.info", "{}");
		CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_TOKEN", "from-env"), this.directory, "--token",
				"from-option", "info");
		CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_TOKEN", "from-env"), this.directory, "info");
		CliRun.run(Map.of("PYAPP_URL", this.server.url()), this.directory, "info");
		assertThat(this.server.requests()).extracting((request) -> request.header("Authorization"))
			.containsExactly("Bearer from-option", "Bearer from-env", "Bearer from-file");
	}

	@Test
	void tokenIsReadFromPyappHome() throws IOException {
		Path home = Files.createDirectories(this.directory.resolve("home"));
		Files.writeString(home.resolve("api-token"), FakeApiServer.TOKEN + "\n");
		this.server.result("apps.list", "[]");
		CliRun run = CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_HOME", home.toString()), this.directory,
				"apps", "list");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEqualTo("no apps installed\n");
	}

	@Test
	void missingTokenFileGivesAClearMessage() {
		Path home = this.directory.resolve("empty-home");
		CliRun run = CliRun.run(Map.of("PYAPP_URL", this.server.url(), "PYAPP_HOME", home.toString()), this.directory,
				"apps", "list");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).startsWith("error: no API token: pass --token or set PYAPP_TOKEN")
			.contains(home.resolve("api-token").toString())
			.hasLineCount(1);
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void badUrlIsAUsageError() {
		CliRun run = CliRun.run(Map.of("PYAPP_TOKEN", "t"), this.directory, "--url", "ftp://x/rpc", "info");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).contains("--url must be an http(s) URL");
	}

	@Test
	void rpcPassesObjectOrArrayParamsAndPrintsTheResult() {
		this.server.result("apps.get", "{\"name\": \"guestbook\", \"state\": \"running\"}");
		CliRun run = pyapp("rpc", "apps.get", "{\"name\": \"guestbook\"}");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("\"state\" : \"running\"");
		assertThat(this.server.params("apps.get").toString()).isEqualTo("{\"name\":\"guestbook\"}");
		pyapp("rpc", "apps.get", "[\"guestbook\"]");
		assertThat(this.server.params("apps.get").toString()).isEqualTo("[\"guestbook\"]");
		assertThat(pyapp("rpc", "apps.get", "\"guestbook\"").exitCode()).isEqualTo(2);
	}

	@Test
	void serverOutputCannotDriveTheTerminal() {
		this.server.result("apps.list", "[{\"name\": \"evil\\u001b[2J\", \"version\": \"1\\n2\"}]");
		CliRun run = pyapp("apps", "list");
		assertThat(run.out()).doesNotContain("\u001b").contains("evil?[2J").contains("1 2");
	}

	@Test
	void everyCommandIsFoundByTheNameItsAnnotationGives() {
		for (PyappCli.Summary summary : PyappCli.COMMANDS) {
			Class<?> command = PyappCli.command(summary.name());
			assertThat(command).as(summary.name()).isNotNull();
			assertThat(command.getAnnotation(Command.class).name()).isEqualTo(summary.name());
			// the list of commands shows the first line; the command's own help all
			// of them
			assertThat(command.getAnnotation(Command.class).description()).startsWith(summary.description());
		}
		assertThat(PyappCli.command("nope")).isNull();
		assertThat(PyappCli.commandLine(new PyappCli(Map.of(), this.directory, false, java.time.Clock.systemUTC()))
			.getSubcommands()).containsOnlyKeys(PyappCli.COMMANDS.stream().map(PyappCli.Summary::name).toList());
	}

	@Test
	void theHelpListsTheCommandsAsTheirFullModelsWould() {
		PyappCli cli = new PyappCli(Map.of(), this.directory, false, java.time.Clock.systemUTC());
		CommandLine full = new CommandLine(new PyappCli(Map.of(), this.directory, false, java.time.Clock.systemUTC()));
		PyappCli.COMMANDS.forEach((summary) -> full.addSubcommand(PyappCli.command(summary.name())));
		assertThat(PyappCli.commandLine(cli, new String[] { "--help" }).getUsageMessage())
			.isEqualTo(full.getUsageMessage());
		assertThat(PyappCli.commandLine(cli, new String[] { "--help", "apps" }).getUsageMessage())
			.isEqualTo(full.getUsageMessage());
	}

}
