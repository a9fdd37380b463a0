package dev.pyapp.server.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProcfsUsageSourceTests {

	@TempDir
	Path root;

	@Test
	void sumsTheWholeProcessTreeAndReadsTheCgroupLimit() throws IOException {
		Path proc = this.root.resolve("proc");
		process(proc, 100, 1, "gunicorn: master [app]", 100, 50, 30, 20, 10_000);
		process(proc, 101, 100, "gunicorn: worker (a) b)", 200, 100, 0, 0, 20_000);
		process(proc, 102, 101, "python", 10, 0, 0, 0, 1_000);
		process(proc, 200, 1, "someone else", 999, 999, 0, 0, 99_999);
		Files.writeString(proc.resolve("meminfo"), "MemTotal:       16000000 kB\n");
		Files.writeString(proc.resolve("100/cgroup"), "5:memory:/pyapp/app\n4:cpu,cpuacct:/pyapp/app\n");
		Path limit = this.root.resolve("sys/memory/pyapp/app/memory.limit_in_bytes");
		Files.createDirectories(limit.getParent());
		Files.writeString(limit, "536870912\n");

		AppUsage usage = new ProcfsUsageSource(proc, this.root.resolve("sys")).usage(AppId.of("app"), 100)
			.orElseThrow();

		assertThat(usage.cpuSeconds()).isCloseTo((100 + 50 + 30 + 20 + 200 + 100 + 10) / 100.0, within(1e-9));
		assertThat(usage.memoryBytes()).isEqualTo((10_000L + 20_000 + 1_000) * 1024);
		assertThat(usage.memoryLimitBytes()).isEqualTo(536_870_912L);
	}

	@Test
	void aGoneProcessHasNoUsageAndAnUnlimitedCgroupNoLimit() throws IOException {
		Path proc = this.root.resolve("proc");
		process(proc, 100, 1, "x", 1, 1, 0, 0, 1);
		Files.writeString(proc.resolve("100/cgroup"), "0::/user.slice\n");
		Path max = this.root.resolve("sys/user.slice/memory.max");
		Files.createDirectories(max.getParent());
		Files.writeString(max, "max\n");
		ProcfsUsageSource source = new ProcfsUsageSource(proc, this.root.resolve("sys"));
		assertThat(source.usage(AppId.of("app"), 999)).isEmpty();
		assertThat(source.usage(AppId.of("app"), 100).orElseThrow().memoryLimitBytes()).isNull();
	}

	private static void process(Path proc, long pid, long ppid, String comm, long utime, long stime, long cutime,
			long cstime, long rssKb) throws IOException {
		Path dir = proc.resolve(Long.toString(pid));
		Files.createDirectories(dir);
		Files.writeString(dir.resolve("stat"), pid + " (" + comm + ") S " + ppid + " 1 1 0 -1 4194560 0 0 0 0 " + utime
				+ " " + stime + " " + cutime + " " + cstime + " 20 0 1 0 100 1000 10\n");
		Files.writeString(dir.resolve("status"), "Name:\tx\nVmRSS:\t   " + rssKb + " kB\n");
	}

}
