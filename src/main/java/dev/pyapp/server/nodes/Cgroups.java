package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps' cgroups: cgroup v2 when the cgroup root is a {@code cgroup2} mount, else the
 * v1 hierarchies of the {@code memory}, {@code pids} and {@code cpu} controllers. Every
 * app process tree gets a leaf below {@code <root>/<parent>} (v2) or
 * {@code <root>/<controller>/<parent>} (v1) with its limits written into it; processes
 * join it themselves before they run anything (see {@link IsolatedCommand}).
 * <p>
 * A cgroup {@linkplain #retire retired} with its app is made no more, nor any below it,
 * until it is {@linkplain #reopen reopened}: the check and the making of the directories
 * are one step under this object's lock, so a process tree that starts while its app is
 * removed (a task firing then) either comes first, and the removal kills it, or is
 * refused. The last cgroup below a retired one to go takes it along.
 */
final class Cgroups {

	private static final Logger logger = LoggerFactory.getLogger(Cgroups.class);

	static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");

	static final long CPU_PERIOD = 100_000;

	/**
	 * How the cgroup of a process tree run to its end (a task, a hook, {@code apps.run})
	 * begins: {@code <app's cgroup>/x-<8 hex digits>} ({@link LocalNodeShell#exec}).
	 */
	static final String RUN_PREFIX = "x-";

	/** Which cgroup interface is in use. */
	enum Kind {

		/** The unified hierarchy. */
		V2("cgroup v2"),

		/** Separate hierarchies per controller. */
		V1("cgroup v1"),

		/** No usable cgroups: limits fall back to rlimits. */
		NONE("none");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

		String label() {
			return this.label;
		}

	}

	private final Kind kind;

	private final @Nullable String reason;

	/** v2: the parent cgroup; v1: the parent cgroup per controller. */
	private final Map<String, Path> parents;

	/** The cgroups removed with their apps; guarded by this object. */
	private final Set<String> retired = new HashSet<>();

	/**
	 * The cgroups this object made and has not removed (a process may not have joined one
	 * yet: it is empty, but not left over); guarded by this object.
	 */
	private final Set<String> made = new HashSet<>();

	private Cgroups(Kind kind, @Nullable String reason, Map<String, Path> parents) {
		this.kind = kind;
		this.reason = reason;
		this.parents = Collections.unmodifiableMap(new LinkedHashMap<>(parents));
	}

	static Cgroups none(String reason) {
		return new Cgroups(Kind.NONE, reason, Map.of());
	}

	/**
	 * Finds the cgroup layout of the host and creates the parent cgroup.
	 * @param mounts the mount table ({@code /proc/self/mounts})
	 * @param root where cgroups are mounted ({@code /sys/fs/cgroup})
	 * @param parent the parent cgroup's name
	 * @return the layout ({@link Kind#NONE} with the reason when there is none we can
	 * use)
	 */
	static Cgroups detect(Path mounts, Path root, String parent) {
		List<String[]> table = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(mounts, StandardCharsets.UTF_8)) {
				String[] fields = line.split(" ");
				if (fields.length >= 4) {
					table.add(fields);
				}
			}
		}
		catch (IOException ex) {
			return none("cannot read " + mounts + ": " + ex.getMessage());
		}
		for (String[] fields : table) {
			if (fields[2].equals("cgroup2") && Path.of(unescape(fields[1])).equals(root)) {
				return detectV2(root, parent);
			}
		}
		Map<String, Path> mountpoints = new LinkedHashMap<>();
		for (String[] fields : table) {
			if (!fields[2].equals("cgroup")) {
				continue;
			}
			Set<String> options = Set.of(fields[3].split(","));
			for (String controller : CONTROLLERS) {
				if (options.contains(controller) && Path.of(unescape(fields[1])).startsWith(root)) {
					mountpoints.putIfAbsent(controller, Path.of(unescape(fields[1])));
				}
			}
		}
		if (mountpoints.isEmpty()) {
			return none("no cgroup2 file system at " + root + " and no cgroup v1 hierarchy of memory, pids or cpu");
		}
		Map<String, Path> parents = new LinkedHashMap<>();
		List<String> problems = new ArrayList<>();
		mountpoints.forEach((controller, mountpoint) -> {
			Path dir = mountpoint.resolve(parent);
			try {
				Files.createDirectories(dir);
				parents.put(controller, dir);
			}
			catch (IOException ex) {
				problems.add("cannot create " + dir + ": " + ex.getMessage());
			}
		});
		if (parents.isEmpty()) {
			return none(String.join("; ", problems));
		}
		if (!problems.isEmpty()) {
			logger.warn("cgroup v1: {}", String.join("; ", problems));
		}
		return new Cgroups(Kind.V1, null, parents);
	}

	private static Cgroups detectV2(Path root, String parent) {
		Set<String> available;
		try {
			available = Set.of(Files.readString(root.resolve("cgroup.controllers")).trim().split("\\s+"));
		}
		catch (IOException ex) {
			return none("cannot read " + root.resolve("cgroup.controllers") + ": " + ex.getMessage());
		}
		Path dir = root.resolve(parent);
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			return none("cannot create " + dir + ": " + ex.getMessage());
		}
		Map<String, Path> parents = new LinkedHashMap<>();
		for (String controller : CONTROLLERS) {
			if (available.contains(controller) && enable(root, controller)) {
				parents.put(controller, dir);
			}
		}
		if (parents.isEmpty()) {
			return none("cgroup v2 at " + root + " offers none of memory, pids, cpu to " + dir);
		}
		return new Cgroups(Kind.V2, null, parents);
	}

	Kind kind() {
		return this.kind;
	}

	@Nullable String reason() {
		return this.reason;
	}

	/**
	 * Whether a controller limits the apps.
	 * @param controller {@code memory}, {@code pids} or {@code cpu}
	 * @return whether it does
	 */
	boolean controls(String controller) {
		return this.parents.containsKey(controller);
	}

	/**
	 * Creates a cgroup (or takes the existing one) and writes its limits.
	 * @param cgroup its path below the parent
	 * @param limits the limits
	 * @return the {@code cgroup.procs} files a process writes its pid to
	 * @throws NodeException if the cgroup cannot be made, or it is (below) a
	 * {@linkplain #retire retired} one
	 */
	List<Path> prepare(String cgroup, Isolation.Limits limits) {
		if (this.kind == Kind.NONE) {
			return List.of();
		}
		synchronized (this) {
			String gone = retiredAt(cgroup, true);
			if (gone != null) {
				throw new NodeException("the cgroup " + gone + " was removed with its app: nothing starts in it", null);
			}
			return make(cgroup, limits);
		}
	}

	private List<Path> make(String cgroup, Isolation.Limits limits) {
		this.made.add(cgroup);
		Set<Path> dirs = directories(cgroup);
		try {
			for (Path dir : dirs) {
				if (this.kind == Kind.V2) {
					// every level above the leaf hands the controllers down
					Path parent = this.parents.values().iterator().next();
					Path level = parent;
					for (Path part : parent.relativize(dir)) {
						enableAll(level);
						level = level.resolve(part);
						Files.createDirectories(level);
					}
				}
				else {
					Files.createDirectories(dir);
				}
			}
			writeLimits(cgroup, limits);
		}
		catch (IOException ex) {
			throw new NodeException("cannot set up the cgroup " + cgroup + ": " + ex.getMessage(), ex);
		}
		return dirs.stream().map((dir) -> dir.resolve("cgroup.procs")).toList();
	}

	private void writeLimits(String cgroup, Isolation.Limits limits) throws IOException {
		Path memory = directory("memory", cgroup);
		Path pids = directory("pids", cgroup);
		Path cpu = directory("cpu", cgroup);
		if (this.kind == Kind.V2) {
			if (memory != null) {
				write(memory.resolve("memory.max"), (limits.memory() != null) ? limits.memory().toString() : "max");
				writeIfPresent(memory.resolve("memory.swap.max"), (limits.memory() != null) ? "0" : "max");
			}
			if (pids != null) {
				write(pids.resolve("pids.max"), (limits.processes() != null) ? limits.processes().toString() : "max");
			}
			if (cpu != null) {
				write(cpu.resolve("cpu.max"),
						((limits.cpus() != null) ? Long.toString(quota(limits.cpus())) : "max") + " " + CPU_PERIOD);
			}
			return;
		}
		if (memory != null) {
			// the swap limit may never be below the memory limit: open it first
			writeIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), "-1");
			write(memory.resolve("memory.limit_in_bytes"),
					(limits.memory() != null) ? limits.memory().toString() : "-1");
			if (limits.memory() != null) {
				writeIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), limits.memory().toString());
			}
		}
		if (pids != null) {
			write(pids.resolve("pids.max"), (limits.processes() != null) ? limits.processes().toString() : "max");
		}
		if (cpu != null) {
			write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD));
			write(cpu.resolve("cpu.cfs_quota_us"),
					(limits.cpus() != null) ? Long.toString(quota(limits.cpus())) : "-1");
		}
	}

	static long quota(double cpus) {
		return Math.max(1000, Math.round(cpus * CPU_PERIOD));
	}

	/**
	 * How many times the kernel killed a process of the cgroup for memory.
	 * @param cgroup the cgroup
	 * @return the count (0 when unknown)
	 */
	long oomKills(String cgroup) {
		Path memory = directory("memory", cgroup);
		if (memory == null) {
			return 0;
		}
		Path file = memory.resolve((this.kind == Kind.V2) ? "memory.events" : "memory.oom_control");
		try {
			for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
				String[] parts = line.trim().split("\\s+");
				if (parts.length == 2 && parts[0].equals("oom_kill")) {
					return Long.parseLong(parts[1]);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// no such cgroup (any more), or a kernel without the counter
		}
		return 0;
	}

	/**
	 * The processes in a cgroup and the cgroups below it.
	 * @param cgroup the cgroup
	 * @return their pids
	 */
	Set<Long> pids(String cgroup) {
		Set<Long> pids = new LinkedHashSet<>();
		for (Path dir : directories(cgroup)) {
			for (Path group : tree(dir)) {
				try {
					for (String line : Files.readAllLines(group.resolve("cgroup.procs"))) {
						if (!line.isBlank()) {
							pids.add(Long.parseLong(line.trim()));
						}
					}
				}
				catch (IOException | NumberFormatException ex) {
					// removed meanwhile
				}
			}
		}
		return pids;
	}

	/**
	 * Removes a cgroup and those below it; a cgroup that still has processes stays.
	 * @param cgroup the cgroup
	 * @return whether every directory is gone
	 */
	boolean remove(String cgroup) {
		boolean all = removeTree(cgroup);
		if (all && this.kind != Kind.NONE) {
			synchronized (this) {
				this.made.removeIf((made) -> made.equals(cgroup) || made.startsWith(cgroup + "/"));
				// the last one out below a retired cgroup takes it along (a process that
				// joined its cgroup while the removal killed kept the retired one busy)
				String gone = retiredAt(cgroup, false);
				if (gone != null) {
					removeTree(gone);
				}
			}
		}
		return all;
	}

	/**
	 * Removes the empty cgroups of process trees run to their end ({@link #RUN_PREFIX})
	 * below the apps' cgroups whose names end in {@code suffix}, which a server that
	 * stopped while they ran left behind. A cgroup with a process or a cgroup below it
	 * stays, as does one this object made (its process may be about to join it).
	 * @param suffix how the names of the apps' cgroups end, such as {@code .1a2b3c4d}
	 * (the server's home: those of another home are not touched)
	 * @return the cgroups removed, below the parent ({@code guestbook.1a2b3c4d/x-…})
	 */
	synchronized Set<String> removeLeftOverRuns(String suffix) {
		Set<String> runs = new TreeSet<>();
		for (Path parent : new LinkedHashSet<>(this.parents.values())) {
			for (Path app : subdirectories(parent, suffix)) {
				for (Path run : subdirectories(app, "")) {
					if (run.getFileName().toString().startsWith(RUN_PREFIX)) {
						runs.add(parent.relativize(run).toString());
					}
				}
			}
		}
		Set<String> removed = new TreeSet<>();
		for (String cgroup : runs) {
			// a process tree joins the cgroup in every hierarchy (v1): busy in one is
			// busy
			if (this.made.contains(cgroup) || !directories(cgroup).stream().allMatch(Cgroups::empty)) {
				continue;
			}
			if (removeTree(cgroup)) {
				removed.add(cgroup);
			}
		}
		return removed;
	}

	/** Whether a cgroup (if there is one) has neither a process nor a cgroup below it. */
	private static boolean empty(Path cgroup) {
		if (!Files.isDirectory(cgroup, LinkOption.NOFOLLOW_LINKS)) {
			return true;
		}
		if (!subdirectories(cgroup, "").isEmpty()) {
			return false;
		}
		Path procs = cgroup.resolve("cgroup.procs");
		if (!Files.exists(procs)) {
			return true;
		}
		try {
			return Files.readAllLines(procs, StandardCharsets.US_ASCII).stream().allMatch(String::isBlank);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The directories in a directory whose names end in {@code suffix}, links not
	 * followed.
	 */
	private static List<Path> subdirectories(Path dir, String suffix) {
		List<Path> result = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
				(entry) -> entry.getFileName().toString().endsWith(suffix)
						&& Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))) {
			entries.forEach(result::add);
		}
		catch (IOException ex) {
			// no such directory (any more)
		}
		return result;
	}

	/**
	 * Retires a cgroup for good (its app is removed): neither it nor any cgroup below it
	 * is made again until {@link #reopen}. What already runs in it is the caller's to
	 * kill.
	 * @param cgroup the cgroup
	 */
	synchronized void retire(String cgroup) {
		this.retired.add(cgroup);
	}

	/**
	 * Lets a retired cgroup be made again (its app is installed again).
	 * @param cgroup the cgroup
	 */
	synchronized void reopen(String cgroup) {
		this.retired.remove(cgroup);
	}

	/**
	 * The retired cgroup a cgroup is in, guarded by this object.
	 * @param cgroup the cgroup
	 * @param itself whether the cgroup itself counts, or only those above it
	 * @return the retired cgroup, or {@code null}
	 */
	private @Nullable String retiredAt(String cgroup, boolean itself) {
		if (itself && this.retired.contains(cgroup)) {
			return cgroup;
		}
		for (int slash = cgroup.indexOf('/'); slash > 0; slash = cgroup.indexOf('/', slash + 1)) {
			String above = cgroup.substring(0, slash);
			if (this.retired.contains(above)) {
				return above;
			}
		}
		return null;
	}

	private boolean removeTree(String cgroup) {
		boolean all = true;
		for (Path dir : directories(cgroup)) {
			List<Path> groups = tree(dir);
			for (int i = groups.size() - 1; i >= 0; i--) {
				try {
					Files.deleteIfExists(groups.get(i));
				}
				catch (IOException ex) {
					all = false;
					logger.debug("Cannot remove the cgroup {}: {}", groups.get(i), ex.getMessage());
				}
			}
		}
		return all;
	}

	@Nullable Path directory(String controller, String cgroup) {
		Path parent = this.parents.get(controller);
		return (parent != null) ? parent.resolve(cgroup) : null;
	}

	private Set<Path> directories(String cgroup) {
		Set<Path> dirs = new LinkedHashSet<>();
		for (String controller : this.parents.keySet()) {
			dirs.add(directory(controller, cgroup));
		}
		return dirs;
	}

	/** A directory and every cgroup below it, parents first. */
	private static List<Path> tree(Path dir) {
		List<Path> result = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return result;
		}
		result.add(dir);
		try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
			for (Path child : children) {
				result.addAll(tree(child));
			}
		}
		catch (IOException ex) {
			// removed meanwhile
		}
		return result;
	}

	private void enableAll(Path level) throws IOException {
		for (String controller : this.parents.keySet()) {
			if (!enable(level, controller)) {
				throw new IOException("cannot enable the " + controller + " controller in " + level);
			}
		}
	}

	private static boolean enable(Path level, String controller) {
		Path control = level.resolve("cgroup.subtree_control");
		try {
			String enabled = Files.exists(control) ? Files.readString(control) : "";
			if (List.of(enabled.trim().split("\\s+")).contains(controller)) {
				return true;
			}
			Files.writeString(control, "+" + controller);
			return true;
		}
		catch (IOException ex) {
			logger.debug("Cannot enable {} in {}: {}", controller, level, ex.getMessage());
			return false;
		}
	}

	private static void write(Path file, String value) throws IOException {
		Files.writeString(file, value, StandardCharsets.US_ASCII);
	}

	private static void writeIfPresent(Path file, String value) {
		if (!Files.exists(file)) {
			return;
		}
		try {
			write(file, value);
		}
		catch (IOException ex) {
			logger.debug("Cannot write {} to {}: {}", value, file, ex.getMessage());
		}
	}

	private static String unescape(String field) {
		// the mount table escapes blanks as \040
		return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\");
	}

	@Override
	public String toString() {
		return this.kind.label() + " " + this.parents.keySet().toString().toLowerCase(Locale.ROOT);
	}

}
