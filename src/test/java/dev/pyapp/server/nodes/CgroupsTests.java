package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroup layouts against a fake cgroup file system: the v2 layout (this machine
 * mounts v1, whose real files {@code LimitsIT} checks) and the v1 layout, each written
 * exactly as the kernel expects.
 */
class CgroupsTests {

	@TempDir
	Path root;

	@Test
	void usesTheUnifiedHierarchyWhenTheRootIsCgroup2() throws IOException {
		Path mounts = mounts("cgroup2 " + this.root + " cgroup2 rw,nosuid,nodev,noexec,relatime 0 0");
		Files.writeString(this.root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma\n");

		Cgroups cgroups = Cgroups.detect(mounts, this.root, "pyapp");
		Path procs = cgroups.prepare("guestbook.1a2b3c4d/r-5e6f7a8b", new Isolation.Limits(512L << 20, 64, 4096, 1.5))
			.get(0);

		assertThat(cgroups.kind()).isEqualTo(Cgroups.Kind.V2);
		Path leaf = this.root.resolve("pyapp/guestbook.1a2b3c4d/r-5e6f7a8b");
		assertThat(procs).isEqualTo(leaf.resolve("cgroup.procs"));
		assertThat(leaf.resolve("memory.max")).content().isEqualTo(Long.toString(512L << 20));
		assertThat(leaf.resolve("pids.max")).content().isEqualTo("64");
		assertThat(leaf.resolve("cpu.max")).content().isEqualTo("150000 100000");
		// every level above the leaf hands the controllers down
		assertThat(this.root.resolve("cgroup.subtree_control")).exists();
		assertThat(this.root.resolve("pyapp/cgroup.subtree_control")).exists();
		assertThat(this.root.resolve("pyapp/guestbook.1a2b3c4d/cgroup.subtree_control")).exists();
		assertThat(leaf.resolve("cgroup.subtree_control")).doesNotExist();
	}

	@Test
	void writesUnlimitedAsMaxOnCgroup2() throws IOException {
		Path mounts = mounts("cgroup2 " + this.root + " cgroup2 rw 0 0");
		Files.writeString(this.root.resolve("cgroup.controllers"), "cpu memory pids\n");

		Cgroups cgroups = Cgroups.detect(mounts, this.root, "pyapp");
		cgroups.prepare("app.00000000/daemon", Isolation.Limits.NONE);

		Path leaf = this.root.resolve("pyapp/app.00000000/daemon");
		assertThat(leaf.resolve("memory.max")).content().isEqualTo("max");
		assertThat(leaf.resolve("pids.max")).content().isEqualTo("max");
		assertThat(leaf.resolve("cpu.max")).content().isEqualTo("max 100000");
	}

	@Test
	void countsOutOfMemoryKillsFromMemoryEvents() throws IOException {
		Path mounts = mounts("cgroup2 " + this.root + " cgroup2 rw 0 0");
		Files.writeString(this.root.resolve("cgroup.controllers"), "memory pids\n");
		Cgroups cgroups = Cgroups.detect(mounts, this.root, "pyapp");
		cgroups.prepare("app.00000000/daemon", Isolation.Limits.NONE);

		Files.writeString(this.root.resolve("pyapp/app.00000000/daemon/memory.events"),
				"low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n");

		assertThat(cgroups.oomKills("app.00000000/daemon")).isEqualTo(2);
		assertThat(cgroups.oomKills("app.00000000/other")).isZero();
		assertThat(cgroups.controls("cpu")).isFalse();
	}

	@Test
	void usesTheV1ControllersThatAreMounted() throws IOException {
		Path memory = Files.createDirectories(this.root.resolve("memory"));
		Path pids = Files.createDirectories(this.root.resolve("pids"));
		Path cpu = Files.createDirectories(this.root.resolve("cpu,cpuacct"));
		Path mounts = mounts("tmpfs " + this.root + " tmpfs rw,mode=755 0 0",
				"cgroup " + memory + " cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0",
				"cgroup " + pids + " cgroup rw,nosuid,nodev,noexec,relatime,pids 0 0",
				"cgroup " + cpu + " cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0",
				"cgroup2 " + this.root.resolve("unified") + " cgroup2 rw 0 0");
		// swap accounting is on: the kernel made this file
		Files.createDirectories(memory.resolve("pyapp/app.00000000/r-1"));
		Files.writeString(memory.resolve("pyapp/app.00000000/r-1/memory.memsw.limit_in_bytes"), "");

		Cgroups cgroups = Cgroups.detect(mounts, this.root, "pyapp");
		var procs = cgroups.prepare("app.00000000/r-1", new Isolation.Limits(64L << 20, 32, null, 0.5));

		assertThat(cgroups.kind()).isEqualTo(Cgroups.Kind.V1);
		assertThat(procs).containsExactly(memory.resolve("pyapp/app.00000000/r-1/cgroup.procs"),
				pids.resolve("pyapp/app.00000000/r-1/cgroup.procs"),
				cpu.resolve("pyapp/app.00000000/r-1/cgroup.procs"));
		Path leaf = memory.resolve("pyapp/app.00000000/r-1");
		assertThat(leaf.resolve("memory.limit_in_bytes")).content().isEqualTo(Long.toString(64L << 20));
		assertThat(leaf.resolve("memory.memsw.limit_in_bytes")).content().isEqualTo(Long.toString(64L << 20));
		assertThat(pids.resolve("pyapp/app.00000000/r-1/pids.max")).content().isEqualTo("32");
		assertThat(cpu.resolve("pyapp/app.00000000/r-1/cpu.cfs_period_us")).content().isEqualTo("100000");
		assertThat(cpu.resolve("pyapp/app.00000000/r-1/cpu.cfs_quota_us")).content().isEqualTo("50000");
	}

	@Test
	void countsOutOfMemoryKillsFromTheV1OomControl() throws IOException {
		Path memory = Files.createDirectories(this.root.resolve("memory"));
		Path mounts = mounts("cgroup " + memory + " cgroup rw,memory 0 0");
		Cgroups cgroups = Cgroups.detect(mounts, this.root, "pyapp");
		cgroups.prepare("app.00000000/r-1", Isolation.Limits.NONE);

		Files.writeString(memory.resolve("pyapp/app.00000000/r-1/memory.oom_control"),
				"oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");

		assertThat(cgroups.oomKills("app.00000000/r-1")).isEqualTo(1);
		assertThat(memory.resolve("pyapp/app.00000000/r-1/memory.limit_in_bytes")).content().isEqualTo("-1");
		assertThat(cgroups.controls("pids")).isFalse();
	}

	@Test
	void listsTheProcessesOfACgroupAndItsChildren() throws IOException {
		Path memory = Files.createDirectories(this.root.resolve("memory"));
		Cgroups cgroups = Cgroups.detect(mounts("cgroup " + memory + " cgroup rw,memory 0 0"), this.root, "pyapp");
		cgroups.prepare("app.00000000/r-1", Isolation.Limits.NONE);
		cgroups.prepare("app.00000000/hook/x-1", Isolation.Limits.NONE);
		Files.writeString(memory.resolve("pyapp/app.00000000/r-1/cgroup.procs"), "10\n11\n");
		Files.writeString(memory.resolve("pyapp/app.00000000/hook/x-1/cgroup.procs"), "12\n");

		assertThat(cgroups.pids("app.00000000")).containsExactlyInAnyOrder(10L, 11L, 12L);
	}

	@Test
	void hasNoneWithoutCgroupMounts() throws IOException {
		Cgroups cgroups = Cgroups.detect(mounts("proc /proc proc rw 0 0"), this.root, "pyapp");

		assertThat(cgroups.kind()).isEqualTo(Cgroups.Kind.NONE);
		assertThat(cgroups.reason()).contains("no cgroup2 file system");
		assertThat(cgroups.prepare("app.00000000/r-1", new Isolation.Limits(1L, 1, 1, 1.0))).isEmpty();
	}

	private Path mounts(String... lines) throws IOException {
		return Files.writeString(this.root.resolve("mounts"), String.join("\n", lines) + "\n");
	}

}
