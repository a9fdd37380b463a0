package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;

/**
 * What this host can do to keep apps apart, found out once and said once in the log:
 * whether the server is root (and so can give apps users of their own), whether
 * bubblewrap runs, which cgroup interface limits processes, and who the web server's user
 * is. Also the apps' cgroups after their processes started: out-of-memory counts, their
 * processes, removal.
 */
@Component
public class HostIsolation {

	private static final Logger logger = LoggerFactory.getLogger(HostIsolation.class);

	/** Limit names as {@code resources.limits} spells them. */
	public static final List<String> LIMITS = List.of("memory", "processes", "open_files", "cpu");

	private final IsolationProperties properties;

	private final SystemAccounts accounts;

	private final boolean root;

	private final AtomicBoolean usersLogged = new AtomicBoolean();

	private volatile @Nullable Optional<String> sandboxProblem;

	private volatile @Nullable Cgroups cgroups;

	private volatile Isolation.@Nullable Account server;

	@Autowired
	HostIsolation(IsolationProperties properties, SystemAccounts accounts) {
		this(properties, accounts, currentUid() == 0);
	}

	HostIsolation(IsolationProperties properties, SystemAccounts accounts, boolean root) {
		this.properties = properties;
		this.accounts = accounts;
		this.root = root;
	}

	/**
	 * Whether the server runs as root.
	 * @return whether it does
	 */
	public boolean root() {
		return this.root;
	}

	/**
	 * The user the server runs as.
	 * @return its account
	 */
	public Isolation.Account serverAccount() {
		Isolation.Account account = this.server;
		if (account == null) {
			int uid = currentUid();
			account = this.accounts.find(uid)
				.map(SystemAccounts.Entry::account)
				.orElseGet(() -> new Isolation.Account(System.getProperty("user.name", "uid" + uid), uid, uid,
						Path.of(System.getProperty("user.home", "/"))));
			this.server = account;
		}
		return account;
	}

	/**
	 * Why apps cannot have users of their own (said in the log the first time).
	 * @return the reason, or empty when they can
	 */
	public Optional<String> usersUnavailable() {
		String reason = null;
		if (!this.properties.users()) {
			reason = "per-app users are switched off (pyapp.isolation.users=false): apps run as the server's user "
					+ serverAccount().name();
		}
		else if (!this.root) {
			reason = "the server runs as " + serverAccount().name() + " (uid " + serverAccount().uid()
					+ "), not root: apps run as its user and are not separated by user";
		}
		else if (!Files.isExecutable(Path.of("/usr/sbin/useradd"))) {
			reason = "/usr/sbin/useradd is missing (Debian package passwd): apps run as the server's user";
		}
		if (reason != null && this.usersLogged.compareAndSet(false, true)) {
			logger.warn("Apps are not separated by user: {}", reason);
		}
		return Optional.ofNullable(reason);
	}

	/**
	 * Why app processes cannot run in a bubblewrap sandbox: tried once with the real
	 * binary, the reason said in the log once.
	 * @return the reason, or empty when they can
	 */
	public Optional<String> sandboxUnavailable() {
		Optional<String> problem = this.sandboxProblem;
		if (problem == null) {
			synchronized (this) {
				problem = this.sandboxProblem;
				if (problem == null) {
					problem = probeSandbox();
					problem.ifPresent((reason) -> logger.warn("Apps run without a sandbox: {}", reason));
					this.sandboxProblem = problem;
				}
			}
		}
		return problem;
	}

	private Optional<String> probeSandbox() {
		if (!this.properties.sandbox()) {
			return Optional.of("the sandbox is switched off (pyapp.isolation.sandbox=false)");
		}
		if (!Files.isExecutable(this.properties.bwrap())) {
			return Optional.of(this.properties.bwrap() + " is missing (Debian package bubblewrap)");
		}
		Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
		ExecRequest probe = ExecRequest.of("/bin/sh", "-c", "exit 0")
			.withTimeout(Duration.ofSeconds(20))
			.isolated(new Isolation(null, new Isolation.Sandbox(List.of(), List.of(), tmp, List.of()),
					Isolation.Limits.NONE, null));
		try {
			ExecResult result = ProcessRunner.exec(probe, command().command(probe, List.of(), true));
			if (!result.succeeded()) {
				return Optional
					.of("bwrap does not run here (exit code " + result.exitCode() + "): " + result.output().strip());
			}
			return Optional.empty();
		}
		catch (NodeException ex) {
			return Optional.of("bwrap does not run here: " + ex.getMessage());
		}
	}

	/**
	 * The cgroup interface in use, found once.
	 * @return {@code cgroup v2}, {@code cgroup v1} or {@code none}
	 */
	public String cgroupLayout() {
		return cgroups().kind().label();
	}

	/**
	 * Why processes cannot be limited by cgroups.
	 * @return the reason, or empty when they can
	 */
	public Optional<String> cgroupsUnavailable() {
		return Optional.ofNullable(cgroups().reason());
	}

	/**
	 * How each limit is enforced for a process tree.
	 * @param ownUser whether the app runs as a user of its own (the process rlimit counts
	 * the user's processes)
	 * @return limit name ({@link #LIMITS}) to the means, {@code none} when it is not
	 */
	public Map<String, String> enforcement(boolean ownUser) {
		Cgroups groups = cgroups();
		String kind = groups.kind().label();
		boolean v2 = groups.kind() == Cgroups.Kind.V2;
		Map<String, String> means = new LinkedHashMap<>();
		means.put("memory",
				groups.controls("memory") ? kind + " (" + (v2 ? "memory.max" : "memory.limit_in_bytes") + ")"
						: "rlimit RLIMIT_AS (address space of each process)");
		means.put("processes", groups.controls("pids") ? kind + " (pids.max, threads included)"
				: (ownUser && this.root) ? "rlimit RLIMIT_NPROC (processes of the app's user)" : "none");
		means.put("open_files", "rlimit RLIMIT_NOFILE (per process)");
		means.put("cpu", groups.controls("cpu") ? kind + " (" + (v2 ? "cpu.max" : "cpu.cfs_quota_us") + ")" : "none");
		return means;
	}

	/**
	 * The user the web server's workers run as.
	 * @return its account, or empty when the host has no such user
	 */
	public Optional<Isolation.Account> webUser() {
		return this.accounts.find(this.properties.webUser()).map(SystemAccounts.Entry::account);
	}

	/**
	 * The name of the web server's user ({@code pyapp.isolation.web-user}).
	 * @return the name
	 */
	public String webUserName() {
		return this.properties.webUser();
	}

	/**
	 * The host directories every sandbox sees read-only.
	 * @return the directories
	 */
	public List<Path> systemDirectories() {
		return this.properties.systemPaths();
	}

	/**
	 * Changes the limits of a running process tree in place, where its cgroup holds them.
	 * Rlimits cannot be changed from outside the sandbox ({@code prlimit --pid} is
	 * refused across its namespaces): when one of them would change, nothing is changed.
	 * @param cgroup the tree's cgroup ({@link Isolation#cgroup()})
	 * @param pid the tree's main process, whose rlimits are compared
	 * @param isolation its new isolation (the limits and whether the user is its own)
	 * @throws NodeException if the limits can only apply from the next start (no cgroups,
	 * a changed rlimit, a value the kernel refuses such as a memory limit below what the
	 * processes use)
	 */
	public void update(String cgroup, long pid, Isolation isolation) {
		Cgroups groups = cgroups();
		if (groups.kind() == Cgroups.Kind.NONE) {
			throw new NodeException("no cgroups here", null);
		}
		Map<String, String> current = rlimits(pid);
		for (String wanted : command().rlimits(isolation.withCgroup(cgroup))) {
			String name = wanted.substring(2, wanted.indexOf('='));
			String value = wanted.substring(wanted.indexOf('=') + 1);
			if (!value.equals(current.get(name))) {
				throw new NodeException("its " + name + " rlimit changes (" + current.get(name) + " to " + value + ")",
						null);
			}
		}
		groups.prepare(cgroup, isolation.limits());
	}

	/**
	 * The rlimits of a process as {@code prlimit} spells them ({@code nofile} to
	 * {@code 4096:4096}).
	 */
	static Map<String, String> rlimits(long pid) {
		Map<String, String> names = Map.of("Max open files", "nofile", "Max address space", "as", "Max processes",
				"nproc");
		Map<String, String> result = new LinkedHashMap<>();
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
				names.forEach((label, name) -> {
					if (line.startsWith(label)) {
						String[] fields = line.substring(label.length()).trim().split("\\s+");
						if (fields.length >= 2) {
							result.put(name, fields[0] + ":" + fields[1]);
						}
					}
				});
			}
		}
		catch (IOException ex) {
			// gone: nothing matches, nothing is changed
		}
		return result;
	}

	/**
	 * How many times the kernel killed a process of a cgroup for memory.
	 * @param cgroup the cgroup ({@link Isolation#cgroup()})
	 * @return the count, 0 when unknown
	 */
	public long oomKills(String cgroup) {
		return cgroups().oomKills(cgroup);
	}

	/**
	 * The processes in a cgroup and below it.
	 * @param cgroup the cgroup
	 * @return their pids
	 */
	public Set<Long> processes(String cgroup) {
		return cgroups().pids(cgroup);
	}

	/**
	 * Kills every process in a cgroup and below it (SIGKILL), then removes the cgroups.
	 * @param cgroup the cgroup
	 */
	public void kill(String cgroup) {
		for (int round = 0; round < 20; round++) {
			Set<Long> pids = cgroups().pids(cgroup);
			if (pids.isEmpty()) {
				break;
			}
			pids.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		remove(cgroup);
	}

	/**
	 * Removes an app's cgroup for good, when the app is removed: from now on no process
	 * tree starts in it or below it (a task that fires, a daemon restarted after a crash:
	 * its start fails with a {@link NodeException}) until {@link #reopen}; then kills
	 * what runs in it and removes it. A cgroup below it that stays busy a moment longer
	 * takes it along when it goes.
	 * @param cgroup the app's cgroup ({@link Isolation#cgroup()})
	 */
	public void retire(String cgroup) {
		cgroups().retire(cgroup);
		kill(cgroup);
	}

	/**
	 * Removes the empty cgroups that tasks, hooks and {@code apps.run} left behind when
	 * the server stopped while they ran ({@code <app's cgroup>/x-…}); never one with a
	 * process in it, nor one of another server's apps, nor one this server made since it
	 * started.
	 * @param suffix how the names of this server's apps' cgroups end, such as
	 * {@code .1a2b3c4d}
	 * @return the cgroups removed, below the parent cgroup
	 */
	public Set<String> removeLeftOverRuns(String suffix) {
		Assert.hasText(suffix, "'suffix' must have text");
		return cgroups().removeLeftOverRuns(suffix);
	}

	/**
	 * Lets processes start in a retired cgroup again (its app is installed again).
	 * @param cgroup the app's cgroup
	 */
	public void reopen(String cgroup) {
		cgroups().reopen(cgroup);
	}

	/**
	 * Removes a cgroup and those below it, when no process is left in them.
	 * @param cgroup the cgroup
	 */
	public void remove(String cgroup) {
		cgroups().remove(cgroup);
	}

	Cgroups cgroups() {
		Cgroups groups = this.cgroups;
		if (groups == null) {
			synchronized (this) {
				groups = this.cgroups;
				if (groups == null) {
					groups = this.root
							? Cgroups.detect(this.properties.mounts(), this.properties.cgroupRoot(),
									this.properties.cgroupParent())
							: Cgroups.none("the server is not root: it cannot create cgroups");
					if (groups.kind() == Cgroups.Kind.NONE) {
						logger.warn("App limits fall back to rlimits: {}", groups.reason());
					}
					else {
						logger.info("App limits use {}", groups);
					}
					this.cgroups = groups;
				}
			}
		}
		return groups;
	}

	IsolatedCommand command() {
		return new IsolatedCommand(this.properties, cgroups(), this.root);
	}

	static int currentUid() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("Uid:")) {
					return Integer.parseInt(line.split("\\s+")[1]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux: treated as an unprivileged user
		}
		return -1;
	}

}
