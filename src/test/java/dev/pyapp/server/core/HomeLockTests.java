package dev.pyapp.server.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One server per PYAPP_HOME.
 */
class HomeLockTests {

	@TempDir
	Path home;

	@Test // GH-15: a second server printed a ~100-line trace ending in "The file is
			// locked"
	void aHomeHeldByAnotherProcessIsRefusedNamingTheHomeAndThePid() throws Exception {
		Files.createDirectories(this.home.resolve("run"));
		String script = "import fcntl, os, sys, time\n" + "f = open(sys.argv[1], 'a+')\n"
				+ "fcntl.lockf(f, fcntl.LOCK_EX)\n" + "f.truncate(0); f.write('%d\\n' % os.getpid()); f.flush()\n"
				+ "print('locked', flush=True)\n" + "time.sleep(60)\n";
		Process holder = new ProcessBuilder("python3", "-c", script, this.home.resolve(HomeLock.FILE).toString())
			.start();
		try {
			BufferedReader out = new BufferedReader(
					new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
			assertThat(out.readLine()).isEqualTo("locked");

			assertThatThrownBy(() -> HomeLock.acquire(this.home)).isInstanceOf(HomeLock.Held.class)
				.hasMessage("PYAPP_HOME " + this.home + " is in use by another PyApp Server (pid " + holder.pid()
						+ "); stop it first (bin/pyapp server stop) or start this one with another PYAPP_HOME");
		}
		finally {
			holder.destroyForcibly().waitFor();
		}
		HomeLock lock = HomeLock.acquire(this.home);
		assertThat(Files.readString(this.home.resolve(HomeLock.FILE)).trim())
			.isEqualTo(Long.toString(ProcessHandle.current().pid()));
		lock.release();
	}

}
