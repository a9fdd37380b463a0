package dev.pyapp.server.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * Reads an app daemon's usage from {@code /proc}: the CPU time and resident memory of the
 * main process and all its descendants (found by their parent pids), plus the memory
 * limit of the cgroup the main process is in (cgroup v2 {@code memory.max} or v1
 * {@code memory.limit_in_bytes}), when that limit is below the host's memory. The process
 * table is read at most once per {@link #MAX_AGE_NANOS}, however many apps ask.
 */
class ProcfsUsageSource implements AppUsageSource {

	/** {@code USER_HZ}: the unit of the times in {@code /proc/<pid>/stat} on Linux. */
	static final double CLOCK_TICKS = 100.0;

	static final long MAX_AGE_NANOS = 500_000_000L;

	private final Path proc;

	private final Path cgroupRoot;

	private @Nullable Table table;

	ProcfsUsageSource() {
		this(Path.of("/proc"), Path.of("/sys/fs/cgroup"));
	}

	ProcfsUsageSource(Path proc, Path cgroupRoot) {
		this.proc = proc;
		this.cgroupRoot = cgroupRoot;
	}

	@Override
	public Optional<AppUsage> usage(AppId app, long pid) {
		Table current = table();
		Stat root = current.stats().get(pid);
		if (root == null) {
			return Optional.empty();
		}
		double ticks = 0;
		long memory = 0;
		Deque<Long> pending = new ArrayDeque<>();
		pending.add(pid);
		int seen = 0;
		while (!pending.isEmpty() && seen++ < 100_000) {
			long next = pending.poll();
			Stat stat = current.stats().get(next);
			if (stat == null) {
				continue;
			}
			// the times of children that ended and were waited for are in c*time
			ticks += stat.utime() + stat.stime() + stat.cutime() + stat.cstime();
			memory += residentBytes(next);
			pending.addAll(current.children().getOrDefault(next, List.of()));
		}
		return Optional.of(new AppUsage(ticks / CLOCK_TICKS, memory, memoryLimit(pid)));
	}

	private synchronized Table table() {
		long now = System.nanoTime();
		Table current = this.table;
		if (current != null && now - current.read() < MAX_AGE_NANOS) {
			return current;
		}
		Map<Long, Stat> stats = new HashMap<>();
		Map<Long, List<Long>> children = new HashMap<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.proc, "[0-9]*")) {
			for (Path entry : entries) {
				Stat stat = stat(entry.resolve("stat"));
				if (stat != null) {
					stats.put(stat.pid(), stat);
					children.computeIfAbsent(stat.ppid(), (key) -> new ArrayList<>()).add(stat.pid());
				}
			}
		}
		catch (IOException ex) {
			// no /proc (not Linux): every app's usage stays unknown
		}
		current = new Table(now, stats, children);
		this.table = current;
		return current;
	}

	/**
	 * One {@code /proc/<pid>/stat} line: the command name in parentheses may hold spaces
	 * and parentheses itself, so the fields are counted from the last {@code ')'}.
	 */
	static @Nullable Stat parseStat(String line) {
		int open = line.indexOf('(');
		int close = line.lastIndexOf(')');
		if (open < 1 || close < open) {
			return null;
		}
		String[] fields = line.substring(close + 2).trim().split(" ");
		// fields[0] is field 3 (state): ppid is 4, utime 14, stime 15, cutime 16,
		// cstime 17
		if (fields.length < 15) {
			return null;
		}
		try {
			return new Stat(Long.parseLong(line.substring(0, open).trim()), Long.parseLong(fields[1]),
					Long.parseLong(fields[11]), Long.parseLong(fields[12]), Long.parseLong(fields[13]),
					Long.parseLong(fields[14]));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static @Nullable Stat stat(Path file) {
		try {
			return parseStat(Files.readString(file, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// the process ended while the table was read
			return null;
		}
	}

	private long residentBytes(long pid) {
		try {
			for (String line : Files.readAllLines(this.proc.resolve(Long.toString(pid)).resolve("status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// ended meanwhile, or a kernel thread without VmRSS: nothing resident
		}
		return 0;
	}

	/**
	 * The memory limit of the cgroup the process is in, when one is set below the host's
	 * memory.
	 */
	@Nullable Long memoryLimit(long pid) {
		List<String> lines;
		try {
			lines = Files.readAllLines(this.proc.resolve(Long.toString(pid)).resolve("cgroup"));
		}
		catch (IOException ex) {
			return null;
		}
		Long limit = null;
		for (String line : lines) {
			String[] parts = line.split(":", 3);
			if (parts.length != 3 || parts[2].contains("..")) {
				continue;
			}
			String path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
			if ("0".equals(parts[0]) && parts[1].isEmpty()) {
				limit = min(limit, readLimit(this.cgroupRoot.resolve(path).resolve("memory.max")));
			}
			else if (List.of(parts[1].split(",")).contains("memory")) {
				limit = min(limit,
						readLimit(this.cgroupRoot.resolve("memory").resolve(path).resolve("memory.limit_in_bytes")));
			}
		}
		Long total = hostMemory();
		return (limit != null && (total == null || limit < total)) ? limit : null;
	}

	private static @Nullable Long min(@Nullable Long a, @Nullable Long b) {
		// no conditional expression here: mixing Long and long would unbox a null
		if (a == null) {
			return b;
		}
		if (b == null) {
			return a;
		}
		return Long.valueOf(Math.min(a, b));
	}

	private static @Nullable Long readLimit(Path file) {
		try {
			String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
			return "max".equals(text) ? null : Long.parseLong(text);
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

	private @Nullable Long hostMemory() {
		try {
			for (String line : Files.readAllLines(this.proc.resolve("meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					return Long.parseLong(line.substring(9).replace("kB", "").trim()) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// unknown: any limit found counts
		}
		return null;
	}

	/**
	 * The fields of {@code /proc/<pid>/stat} used here; times in clock ticks.
	 */
	record Stat(long pid, long ppid, long utime, long stime, long cutime, long cstime) {
	}

	private record Table(long read, Map<Long, Stat> stats, Map<Long, List<Long>> children) {
	}

}
