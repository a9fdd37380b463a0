package dev.pyapp.server.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pid of a log sender in a PID namespace of its own, as the server sees it.
 */
class SenderPidsTests {

	@TempDir
	Path dir;

	private UserPrincipal me() throws IOException {
		return Files.getOwner(this.dir);
	}

	private void process(String pid, String nspid) throws IOException {
		Files.createDirectories(this.dir.resolve(pid));
		Files.writeString(this.dir.resolve(pid).resolve("status"),
				"Name:\tpython3\nTgid:\t" + pid + "\nNSpid:\t" + nspid + "\nPPid:\t1\n");
	}

	@Test
	void theOneProcessWhosePidInsideIsTheReportedOneGivesItsPidHere() throws IOException {
		process("4242", "4242\t7");
		process("4300", "4300\t8");
		process("17", "17");
		Files.createDirectories(this.dir.resolve("self"));

		SenderPids pids = new SenderPids(this.dir);

		assertThat(pids.resolve(me(), 7)).isEqualTo(4242);
		assertThat(pids.resolve(me(), 8)).isEqualTo(4300);
		// a process without a namespace of its own has the same pid here
		assertThat(pids.resolve(me(), 17)).isEqualTo(17);
		assertThat(pids.resolve(me(), 9)).isNull();
	}

	@Test
	void twoProcessesWithThatPidInsideGiveNone() throws IOException {
		// a daemon and a task of one app, each in a sandbox of its own
		process("4242", "4242\t3");
		process("5151", "5151\t3");

		assertThat(new SenderPids(this.dir).resolve(me(), 3)).isNull();
	}

	@Test
	void aProcessOfAnotherUserIsNeverTheSender() throws IOException {
		process("4242", "4242\t7");
		UserPrincipal other = this.dir.getFileSystem()
			.getUserPrincipalLookupService()
			.lookupPrincipalByName(me().getName().equals("nobody") ? "root" : "nobody");

		assertThat(new SenderPids(this.dir).resolve(other, 7)).isNull();
	}

	@Test
	void aProcessInAPidNamespaceOfItsOwnIsFoundInTheRealProc() throws Exception {
		assumeTrue("root".equals(System.getProperty("user.name")), "a PID namespace of one's own needs root");
		// a pid inside that nothing else on the host has inside: the namespace's next
		// pid is set before the process is forked
		int inside = ThreadLocalRandom.current().nextInt(20_000, 60_000);
		String script = "import os, subprocess, sys\n" + "open('/proc/sys/kernel/ns_last_pid', 'w').write('"
				+ (inside - 1) + "')\n"
				+ "subprocess.run([sys.executable, '-c', 'import os, sys, time; print(os.getpid(), flush=True); "
				+ "sys.stdin.read()'])\n";
		Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "python3", "-c", script)
			.redirectErrorStream(true)
			.start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(unshare.getInputStream(), StandardCharsets.UTF_8))) {
			String reported = out.readLine();
			assertThat(reported).isEqualTo(Integer.toString(inside));
			long here = unshare.descendants()
				// the child, not the script that started it (whose text names
				// the child's)
				.filter((process) -> process.info().commandLine().orElse("").contains("time; print"))
				.filter((process) -> !process.info().commandLine().orElse("").contains("subprocess"))
				.findFirst()
				.orElseThrow()
				.pid();

			assertThat(SenderPids.host().resolve(me(), inside)).isEqualTo((int) here);
		}
		finally {
			unshare.getOutputStream().close();
			if (!unshare.waitFor(10, TimeUnit.SECONDS)) {
				unshare.descendants().forEach(ProcessHandle::destroyForcibly);
				unshare.destroyForcibly();
			}
		}
	}

}
