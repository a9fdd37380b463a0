package dev.pyapp.server.cli;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run} ({@code apps.run}) and {@code shell} ({@code apps.shell}).
 */
class RunCommandsTests extends CliCommandTests {

	@Test // GH-15
	void runPrintsTheOutputAndExitsWithTheCommandsCode() {
		this.server.result("apps.run", """
				{"exit_code": 3, "output": "auth\\n [X] 0001_initial\\n\\u001b[31mred\\u001b[0m\\n",
				 "truncated": false, "timed_out": false}
				""");

		CliRun run = pyapp("run", "blog", "--timeout", "2m", "--", "python", "manage.py", "showmigrations", "--plan");

		assertThat(run.exitCode()).isEqualTo(3);
		assertThat(run.out()).isEqualTo("auth\n [X] 0001_initial\n?[31mred?[0m\n");
		assertThat(this.server.params("apps.run").toString()).isEqualTo(
				"{\"name\":\"blog\",\"command\":[\"python\",\"manage.py\",\"showmigrations\",\"--plan\"],\"timeout\":120}");
	}

	@Test
	void runSaysWhenTheCommandRanPastItsTimeoutOrItsOutputWasCut() {
		this.server.result("apps.run",
				"{\"exit_code\": -1, \"output\": \"...end\\n\", \"truncated\": true, \"timed_out\": true}");

		CliRun run = pyapp("run", "blog", "--", "python", "loop.py");

		assertThat(run.exitCode()).isEqualTo(RunCommand.TIMED_OUT);
		assertThat(run.out()).isEqualTo("...end\n");
		assertThat(run.err()).contains("the start of the output was cut off")
			.contains("error: python loop.py ran past its timeout and was killed");
	}

	@Test
	void runNeedsACommand() {
		assertThat(pyapp("run", "blog").exitCode()).isEqualTo(2);
		assertThat(pyapp("run", "blog", "--timeout", "soon", "--", "ls").exitCode()).isEqualTo(2);
		assertThat(this.server.calls("apps.run")).isEmpty();
	}

	@Test // GH-15
	void shellPrintsTheServersCommandLineQuotedForBinPyappToExec() {
		this.server.result("apps.shell", """
				{"command": ["/srv/a/venv/bin/python", "manage.py", "shell", "-c", "print('it''s $HOME')"],
				 "environment": {"PYAPP_NAME": "blog", "PATH": "/srv/a/venv/bin:/usr/bin"},
				 "directory": "/srv/a/releases/1.0-x/src"}
				""");

		CliRun run = pyapp("shell", "--print-exec", "blog", "--", "python", "manage.py", "shell");

		assertThat(run.exitCode()).isZero();
		// the values in a here-document, not on env's command line
		assertThat(run.out()).isEqualTo("cd -- '/srv/a/releases/1.0-x/src' && exec env -i /bin/sh -c "
				+ "'. /dev/fd/3 || exit 126; exec 3<&-; exec \"$@\"' sh '/srv/a/venv/bin/python' 'manage.py' 'shell' "
				+ "'-c' 'print('\\''it'\\'''\\''s $HOME'\\'')' 3<<'PYAPP_ENVIRONMENT'\n"
				+ "export 'PYAPP_NAME=blog'\nexport 'PATH=/srv/a/venv/bin:/usr/bin'\nPYAPP_ENVIRONMENT\n");
		assertThat(this.server.params("apps.shell").toString())
			.isEqualTo("{\"name\":\"blog\",\"command\":[\"python\",\"manage.py\",\"shell\"]}");
	}

	@Test
	void theDefaultShellsPromptNamesTheApp() {
		this.server.result("apps.shell", "{\"command\": [\"/bin/bash\", \"--norc\", \"-i\"], \"environment\": {}}");

		CliRun run = pyapp("shell", "--print-exec", "blog");

		assertThat(run.out()).isEqualTo("exec env -i /bin/sh -c '. /dev/fd/3 || exit 126; exec 3<&-; exec \"$@\"' sh "
				+ "'/bin/bash' '--norc' '-i' 3<<'PYAPP_ENVIRONMENT'\nexport 'PS1=[pyapp blog] \\W\\$ '\nPYAPP_ENVIRONMENT\n");
		assertThat(this.server.params("apps.shell").toString()).isEqualTo("{\"name\":\"blog\"}");
	}

	@Test
	void theShellsEnvironmentDocumentEndsAfterEveryValue() throws Exception {
		this.server.result("apps.shell", """
				{"command": ["/usr/bin/env"],
				 "environment": {"SECRET": "s3cr3t\\nPYAPP_ENVIRONMENT\\n'$(id)'", "PATH": "/usr/bin:/bin"}}
				""");

		CliRun run = pyapp("shell", "--print-exec", "blog", "--", "env");

		assertThat(run.out().lines().findFirst().orElseThrow()).doesNotContain("s3cr3t")
			.endsWith("'/usr/bin/env' 3<<'PYAPP_ENVIRONMENT_'");
		// as bin/pyapp runs it
		Process shell = new ProcessBuilder("/bin/sh", "-c", "eval \"$1\"", "sh", run.out().strip())
			.redirectErrorStream(true)
			.start();
		String environment = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(shell.waitFor()).isZero();
		assertThat(environment).contains("SECRET=s3cr3t\nPYAPP_ENVIRONMENT\n'$(id)'\n")
			.contains("PATH=/usr/bin:/bin\n");
	}

	@Test
	void shellRefusesAServerOnAnotherHost() {
		CliRun run = CliRun.run(Map.of("PYAPP_URL", "http://192.0.2.10:8800/rpc", "PYAPP_TOKEN", "t"), this.directory,
				"shell", "blog");

		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).contains("pyapp shell works on the server's host only")
			.contains("use pyapp run blog -- ARGV");
	}

	@Test
	void shellWithoutBinPyappPrintsTheLineToRunInstead() {
		this.server.result("apps.shell", "{\"command\": [\"/bin/bash\"], \"environment\": {}}");

		CliRun run = pyapp("shell", "blog");

		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.err()).contains("needs bin/pyapp").contains("exec env -i");
	}

}
