package dev.pyapp.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code apps list|show|NAME}, {@code install}, {@code update}, {@code rollback},
 * {@code remove} and {@code start|stop|restart}.
 */
class AppsCommandsTests extends CliCommandTests {

	@Test
	void appsListRendersATableFromWhateverFieldsArePresent() {
		this.server.result("apps.list", """
				[{"name": "guestbook", "version": "1.4.0", "state": "running",
				  "mounts": [{"server": "main", "path": "/guestbook"}], "source": {"kind": "archive", "url": null}},
				 {"name": "wiki", "state": "needs-configuration", "mounts": [],
				  "source": {"kind": "git", "url": "https://git.example/wiki.git", "strategy": "one-branch"}},
				 {"name": "bare", "unknown": {"x": [1, 2]}}]
				""");
		CliRun run = pyapp("apps", "list");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out().lines().toList()).containsExactly(
				"NAME       VERSION  STATE                MOUNTS          SOURCE",
				"guestbook  1.4.0    running              main/guestbook  archive",
				"wiki       -        needs-configuration  -               git https://git.example/wiki.git",
				"bare       -        -                    -               -");
	}

	@Test // audit-ops: a node's app was listed like one of this server's
	void appsListShowsTheNodeOfEachAppWhenAnyRunsOnANode() {
		this.server.result("apps.list", """
				[{"name": "guestbook", "version": "1.4.0", "state": "running", "mounts": [],
				  "source": {"kind": "archive", "url": null}},
				 {"name": "wiki", "version": "0.1.0", "state": "running", "mounts": [],
				  "source": {"kind": "archive", "url": null}, "node": "web2"}]
				""");
		CliRun run = pyapp("apps", "list");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out().lines().toList()).containsExactly("NAME       VERSION  STATE    MOUNTS  SOURCE   NODE",
				"guestbook  1.4.0    running  -       archive  local",
				"wiki       0.1.0    running  -       archive  web2");
	}

	@Test
	void appsListSaysWhichNodeDoesNotAnswer() {
		// found in a trial: with the node's sshd stopped, its app was listed "running"
		this.server.result("apps.list", """
				[{"name": "wiki", "version": "0.1.0", "state": "running", "mounts": [],
				  "source": {"kind": "archive", "url": null}, "node": "web2", "node_reachable": false}]
				""");
		assertThat(pyapp("apps", "list").out().lines().toList()).containsExactly(
				"NAME  VERSION  STATE    MOUNTS  SOURCE   NODE",
				"wiki  0.1.0    running  -       archive  web2 (unreachable)");
	}

	@Test
	void appsShowListsFieldsReleasesAndTasks() {
		this.server.result("apps.get", """
				{"name": "guestbook", "version": "1.4.0", "state": "running", "env": {"MODE": "prod"},
				 "source": {"kind": "archive", "url": null},
				 "progress": {"step": "venv", "message": "installing flask"},
				 "releases": [{"id": "1.4.0-20240501T100000Z", "version": "1.4.0", "state": "live",
				               "created": "2024-05-01T10:00:00Z"},
				              {"id": "1.3.0-20240401T100000Z", "version": "1.3.0", "state": "kept"}],
				 "tasks": [{"name": "purge", "schedule": "*/30 * * * *", "call": "guestbook.tasks:purge",
				            "last_run": {"outcome": "ok"}}]}
				""");
		CliRun run = pyapp("apps", "show", "guestbook");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("apps.get").toString()).isEqualTo("{\"name\":\"guestbook\"}");
		assertThat(run.out()).contains("name:     guestbook")
			.contains("state:    running")
			.contains("env:      MODE=prod")
			.contains("progress: step=venv message=installing flask")
			.contains("releases:\n  ID                      VERSION  STATE  CREATED               MESSAGE\n"
					+ "  1.4.0-20240501T100000Z  1.4.0    live   2024-05-01T10:00:00Z  -\n")
			.contains("tasks:\n  NAME   SCHEDULE      CALL                   NEXT  LAST RUN\n"
					+ "  purge  */30 * * * *  guestbook.tasks:purge  -     ok\n");
	}

	@Test
	void appsWithANameShowsThatAppAsAppsShowDoes() {
		this.server.result("apps.get", """
				{"name": "guestbook", "version": "1.4.0", "state": "running",
				 "releases": [{"id": "1.4.0-20240501T100000Z", "version": "1.4.0", "state": "live"}]}
				""");
		CliRun shown = pyapp("apps", "show", "guestbook");
		CliRun run = pyapp("apps", "guestbook");
		assertThat(run.exitCode()).isZero();
		assertThat(run.err()).isEmpty();
		assertThat(run.out()).isEqualTo(shown.out()).contains("name:    guestbook").contains("1.4.0-20240501T100000Z");
		assertThat(this.server.calls("apps.get")).hasSize(2)
			.allSatisfy((request) -> assertThat(request.params().toString()).isEqualTo("{\"name\":\"guestbook\"}"));
		assertThat(pyapp("apps", "guestbook", "--json").out().trim()).startsWith("{").contains("\"releases\"");
	}

	@Test
	void appsAloneOrWithTwoNamesIsAUsageErrorThatSaysWhatToGive() {
		CliRun alone = pyapp("apps");
		assertThat(alone.exitCode()).isEqualTo(2);
		assertThat(alone.err()).contains("pyapp apps list")
			.contains("pyapp apps show NAME")
			.contains("Usage: pyapp apps");
		assertThat(pyapp("apps", "guestbook", "wiki").exitCode()).isEqualTo(2);
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void appsHelpShowsTheSubcommandsAndTheShortForm() {
		CliRun run = pyapp("apps", "--help");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).contains("Usage: pyapp apps")
			.contains("[NAME]")
			.contains("list")
			.contains("show")
			.contains("pyapp apps blog");
	}

	@Test
	void installUploadsTheArchiveThenInstallsIt() throws IOException {
		Path archive = archive("guestbook");
		this.server.result("apps.install", "{\"name\": \"guestbook\", \"version\": \"1.4.0\", \"state\": \"running\"}");
		this.server.error("apps.get", -32001, "no app named 'guestbook' is installed", null);
		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).endsWith("installed guestbook 1.4.0 (running)\n");
		FakeApiServer.Request upload = this.server.requests()
			.stream()
			.filter((request) -> request.path().equals("/api/archives"))
			.findFirst()
			.orElseThrow();
		assertThat(upload.body()).isEqualTo(Files.readAllBytes(archive));
		assertThat(upload.header("Content-Disposition")).isEqualTo("attachment; filename=\"guestbook-1.4.0.pyapp\"");
		assertThat(upload.header("Authorization")).isEqualTo("Bearer test-token");
		assertThat(this.server.params("apps.install").toString()).isEqualTo("{\"archive\":\"a1b2c3\"}");
	}

	@Test
	void installSaysAnUpgradeWaitsForItsSettingsWhileTheOldReleaseServes() throws IOException {
		// found in a trial: "installed flasknotes 1.0.0 (needs-configuration)" and
		// "it starts once ..." after installing 1.1.0, while 1.0.0 was running and
		// 1.1.0 waited
		archive("guestbook");
		this.server.result("apps.install", """
				{"name": "guestbook", "version": "1.3.0", "state": "needs-configuration",
				 "release": "1.3.0-20240401T100000Z",
				 "last_deploy": {"release": "1.4.0-20240402T100000Z", "version": "1.4.0", "state": "prepared"}}""");
		this.server.error("apps.get", -32001, "no app named 'guestbook' is installed", null);
		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).endsWith("""
				prepared guestbook 1.4.0: it waits for its new required settings; 1.3.0 still serves
				it goes live once they are filled in: pyapp config show guestbook, then pyapp config set guestbook \
				section.field=value ...
				""");
	}

	@Test
	void installOfANewAppWaitingForItsSettingsSaysItStartsOnceTheyAreSet() throws IOException {
		archive("guestbook");
		this.server.result("apps.install", """
				{"name": "guestbook", "version": "1.4.0", "state": "needs-configuration", "release": null,
				 "last_deploy": {"release": "1.4.0-20240402T100000Z", "version": "1.4.0", "state": "prepared"}}""");
		this.server.error("apps.get", -32001, "no app named 'guestbook' is installed", null);
		assertThat(pyapp("install", "guestbook-1.4.0.pyapp").out())
			.contains("installed guestbook 1.4.0 (needs-configuration)\nit starts once its required settings");
	}

	@Test
	void installPrintsEachNewProgressStepWhileItRuns() throws IOException {
		archive("guestbook");
		String[] steps = { "{\"step\": \"extract\", \"message\": \"unpacking\"}",
				"{\"step\": \"extract\", \"message\": \"unpacking\"}", "{\"step\": \"venv\", \"message\": \"pip\"}",
				"{\"step\": \"start\", \"message\": \"gunicorn\"}" };
		AtomicInteger polls = new AtomicInteger();
		CountDownLatch allShown = new CountDownLatch(1);
		this.server.answer("apps.get", (params) -> {
			int poll = polls.getAndIncrement();
			if (poll >= steps.length) {
				allShown.countDown();
			}
			return this.server.rpcResult("{\"name\": \"guestbook\", \"state\": \"installing\", \"progress\": "
					+ steps[Math.min(poll, steps.length - 1)] + "}");
		});
		this.server.answer("apps.install", (params) -> {
			await(allShown);
			return this.server.rpcResult("{\"name\": \"guestbook\", \"version\": \"1.4.0\", \"state\": \"running\"}");
		});
		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out().lines().toList()).containsExactly("extract: unpacking", "venv: pip", "start: gunicorn",
				"installed guestbook 1.4.0 (running)");
		assertThat(this.server.calls("apps.get"))
			.allSatisfy((call) -> assertThat(call.params().toString()).isEqualTo("{\"name\":\"guestbook\"}"));
	}

	@Test // GH-15: hook output was not shown while installing
	void installShowsWhatTheHooksPrintUnderTheirStep() throws IOException {
		archive("guestbook");
		this.server.result("logs.tail", "{\"records\": [], \"cursor\": \"10\"}");
		this.server.result("apps.get", "{\"name\": \"guestbook\", \"state\": \"installing\", "
				+ "\"progress\": {\"step\": \"post-install\", \"message\": \"running the post-install hook g:p\"}}");
		this.server.result("logs.query", """
				{"records": [
				  {"id": "14", "message": "[post-install] post-install done in 812 ms"},
				  {"id": "13", "message": "[post-install]   Applying auth.0001_initial... OK"},
				  {"id": "12", "message": "[post-install] Operations to perform:"},
				  {"id": "11", "message": "[post-install] running the post-install hook g:p"},
				  {"id": "10", "message": "[venv] an older record"},
				  {"id": "9", "message": "[post-install] from an earlier install"}
				]}
				""");
		this.server.answer("apps.install", (params) -> this.server
			.rpcResult("{\"name\": \"guestbook\", \"version\": \"1.4.0\", \"state\": \"running\"}"));

		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");

		assertThat(run.exitCode()).isZero();
		assertThat(run.out().lines().toList())

			.containsSubsequence("  Operations to perform:", "    Applying auth.0001_initial... OK",
					"installed guestbook 1.4.0 (running)");
		assertThat(run.out()).doesNotContain("earlier").doesNotContain("done in").doesNotContain("older");
		assertThat(this.server.params("logs.query").toString())
			.isEqualTo("{\"app\":\"guestbook\",\"logger\":\"pyapp.deploy\",\"limit\":500}");
	}

	@Test // trial-dash-pandas: the venv step of a Dash app over pandas showed one line,
			// then nothing for a minute (minutes from PyPI); from a file: index pip
			// says "Processing" where it says "Collecting" from PyPI
	void installShowsTheRequirementsPipFetchesUnderTheVenvStep() throws IOException {
		archive("dashboard");
		this.server.result("logs.tail", "{\"records\": [], \"cursor\": \"20\"}");
		this.server.result("apps.get", "{\"name\": \"dashboard\", \"state\": \"running\"}");
		this.server.result("logs.query",
				"""
						{"records": [
						  {"id": "29", "level": "INFO", "message": "[venv] venv done in 36000 ms"},
						  {"id": "28", "level": "INFO", "message": "[venv] Successfully installed dash-4.4.1 numpy-2.4.6 pandas-3.0.6"},
						  {"id": "27", "level": "INFO", "message": "[venv] Installing collected packages: numpy, pandas, dash"},
						  {"id": "26", "level": "INFO", "message": "[venv] Processing /opt/pypi/files/pandas-3.0.6-cp311.whl"},
						  {"id": "25", "level": "INFO", "message": "[venv] Collecting pandas>=2.1"},
						  {"id": "24", "level": "INFO", "message": "[venv]   Downloading dash-4.4.1-py3-none-any.whl (8.0 MB)"},
						  {"id": "23", "level": "INFO", "message": "[venv] Collecting dash>=2.16"},
						  {"id": "22", "level": "INFO", "message": "[venv] $ pip install dash>=2.16 pandas>=2.1"},
						  {"id": "21", "level": "INFO", "message": "[venv] building the Python environment"}
						]}
						""");
		this.server.answer("apps.install", (params) -> this.server
			.rpcResult("{\"name\": \"dashboard\", \"version\": \"0.1.0\", \"state\": \"running\"}"));

		CliRun run = pyapp("install", "dashboard-1.4.0.pyapp");

		assertThat(run.exitCode()).isZero();
		assertThat(run.out().lines().toList()).containsExactly("venv: building the Python environment",
				"  Collecting dash>=2.16", "  Collecting pandas>=2.1",
				"  Processing /opt/pypi/files/pandas-3.0.6-cp311.whl",
				"  Installing collected packages: numpy, pandas, dash", "installed dashboard 0.1.0 (running)");
	}

	@Test
	void anUpgradeShowsWhetherItReusedTheLiveEnvironment() throws IOException {
		archive("dashboard");
		this.server.result("logs.tail", "{\"records\": [], \"cursor\": \"20\"}");
		this.server.result("apps.get", "{\"name\": \"dashboard\", \"state\": \"running\"}");
		this.server.result("logs.query",
				"""
						{"records": [
						  {"id": "25", "level": "INFO", "message": "[venv] Requirement already satisfied: pandas>=2.1 in /srv/venv"},
						  {"id": "24", "level": "INFO", "message": "[venv] copied the environment of release 0.1.0-20261206T031824Z in 1.4 s (14 files rewritten to name this release)"},
						  {"id": "23", "level": "INFO", "message": "[venv] reusing the environment of release 0.1.0-20261206T031824Z: dependencies unchanged"},
						  {"id": "22", "level": "INFO", "message": "[venv] Python 3.11.2 (/usr/bin/python3)"},
						  {"id": "21", "level": "INFO", "message": "[venv] building the Python environment"}
						]}
						""");
		this.server.answer("apps.install", (params) -> this.server
			.rpcResult("{\"name\": \"dashboard\", \"version\": \"0.1.1\", \"state\": \"running\"}"));

		CliRun run = pyapp("install", "dashboard-1.4.0.pyapp");

		assertThat(run.out().lines().toList()).containsExactly("venv: building the Python environment",
				"  reusing the environment of release 0.1.0-20261206T031824Z: dependencies unchanged",
				"  copied the environment of release 0.1.0-20261206T031824Z in 1.4 s (14 files rewritten to name this release)",
				"installed dashboard 0.1.1 (running)");
	}

	@Test // CI: a health check shorter than a poll was not shown
	void installShowsEveryStepInOrderHoweverShort() throws IOException {
		archive("guestbook");
		this.server.result("logs.tail", "{\"records\": [], \"cursor\": \"20\"}");
		this.server.result("apps.get", "{\"name\": \"guestbook\", \"state\": \"running\"}");
		this.server.result("logs.query", """
				{"records": [
				  {"id": "29", "level": "INFO", "message": "[stop-old] stopping the old daemon once drained"},
				  {"id": "28", "level": "INFO", "message": "[switch] switch done in 3 ms"},
				  {"id": "27", "level": "INFO", "message": "[switch] switching to 2.0-b"},
				  {"id": "26", "level": "WARNING", "message": "[health] slow answer: 900 ms"},
				  {"id": "25", "level": "INFO", "message": "[health] checking the health of 2.0-b"},
				  {"id": "24", "level": "INFO", "message": "[start] app server: uWSGI (auto)"},
				  {"id": "23", "level": "INFO", "message": "[start] starting 2.0-b beside the live release"},
				  {"id": "22", "level": "INFO", "message": "[pre-update]   127 static files copied"},
				  {"id": "21", "level": "INFO", "message": "[pre-update] running the pre-update hook g:p"}
				]}
				""");
		this.server.answer("apps.install", (params) -> this.server
			.rpcResult("{\"name\": \"guestbook\", \"version\": \"2.0\", \"state\": \"running\"}"));

		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");

		assertThat(run.exitCode()).isZero();
		assertThat(run.out().lines().toList()).containsExactly("pre-update: running the pre-update hook g:p",
				"    127 static files copied", "start: starting 2.0-b beside the live release",
				"health: checking the health of 2.0-b", "  slow answer: 900 ms", "switch: switching to 2.0-b",
				"stop-old: stopping the old daemon once drained", "installed guestbook 2.0 (running)");
	}

	@Test
	void installWithJsonKeepsProgressOffStdout() throws IOException {
		archive("guestbook");
		// polls are sequential: the second one means the first answer has been printed
		CountDownLatch shown = new CountDownLatch(2);
		this.server.answer("apps.get", (params) -> {
			shown.countDown();
			return this.server.rpcResult("{\"progress\": {\"step\": \"venv\", \"message\": \"pip\"}}");
		});
		this.server.answer("apps.install", (params) -> {
			await(shown);
			return this.server.rpcResult("{\"name\": \"guestbook\", \"state\": \"running\"}");
		});
		CliRun run = pyapp("--json", "install", "guestbook-1.4.0.pyapp");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).doesNotContain("venv").contains("\"state\" : \"running\"");
		assertThat(run.err()).isEqualTo("venv: pip\n");
	}

	@Test
	void refusedArchiveShowsTheServersErrors() throws IOException {
		archive("guestbook");
		this.server.upload(400, "{\"message\": \"the archive is invalid\", \"errors\": "
				+ "[{\"path\": \"metadata.yaml: version\", \"message\": \"is not PEP 440\"}]}");
		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).isEqualTo("error: the archive is invalid\n  metadata.yaml: version: is not PEP 440\n");
		assertThat(this.server.calls("apps.install")).isEmpty();
	}

	@Test // trial-dash: an app crashing at import showed only "health check GET / failed:
			// Connection reset"
	void failedInstallShowsTheCauseAndWhatStillServesBeforeTheLog() throws IOException {
		archive("guestbook");
		this.server.error("apps.get", -32001, "no app named 'guestbook' is installed", null);
		this.server.error("apps.install", -32005,
				"install of guestbook failed at step 'health': health check GET / failed: Connection reset",
				"{\"type\": \"failed\", \"app\": \"guestbook\", \"release\": \"1.4.0-20240501T100000Z\", "
						+ "\"cause\": {\"summary\": \"KeyError: 'SETTING'\", \"excerpt\": \"...\", \"records\": 1}, "
						+ "\"live\": null, \"log\": \"*** Starting uWSGI ***\\nKeyError: 'SETTING'\"}");
		CliRun run = pyapp("install", "guestbook-1.4.0.pyapp");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).endsWith(
				"error: install of guestbook failed at step 'health': health check GET / failed: Connection reset\n"
						+ "  cause: KeyError: 'SETTING'\n  live: nothing (guestbook is not serving)\n"
						+ "  log:\n    *** Starting uWSGI ***\n    KeyError: 'SETTING'\n");
		this.server.error("apps.install", -32005, "install of guestbook failed at step 'health': timed out",
				"{\"type\": \"failed\", \"app\": \"guestbook\", \"cause\": null, "
						+ "\"live\": {\"release\": \"1.3.0-20240401T100000Z\", \"version\": \"1.3.0\"}}");
		assertThat(pyapp("install", "guestbook-1.4.0.pyapp").err())
			.endsWith("  live: guestbook 1.3.0 (release 1.3.0-20240401T100000Z) still serves\n");
		// real-apps: a release that wrote into itself is told where it may write
		this.server.error("apps.install", -32005, "install of guestbook failed at step 'health': timed out",
				"{\"type\": \"failed\", \"app\": \"guestbook\", \"cause\": {\"summary\": \"OSError: [Errno 30] "
						+ "Read-only file system: '/x'\"}, \"hint\": \"write to PYAPP_DATA_PATH\", \"live\": null}");
		assertThat(pyapp("install", "guestbook-1.4.0.pyapp").err())
			.endsWith("  cause: OSError: [Errno 30] Read-only file system: '/x'\n  hint: write to PYAPP_DATA_PATH\n"
					+ "  live: nothing (guestbook is not serving)\n");
		// real-apps: the live release of a stopped app (or one that never started) serves
		// nothing
		this.server.error("apps.install", -32005, "install of guestbook failed at step 'health': timed out",
				"{\"type\": \"failed\", \"app\": \"guestbook\", \"cause\": null, \"live\": "
						+ "{\"release\": \"1.3.0-20240401T100000Z\", \"version\": \"1.3.0\", \"serving\": false}}");
		assertThat(pyapp("install", "guestbook-1.4.0.pyapp").err()).endsWith(
				"  live: guestbook 1.3.0 (release 1.3.0-20240401T100000Z), which is not running (guestbook serves nothing)\n");
	}

	@Test
	void installOfAMissingFileSaysSoAsAUsageError() {
		CliRun run = pyapp("install", "nope.pyapp");
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).startsWith("error: cannot read ").endsWith("nope.pyapp: no such file\n");
		assertThat(this.server.requests()).isEmpty();
	}

	@Test
	void installFromGitSendsTheSource() {
		this.server.result("apps.list", "[]");
		this.server.result("apps.install", "{\"name\": \"wiki\", \"version\": \"2.0\", \"state\": \"running\"}");
		CliRun run = pyapp("install", "--git", "https://git.example/wiki.git", "--strategy", "latest-tag",
				"--tag-pattern", "v*");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("apps.install").toString()).isEqualTo(
				"{\"git\":{\"url\":\"https://git.example/wiki.git\",\"strategy\":\"latest-tag\",\"tag_pattern\":\"v*\"}}");
		assertThat(run.out()).contains("installed wiki 2.0 (running)");
	}

	@Test // the API's prereleases and poll_interval had no option
	void installFromGitSendsPreReleasesAndThePollInterval() {
		this.server.result("apps.list", "[]");
		this.server.result("apps.install", "{\"name\": \"wiki\", \"version\": \"2.0rc1\", \"state\": \"running\"}");
		CliRun run = pyapp("install", "--git", "https://git.example/wiki.git", "--strategy", "latest-tag",
				"--prereleases", "--poll-interval", "5m");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(this.server.params("apps.install").toString())
			.isEqualTo("{\"git\":{\"url\":\"https://git.example/wiki.git\",\"strategy\":\"latest-tag\","
					+ "\"prereleases\":true,\"poll_interval\":\"5m\"}}");
	}

	@Test
	void installNeedsExactlyOneSource() {
		assertThat(pyapp("install").exitCode()).isEqualTo(2);
		assertThat(pyapp("install", "x.pyapp", "--git", "https://x").exitCode()).isEqualTo(2);
		assertThat(pyapp("install", "x.pyapp", "--branch", "main").exitCode()).isEqualTo(2);
		assertThat(pyapp("install", "x.pyapp", "--poll-interval", "5m").exitCode()).isEqualTo(2);
		assertThat(this.server.requests()).isEmpty();
	}

	@Test // audit-ops: it said "updated guestbook: now 1.3.0" when nothing was deployed
	void updateSaysWhenTheAppIsAlreadyCurrent() {
		this.server.result("apps.update", """
				{"name": "guestbook", "version": "1.3.0", "state": "running", "updated": false,
				 "message": "already current", "commit": "b171824a24360a4293b704dbdde967a46676c342",
				 "ref": "refs/tags/v1.3.0"}
				""").result("apps.get", "{\"name\": \"guestbook\"}");
		CliRun run = pyapp("update", "guestbook");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out())
			.endsWith("guestbook is already current at v1.3.0 b171824a2436: 1.3.0 (running), nothing deployed\n");
	}

	@Test
	void updateRollbackAndRemoveSendTheirParams() {
		String app = "{\"name\": \"guestbook\", \"version\": \"1.3.0\", \"state\": \"running\"}";
		this.server.result("apps.update", app).result("apps.rollback", app).result("apps.get", app);
		this.server.result("apps.remove", "{\"name\": \"guestbook\", \"removed\": true}");
		assertThat(pyapp("update", "guestbook").out()).endsWith("updated guestbook: now 1.3.0 (running)\n");
		assertThat(this.server.params("apps.update").toString()).isEqualTo("{\"name\":\"guestbook\"}");
		assertThat(pyapp("rollback", "guestbook").out()).endsWith("rolled back guestbook to 1.3.0 (running)\n");
		assertThat(this.server.params("apps.rollback").toString()).isEqualTo("{\"name\":\"guestbook\"}");
		pyapp("rollback", "guestbook", "1.3.0-20240401T100000Z");
		assertThat(this.server.params("apps.rollback").toString())
			.isEqualTo("{\"name\":\"guestbook\",\"release\":\"1.3.0-20240401T100000Z\"}");
		// GH-15: a rollback says that the data stays as the newer release left it
		this.server.result("apps.rollback", app.replace("}", ", \"note\": \"migrations are not reversed\"}"));
		assertThat(pyapp("rollback", "guestbook").out()).endsWith("(running)\nnote: migrations are not reversed\n");
		assertThat(pyapp("remove", "guestbook", "--keep-data").out()).isEqualTo("removed guestbook (data kept)\n");
		assertThat(this.server.params("apps.remove").toString())
			.isEqualTo("{\"name\":\"guestbook\",\"keep_data\":true}");
		pyapp("remove", "guestbook");
		assertThat(this.server.params("apps.remove").toString())
			.isEqualTo("{\"name\":\"guestbook\",\"keep_data\":false}");
	}

	@Test
	void rollbackShowsItsNoteOnceWhenTheProgressShowedIt() {
		// found in a trial: the note was printed under the progress and again after
		// the summary
		this.server.result("logs.tail", "{\"records\": [], \"cursor\": \"10\"}");
		this.server.result("logs.query", """
				{"records": [
				  {"id": "12", "level": "WARNING", "message": "[stop-old] migrations are not reversed"},
				  {"id": "11", "level": "INFO", "message": "[stop-old] stopping the old daemon once drained"}
				]}
				""");
		this.server.result("apps.get", "{\"name\": \"guestbook\", \"state\": \"running\"}");
		this.server.result("apps.rollback",
				"""
						{"name": "guestbook", "version": "1.3.0", "state": "running", "note": "migrations are not reversed"}""");
		CliRun run = pyapp("rollback", "guestbook");
		assertThat(run.out()).containsOnlyOnce("migrations are not reversed")
			.endsWith("rolled back guestbook to 1.3.0 (running)\n");
	}

	@Test
	void startStopRestartCallTheirMethods() {
		this.server.result("apps.start", "{\"state\": \"running\", \"pid\": 4242, \"reason\": null}");
		this.server.result("apps.stop",
				"{\"state\": \"stopped\", \"pid\": null, \"reason\": \"stopped by the operator\"}");
		this.server.result("apps.restart", "\"running\"");
		assertThat(pyapp("start", "guestbook").out()).isEqualTo("guestbook: running (pid 4242)\n");
		assertThat(pyapp("stop", "guestbook").out()).isEqualTo("guestbook: stopped: stopped by the operator\n");
		assertThat(pyapp("restart", "guestbook").out()).isEqualTo("guestbook: running\n");
		assertThat(this.server.requests()).extracting(FakeApiServer.Request::method)
			.containsExactly("apps.start", "apps.stop", "apps.restart");
		assertThat(this.server.params("apps.stop").toString()).isEqualTo("{\"name\":\"guestbook\"}");
	}

	@Test
	void scaleShowsTheScaleOrSendsTheNewCounts() {
		this.server.result("apps.get",
				"{\"name\": \"blog\", \"scale\": {\"workers\": 1, \"threads\": 8, \"source\": \"app\"}}");
		this.server.result("apps.scale", "{\"scale\": {\"workers\": 4, \"threads\": 2, \"source\": \"operator\"}, "
				+ "\"process\": {\"state\": \"running\", \"pid\": 77}}");
		assertThat(pyapp("scale", "blog").out())
			.isEqualTo("blog: 1 workers x 8 threads (as the app's metadata.yaml asks)\n");
		assertThat(pyapp("scale", "blog", "--workers", "4", "--threads", "2").out())
			.isEqualTo("blog: 4 workers x 2 threads (scaled by the operator)\nblog: running (pid 77)\n");
		assertThat(this.server.params("apps.scale").toString())
			.isEqualTo("{\"name\":\"blog\",\"workers\":4,\"threads\":2}");
		pyapp("scale", "blog", "--reset");
		assertThat(this.server.params("apps.scale").toString()).isEqualTo("{\"name\":\"blog\",\"reset\":true}");
		assertThat(pyapp("scale", "blog", "--workers", "many").exitCode()).isEqualTo(2);
		this.server.error("apps.scale", -32002, "invalid scale of app 'blog'",
				"{\"type\": \"invalid\", \"errors\": [{\"path\": \"threads\", \"message\": \"must be between 1 and 256; found 0\"}]}");
		CliRun refused = pyapp("scale", "blog", "--threads", "0");
		assertThat(refused.exitCode()).isEqualTo(1);
		assertThat(refused.err()).contains("threads: must be between 1 and 256; found 0");
	}

	@Test
	void limitsShowsTheAppsLimitsOrSendsTheOperatorsCaps() {
		String limits = "{\"memory\": {\"value\": 536870912, \"requested\": null, \"cap\": 536870912, "
				+ "\"source\": \"default\", \"enforced_by\": \"cgroup v1 (memory.limit_in_bytes)\"}}";
		this.server.result("apps.get", "{\"name\": \"blog\", \"isolation\": {\"limits\": " + limits + "}}");
		this.server.result("apps.limits.set", "{\"limits\": " + limits + "}");
		assertThat(pyapp("limits", "blog").out().lines().toList()).containsExactly(
				"LIMIT   VALUE      REQUESTED  CAP        SOURCE   ENFORCED BY",
				"memory  536870912  -          536870912  default  cgroup v1 (memory.limit_in_bytes)");
		assertThat(pyapp("limits", "blog", "memory=1GB", "processes=128", "cpu=1.5", "open_files=default").exitCode())
			.isZero();
		assertThat(this.server.params("apps.limits.set").toString()).isEqualTo("{\"name\":\"blog\",\"limits\":"
				+ "{\"memory\":\"1GB\",\"processes\":128,\"cpu\":1.5,\"open_files\":null}}");
		CliRun wrong = pyapp("limits", "blog", "disk=1GB");
		assertThat(wrong.exitCode()).isEqualTo(2);
		assertThat(wrong.err()).contains("expected LIMIT=VALUE with LIMIT one of memory, processes, open_files, cpu");
	}

	private Path archive(String name) throws IOException {
		Path archive = this.directory.resolve(name + "-1.4.0.pyapp");
		try (OutputStream file = Files.newOutputStream(archive); ZipOutputStream zip = new ZipOutputStream(file)) {
			zip.putNextEntry(new ZipEntry("metadata.yaml"));
			zip.write(("format: 1\nname: " + name + "  # the app\nversion: 1.4.0\nentry:\n  wsgi: app:application\n")
				.getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
			zip.putNextEntry(new ZipEntry("src/app.py"));
			zip.write("def application(environ, start_response):\n    pass\n".getBytes(StandardCharsets.UTF_8));
			zip.closeEntry();
		}
		return archive;
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
