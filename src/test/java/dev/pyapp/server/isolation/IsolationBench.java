package dev.pyapp.server.isolation;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.mount.HttpLoad;
import dev.pyapp.server.venv.VenvBuilder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of isolation ({@code bench/isolation.sh}, issue 12): one hello-world app
 * (gunicorn gthread, one process, 8 threads, unix socket) installed on two servers in one
 * run, {@code sandboxed} (the defaults as root: a user of its own, bubblewrap, cgroup
 * limits) and {@code unisolated} (users, sandbox, cgroups and limits switched off). The
 * install to the first 200 is timed ROUNDS times per server, the servers alternating;
 * then both daemons are loaded alternately (closed loop, keep-alive, ROUNDS rounds of
 * SECONDS each, the order swapped every round) for requests per second and CPU time per
 * request of the daemon's process tree; the medians count. The resident memory of each
 * daemon is read at the end. Prints a table and writes the results file.
 * <p>
 * The two servers never run at once: each round starts a server, installs, and closes it;
 * the daemons outlive their servers by design, so both are measured side by side.
 */
public final class IsolationBench {

	private static final AppId APP = AppId.of("hello");

	private static final JsonMapper json = JsonMapper.builder().build();

	private IsolationBench() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		Duration seconds = Duration.ofSeconds((args.length > 1) ? Integer.parseInt(args[1]) : 5);
		int connections = (args.length > 2) ? Integer.parseInt(args[2]) : 16;
		Path out = Path.of((args.length > 3) ? args[3] : "bench/results/isolation.json");
		String index = (args.length > 4) ? args[4] : "file:///opt/pypi/simple";
		Path fixtures = Files.createTempDirectory("pyapp-bench-isolation");
		Path archive = hello(fixtures);
		List<Server> servers = List.of(
				new Server("sandboxed", Files.createTempDirectory(Path.of("/tmp"), "pbs"), List.of()),
				new Server("unisolated", Files.createTempDirectory(Path.of("/tmp"), "pbu"),
						List.of("--pyapp.isolation.users=false", "--pyapp.isolation.sandbox=false",
								"--pyapp.isolation.mounts=/dev/null", "--pyapp.runtime.limits.memory=0",
								"--pyapp.runtime.limits.processes=0", "--pyapp.runtime.limits.open-files=0")));
		Map<String, Object> results = new LinkedHashMap<>();
		try {
			Map<String, List<Double>> installs = new LinkedHashMap<>();
			Map<String, Object> isolation = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (Server server : ordered(servers, round)) {
					try (ConfigurableApplicationContext context = server.start(index)) {
						long start = System.nanoTime();
						context.getBean(AppDeployer.class).install(InstallRequest.archive(archive, "hello.pyapp"));
						awaitOk(server.socket());
						installs.computeIfAbsent(server.name(), (key) -> new ArrayList<>()).add(millis(start));
						isolation.put(server.name(), context.getBean(AppIsolation.class).status(APP, null));
						if (round < rounds - 1) {
							context.getBean(AppDeployer.class).remove(APP, false);
						}
					}
				}
			}
			Map<String, List<Double>> rps = new LinkedHashMap<>();
			Map<String, List<Double>> cpu = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (Server server : ordered(servers, round)) {
					new HttpLoad(HttpLoad.unix(server.socket()), "bench.test", "/", connections)
						.runFor(Duration.ofMillis(500));
					long pid = server.pid();
					double cpuBefore = cpuSeconds(pid);
					HttpLoad load = new HttpLoad(HttpLoad.unix(server.socket()), "bench.test", "/", connections)
						.runFor(seconds);
					double cpuAfter = cpuSeconds(pid);
					if (load.failed.get() > 0) {
						throw new IllegalStateException(server.name() + ": " + load.failed.get() + " failed requests, "
								+ load.errors.subList(0, Math.min(3, load.errors.size())));
					}
					rps.computeIfAbsent(server.name(), (key) -> new ArrayList<>())
						.add(round1(load.ok.get() / (seconds.toMillis() / 1000.0)));
					cpu.computeIfAbsent(server.name(), (key) -> new ArrayList<>())
						.add(round1((cpuAfter - cpuBefore) / Math.max(1, load.ok.get()) * 1e6));
				}
			}
			Map<String, Long> rss = new LinkedHashMap<>();
			for (Server server : servers) {
				rss.put(server.name(), rssKiB(server.pid()));
			}
			results.put("benchmark", "cost of isolation: a user per app, bubblewrap, cgroup limits (issue 12)");
			results.put("app", "hello world, gunicorn 1 process gthread 8 threads, unix socket");
			results.put("rounds", rounds);
			results.put("seconds_per_round", seconds.toSeconds());
			results.put("connections", connections);
			results.put("isolation", isolation);
			results.put("install_to_first_200_ms", installs);
			results.put("requests_per_second", rps);
			results.put("cpu_microseconds_per_request", cpu);
			results.put("daemon_rss_kib", rss);
			Map<String, Object> median = new LinkedHashMap<>();
			for (Server server : servers) {
				Map<String, Object> one = new LinkedHashMap<>();
				one.put("install_to_first_200_ms", median(installs.get(server.name())));
				one.put("requests_per_second", median(rps.get(server.name())));
				one.put("cpu_microseconds_per_request", median(cpu.get(server.name())));
				median.put(server.name(), one);
			}
			results.put("median", median);
			double throughput = median(rps.get("sandboxed")) / median(rps.get("unisolated"));
			double cpuRatio = median(cpu.get("unisolated")) / median(cpu.get("sandboxed"));
			double install = median(installs.get("sandboxed")) / median(installs.get("unisolated"));
			results.put("throughput_ratio_sandboxed_to_unisolated", round4(throughput));
			results.put("cpu_per_request_ratio_unisolated_to_sandboxed", round4(cpuRatio));
			results.put("install_time_ratio_sandboxed_to_unisolated", round4(install));
			results.put("goals", Map.of("throughput_ratio", ">= 0.97", "install_time_ratio", "<= 1.10"));
			results.put("met", Map.of("throughput", throughput >= 0.97, "cpu_per_request", cpuRatio >= 0.97,
					"install_time", install <= 1.10));
			results.put("cpus", Runtime.getRuntime().availableProcessors());
			results.put("load_average_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
			Files.createDirectories(out.toAbsolutePath().getParent());
			Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
			print(results);
		}
		finally {
			for (Server server : servers) {
				server.removeApp(index);
			}
			AtomicFiles.deleteTree(fixtures);
		}
	}

	/** Alternates which server goes first, so that a busy neighbour hits both alike. */
	private static List<Server> ordered(List<Server> servers, int round) {
		List<Server> order = new ArrayList<>(servers);
		if (round % 2 == 1) {
			java.util.Collections.reverse(order);
		}
		return order;
	}

	private static Path hello(Path dir) throws IOException {
		Path archive = dir.resolve("hello.pyapp");
		try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(archive))) {
			Map<String, String> entries = new LinkedHashMap<>();
			entries.put("metadata.yaml",
					String.join("\n", "format: 1", "name: hello", "version: 1.0.0", "entry:",
							"  wsgi: hello:application", "daemon:",
							// its load speaks HTTP to the app's socket: gunicorn,
							// whatever auto picks
							"  server: gunicorn", "  method: threading", "  workers: 1", "  threads: 8", ""));
			entries.put("src/hello.py",
					String.join("\n", "def application(environ, start_response):",
							"    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '12')])",
							"    return [b'hello world\\n']", ""));
			for (Map.Entry<String, String> entry : entries.entrySet()) {
				zip.putNextEntry(new java.util.zip.ZipEntry(entry.getKey()));
				zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
				zip.closeEntry();
			}
		}
		return archive;
	}

	private static void awaitOk(Path socket) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				HttpLoad probe = new HttpLoad(HttpLoad.unix(socket), "bench.test", "/", 1);
				probe.runFor(Duration.ofMillis(20));
				if (probe.ok.get() > 0) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// not yet
			}
			Thread.sleep(5);
		}
		throw new IllegalStateException("no 200 from " + socket + " within 2 minutes");
	}

	/** CPU seconds (user + system, waited-for children included) of a process tree. */
	private static double cpuSeconds(long root) throws IOException {
		Map<Long, List<Long>> children = new HashMap<>();
		Map<Long, Long> ticks = new HashMap<>();
		try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path entry : entries) {
				try {
					String line = Files.readString(entry.resolve("stat"));
					String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
					long pid = Long.parseLong(entry.getFileName().toString());
					children.computeIfAbsent(Long.parseLong(fields[1]), (key) -> new ArrayList<>()).add(pid);
					ticks.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
							+ Long.parseLong(fields[14]));
				}
				catch (IOException | RuntimeException ex) {
					// ended while the table was read
				}
			}
		}
		long total = 0;
		List<Long> pending = new ArrayList<>(List.of(root));
		while (!pending.isEmpty()) {
			long pid = pending.remove(pending.size() - 1);
			total += ticks.getOrDefault(pid, 0L);
			pending.addAll(children.getOrDefault(pid, List.of()));
		}
		return total / 100.0;
	}

	private static long rssKiB(long root) throws IOException {
		long total = 0;
		List<Long> pids = new ArrayList<>(List.of(root));
		ProcessHandle.of(root).ifPresent((handle) -> handle.descendants().forEach((child) -> pids.add(child.pid())));
		for (long pid : pids) {
			try {
				for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
					if (line.startsWith("VmRSS:")) {
						total += Long.parseLong(line.replaceAll("[^0-9]", ""));
					}
				}
			}
			catch (IOException ex) {
				// ended meanwhile
			}
		}
		return total;
	}

	private static double millis(long start) {
		return Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
	}

	private static double round1(double value) {
		return Math.round(value * 10) / 10.0;
	}

	private static double round4(double value) {
		return Math.round(value * 10_000) / 10_000.0;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static void print(Map<String, Object> results) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, "%-12s %22s %14s %16s %14s%n", "server", "install->200 ms (med)",
				"req/s (med)", "CPU us/request", "daemon RSS KiB"));
		@SuppressWarnings("unchecked")
		Map<String, Map<String, Object>> median = (Map<String, Map<String, Object>>) results.get("median");
		@SuppressWarnings("unchecked")
		Map<String, Long> rss = (Map<String, Long>) results.get("daemon_rss_kib");
		median.forEach((name,
				one) -> table.append(String.format(Locale.ROOT, "%-12s %22s %14s %16s %14s%n", name,
						one.get("install_to_first_200_ms"), one.get("requests_per_second"),
						one.get("cpu_microseconds_per_request"), rss.get(name))));
		table.append(String.format(Locale.ROOT,
				"throughput sandboxed/unisolated %s (goal >= 0.97); CPU per request "
						+ "unisolated/sandboxed %s; install time sandboxed/unisolated %s (goal <= 1.10)%n",
				results.get("throughput_ratio_sandboxed_to_unisolated"),
				results.get("cpu_per_request_ratio_unisolated_to_sandboxed"),
				results.get("install_time_ratio_sandboxed_to_unisolated")));
		table.append("load average: ").append(results.get("load_average_at_end")).append('\n');
		// the benchmark is a command-line program: its table is its output
		PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
		stdout.print(table);
	}

	/**
	 * One server of the comparison.
	 *
	 * @param name {@code sandboxed} or {@code unisolated}
	 * @param home its {@code PYAPP_HOME}
	 * @param arguments what it runs with besides the common arguments
	 */
	private record Server(String name, Path home, List<String> arguments) {

		ConfigurableApplicationContext start(String index) {
			List<String> all = new ArrayList<>(List.of("--pyapp.home=" + this.home, "--pyapp.storage.persistent=true",
					"--server.port=0", "--pyapp.python.index=" + index, "--pyapp.python.provision=true",
					"--logging.level.root=warn"));
			all.addAll(this.arguments);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(PyappServerApplication.class)
				.run(all.toArray(String[]::new));
			context.getBean(VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(5));
			return context;
		}

		Path socket() {
			return this.home.resolve("apps/hello/run/app.sock");
		}

		long pid() throws IOException {
			return Long.parseLong(Files.readString(this.home.resolve("apps/hello/run/app.pid")).trim());
		}

		/**
		 * Removes the app through the server (its daemon, cgroup and user), then the
		 * home.
		 */
		void removeApp(String index) {
			try (ConfigurableApplicationContext context = start(index)) {
				context.getBean(AppDeployer.class).remove(APP, false);
			}
			catch (RuntimeException ex) {
				// not installed (a failed first round): what is left is deleted below
			}
			finally {
				TestAccounts.deleteUnder(this.home);
				AtomicFiles.deleteTree(this.home);
			}
		}

	}

}
