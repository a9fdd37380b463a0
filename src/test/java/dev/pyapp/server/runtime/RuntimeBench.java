package dev.pyapp.server.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.venv.VenvBuilder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The runtime benchmark ({@code bench/runtime.sh}): install to the first 200 over the
 * socket, upgrade to the first answer of the new version, both the median of 5, and the
 * resident memory of one app's daemon. Prints a table and writes
 * {@code bench/results/runtime.json}.
 */
public final class RuntimeBench {

	private static final AppId APP = AppId.of("guestbook");

	private RuntimeBench() {
	}

	public static void main(String[] args) throws Exception {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		Path home = Files.createTempDirectory(Path.of("/tmp"), "pb");
		Path fixtures = Files.createTempDirectory("pyapp-bench");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PyappServerApplication.class).run(
				"--pyapp.home=" + home, "--pyapp.storage.persistent=false", "--server.port=0",
				"--pyapp.python.index=" + TestArchives.INDEX, "--logging.level.root=warn");
		try {
			context.getBean(VenvBuilder.class).awaitProvisioning(java.time.Duration.ofMinutes(5));
			AppDeployer deployer = context.getBean(AppDeployer.class);
			AppSupervisor supervisor = context.getBean(AppSupervisor.class);
			Path socket = home.resolve("apps/guestbook/run/app.sock");
			Path first = TestArchives.guestbook(fixtures, "1.0.0");

			List<Double> installs = new ArrayList<>();
			for (int i = 0; i < runs; i++) {
				long start = System.nanoTime();
				deployer.install(InstallRequest.archive(first, "guestbook.pyapp"));
				awaitStatus(socket, "/health", null);
				installs.add(millis(start));
				if (i < runs - 1) {
					deployer.remove(APP, false);
				}
			}

			List<Double> upgrades = new ArrayList<>();
			for (int i = 0; i < runs; i++) {
				String version = "1.1." + i;
				Path archive = TestArchives.guestbook(fixtures, version);
				long start = System.nanoTime();
				deployer.install(InstallRequest.archive(archive, "guestbook-" + version + ".pyapp"));
				awaitStatus(socket, "/version", version);
				upgrades.add(millis(start));
			}

			long pid = supervisor.status(APP).pid();
			long rss = rssKiB(pid);
			long workers = ProcessHandle.of(pid).orElseThrow().descendants().count();
			for (ProcessHandle child : ProcessHandle.of(pid).orElseThrow().descendants().toList()) {
				rss += rssKiB(child.pid());
			}
			deployer.remove(APP, false);

			Map<String, Object> results = new LinkedHashMap<>();
			results.put("runs", runs);
			results.put("install_to_first_200_ms_median", median(installs));
			results.put("install_to_first_200_ms", installs);
			results.put("upgrade_to_new_version_ms_median", median(upgrades));
			results.put("upgrade_to_new_version_ms", upgrades);
			results.put("daemon_rss_kib", rss);
			results.put("daemon_processes", 1 + workers);
			results.put("cpus", Runtime.getRuntime().availableProcessors());
			results.put("load_average", Files.readString(Path.of("/proc/loadavg")).trim());
			Path out = Path.of("bench/results/runtime.json");
			Files.createDirectories(out.getParent());
			Files.writeString(out,
					JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
			print(results);
		}
		finally {
			context.close();
			killDaemons(home);
			AtomicFiles.deleteTree(home);
			AtomicFiles.deleteTree(fixtures);
		}
	}

	private static void awaitStatus(Path socket, String path, String body) throws InterruptedException {
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (System.nanoTime() < deadline) {
			try {
				HttpProbe.Response response = HttpProbe.get(socket, path);
				if (response.status() == 200 && (body == null || response.body().equals(body))) {
					return;
				}
			}
			catch (IOException ex) {
				// not yet
			}
			Thread.sleep(5);
		}
		throw new IllegalStateException("no 200 from " + path + " within 60 s");
	}

	private static double millis(long start) {
		return Math.round((System.nanoTime() - start) / 100_000.0) / 10.0;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static long rssKiB(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return 0;
	}

	private static void print(Map<String, Object> results) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, "%-40s %s%n", "metric", "value"));
		results.forEach((key, value) -> table.append(String.format(Locale.ROOT, "%-40s %s%n", key, value)));
		// the benchmark is a command-line program: its table is its output
		java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
				true);
		out.print(table);
	}

	private static void killDaemons(Path home) throws IOException {
		Path apps = home.resolve("apps");
		if (!Files.isDirectory(apps)) {
			return;
		}
		try (Stream<Path> files = Files.walk(apps)) {
			for (Path pidFile : files.filter((file) -> file.getFileName().toString().equals("app.pid")).toList()) {
				try {
					ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
						.ifPresent(ProcessHandle::destroy);
				}
				catch (IOException | NumberFormatException ex) {
					// gone already
				}
			}
		}
	}

}
