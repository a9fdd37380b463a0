package dev.pyapp.server.nodes.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.NodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The command lines {@link SshNodeShell} sends: the environment's values are in none of
 * them, only in what they read on standard input. They are run here through the shells
 * sshd may run them with (the user's login shell: bash, or dash as {@code sh}).
 */
class SshNodeShellTests {

	/** Values a shell or a here-document could mangle. */
	static final Map<String, String> ODD = odd();

	private static Map<String, String> odd() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("DATABASE_URL", "postgres://app:s3cr3t-pa55@db/app");
		values.put("QUOTES", "it's \"quoted\" '\\''");
		values.put("NEWLINES", "\nfirst\nsecond\n\n");
		values.put("DOLLAR", "$HOME ${PATH} $(id) $$ $1");
		values.put("BACKTICKS", "`id` \\`id\\`");
		values.put("EQUALS", "a=b==c=");
		values.put("BACKSLASH", "back\\slash\\\\ \\n \\");
		values.put("DELIMITER", "PYAPP_ENVIRONMENT_END\nPYAPP_ENVIRONMENT_END");
		values.put("EMPTY", "");
		values.put("UNICODE", "é ✓ \t tab");
		values.put("EXPORT", "'; export PWNED=1; '");
		return values;
	}

	@Test
	void putsNoValueOnTheCommandLine() {
		ExecRequest request = ExecRequest.of("python", "app.py")
			.in(Path.of("/srv/app"))
			.withEnvironment(ODD, false)
			.withOutput(Path.of("/srv/app/out.log"), null);
		for (SshNodeShell.RemoteCommand command : List.of(SshNodeShell.execCommand(request),
				SshNodeShell.startCommand(request))) {
			for (String value : ODD.values()) {
				if (!value.isEmpty()) {
					assertThat(command.line()).doesNotContain(value);
				}
			}
			assertThat(command.line()).doesNotContain("s3cr3t").doesNotContain("DATABASE_URL");
			assertThat(new String(command.stdin(), StandardCharsets.UTF_8)).contains("s3cr3t");
		}
	}

	@Test
	void keepsTheCommandLineWithoutEnvironment() {
		ExecRequest request = ExecRequest.of("ls", "-l").in(Path.of("/tmp"));
		assertThat(SshNodeShell.execCommand(request).line())
			.isEqualTo("exec 2>&1; exec </dev/null; cd '/tmp' || exit 127; exec 'ls' '-l'");
		assertThat(SshNodeShell.execCommand(request).stdin()).isNull();
		assertThat(SshNodeShell.startCommand(request.withEnvironment(Map.of(), false)).line())
			.isEqualTo("exec </dev/null; cd '/tmp' || exit 127; setsid nohup env -i PATH=\"$PATH\" HOME=\"$HOME\" "
					+ "LANG=\"${LANG:-C.UTF-8}\" 'ls' '-l' >>/dev/null 2>>/dev/null & echo $!");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/bin/sh", "/bin/bash" })
	void passesOddValuesExactlyWithAClearedEnvironment(String loginShell) throws Exception {
		Map<String, String> seen = run(loginShell,
				SshNodeShell.execCommand(ExecRequest.of("env", "-0").withEnvironment(ODD, false)));
		Map<String, String> expected = new LinkedHashMap<>(ODD);
		expected.put("PATH", System.getenv("PATH"));
		expected.put("HOME", "/nonexistent-home");
		expected.put("LANG", "C.UTF-8");
		// what a shell sets on its own (the working directory, dash's PWD)
		seen.remove("PWD");
		assertThat(seen).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/bin/sh", "/bin/bash" })
	void passesOddValuesExactlyOverTheInheritedEnvironment(String loginShell) throws Exception {
		Map<String, String> seen = run(loginShell,
				SshNodeShell.execCommand(ExecRequest.of("env", "-0").withEnvironment(ODD, true)));
		assertThat(seen).containsAllEntriesOf(ODD).containsEntry("INHERITED", "yes").doesNotContainKey("PWNED");
		assertThat(seen).doesNotContainKey("pyapp_environment");
	}

	@Test
	void refusesANameTheShellCannotExport() {
		assertThatExceptionOfType(NodeException.class)
			.isThrownBy(
					() -> SshNodeShell.execCommand(ExecRequest.of("true").withEnvironment(Map.of("A-B", "x"), true)))
			.withMessageContaining("'A-B'");
		assertThatExceptionOfType(NodeException.class)
			.isThrownBy(
					() -> SshNodeShell.startCommand(ExecRequest.of("true").withEnvironment(Map.of("A", "x\0y"), true)))
			.withMessageContaining("NUL")
			.withMessageNotContaining("x\0y");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/bin/sh", "/bin/bash" })
	void dropsWhatTheLoginShellPrintsBeforeTheCommand(String loginShell) throws Exception {
		// a chatty ~/.bashrc: whole lines, then a line with no newline at its end
		String line = "echo 'Welcome to node 1'; echo 12345; printf 'no newline'; "
				+ SshNodeShell.marked(SshNodeShell.execCommand(ExecRequest.of("echo", "out")).line());
		Process process = new ProcessBuilder(loginShell, "-c", line).start();
		StringBuilder output = new StringBuilder();
		long[] pid = { 0 };
		SshNodeShell.read(process.getInputStream(), output, null, pid);
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(output).hasToString("out\n");
		assertThat(pid[0]).isEqualTo(process.pid());
	}

	@Test
	void readsThePidOfAStartedProgramAfterABanner() throws Exception {
		SshNodeShell.RemoteCommand command = SshNodeShell
			.startCommand(ExecRequest.of("sleep", "0.01").withEnvironment(Map.of("A", "1"), true));
		String line = "echo 'Welcome'; " + SshNodeShell.marked(command.line());
		ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", line);
		Path stdin = Files.createTempFile("ssh-env", ".in");
		try {
			Files.write(stdin, command.stdin());
			Process process = builder.redirectInput(stdin.toFile()).start();
			StringBuilder output = new StringBuilder();
			SshNodeShell.read(process.getInputStream(), output, null, null);
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(output.toString()).matches("\\d+\n");
		}
		finally {
			Files.deleteIfExists(stdin);
		}
	}

	/**
	 * Runs a command line as sshd does ({@code SHELL -c LINE}, the request's bytes on
	 * standard input) and parses the {@code env -0} it ends in.
	 */
	private static Map<String, String> run(String loginShell, SshNodeShell.RemoteCommand command)
			throws IOException, InterruptedException {
		Path stdin = Files.createTempFile("ssh-env", ".in");
		try {
			Files.write(stdin, command.stdin());
			ProcessBuilder builder = new ProcessBuilder(loginShell, "-c", SshNodeShell.marked(command.line()));
			builder.environment().clear();
			builder.environment().put("PATH", System.getenv("PATH"));
			builder.environment().put("HOME", "/nonexistent-home");
			builder.environment().put("INHERITED", "yes");
			builder.redirectInput(stdin.toFile());
			Process process = builder.start();
			byte[] output = process.getInputStream().readAllBytes();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).isZero();
			String text = new String(output, StandardCharsets.UTF_8);
			// the first line is the shell's pid
			assertThat(text).containsPattern("^" + SshNodeShell.BEGIN + "\\d+\n");
			Map<String, String> environment = new LinkedHashMap<>();
			Arrays.stream(text.substring(text.indexOf('\n') + 1).split("\0")).forEach((entry) -> {
				int equals = entry.indexOf('=');
				environment.put(entry.substring(0, equals), entry.substring(equals + 1));
			});
			return environment;
		}
		finally {
			Files.deleteIfExists(stdin);
		}
	}

}
