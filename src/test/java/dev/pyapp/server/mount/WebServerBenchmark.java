package dev.pyapp.server.mount;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.pyapp.server.mount.internal.ApacheRenderer;
import dev.pyapp.server.mount.internal.ConfigRenderer;
import dev.pyapp.server.mount.internal.LighttpdRenderer;
import dev.pyapp.server.mount.internal.MountTarget;
import dev.pyapp.server.mount.internal.MountTargets;
import dev.pyapp.server.mount.internal.NginxRenderer;
import dev.pyapp.server.mount.internal.RenderModel;
import dev.pyapp.server.mount.internal.RenderSettings;

/**
 * Requests per second and p99 latency of a hello-world WSGI app (gunicorn gthread, one
 * process, 8 threads, on a unix socket) reached directly and through each generated
 * configuration and a hand-tuned reference configuration of the same web server, in one
 * run, on loopback. Run by {@code bench/webserver.sh}; writes
 * {@code bench/results/webserver.json}.
 */
public final class WebServerBenchmark {

	private WebServerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Duration duration = Duration.ofSeconds((args.length > 0) ? Integer.parseInt(args[0]) : 4);
		int connections = (args.length > 1) ? Integer.parseInt(args[1]) : 16;
		int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 2;
		Path out = Path.of((args.length > 3) ? args[3] : "bench/results/webserver.json");
		Path dir = Files.createTempDirectory(Path.of("/tmp"), "pb");
		Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
		Gunicorn app = Gunicorn.start(dir.resolve("app.sock"), "hello", dir.resolve("requests.log"), "hello");
		List<BenchServer> servers = new ArrayList<>();
		try {
			Map<String, Case> cases = new LinkedHashMap<>();
			cases.put("gunicorn-direct", new Case("gunicorn", null, HttpLoad.unix(app.socket())));
			for (WebServerKind kind : WebServerKind.values()) {
				BenchServer generated = BenchServer.generated(kind, dir, app.socket());
				servers.add(generated);
				cases.put(kind.value() + "-generated",
						new Case(kind.value(), "generated", HttpLoad.tcp(generated.port())));
				for (Map.Entry<String, String> reference : BenchReferences.of(kind, dir, app.socket()).entrySet()) {
					BenchServer server = BenchServer.reference(kind, dir, reference.getKey(), reference.getValue());
					servers.add(server);
					cases.put(kind.value() + "-" + reference.getKey(),
							new Case(kind.value(), reference.getKey(), HttpLoad.tcp(server.port())));
				}
			}
			Map<String, double[]> results = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (Map.Entry<String, Case> entry : cases.entrySet()) {
					HttpLoad warmup = new HttpLoad(entry.getValue().address(), "bench.test", "/", connections);
					warmup.runFor(Duration.ofMillis(500));
					HttpLoad load = new HttpLoad(entry.getValue().address(), "bench.test", "/", connections);
					load.runFor(duration);
					double rps = load.ok.get() / (duration.toMillis() / 1000.0);
					double[] best = results.get(entry.getKey());
					if (best == null || rps > best[0]) {
						results.put(entry.getKey(), new double[] { rps, load.percentile(99), load.failed.get() });
					}
				}
			}
			report(results, cases, duration, connections, rounds, out);
		}
		finally {
			for (BenchServer server : servers) {
				server.stop();
			}
			app.stop();
		}
	}

	private static void report(Map<String, double[]> results, Map<String, Case> cases, Duration duration,
			int connections, int rounds, Path out) throws IOException {
		double direct = results.get("gunicorn-direct")[0];
		StringBuilder json = new StringBuilder();
		json.append("{\n  \"app\": \"hello world, gunicorn 1 process gthread 8 threads, unix socket\",\n");
		json.append("  \"connections\": ")
			.append(connections)
			.append(",\n  \"seconds_per_case\": ")
			.append(duration.toSeconds())
			.append(",\n  \"rounds\": ")
			.append(rounds)
			.append(",\n  \"cpus\": ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(",\n  \"cases\": [\n");
		System.out.printf("%-26s %10s %9s %8s %10s %12s%n", "case", "req/s", "p99 ms", "failed", "x direct",
				"x best ref");
		List<String> rows = new ArrayList<>();
		for (Map.Entry<String, double[]> entry : results.entrySet()) {
			Case c = cases.get(entry.getKey());
			double rps = entry.getValue()[0];
			double bestReference = results.entrySet()
				.stream()
				.filter((e) -> cases.get(e.getKey()).server().equals(c.server())
						&& cases.get(e.getKey()).config() != null
						&& !"generated".equals(cases.get(e.getKey()).config()))
				.mapToDouble((e) -> e.getValue()[0])
				.max()
				.orElse(Double.NaN);
			double ofReference = (c.config() != null) ? rps / bestReference : Double.NaN;
			System.out.printf(Locale.ROOT, "%-26s %10.0f %9.2f %8.0f %10.2f %12s%n", entry.getKey(), rps,
					entry.getValue()[1] / 1000.0, entry.getValue()[2], rps / direct,
					Double.isNaN(ofReference) ? "" : String.format(Locale.ROOT, "%.2f", ofReference));
			rows.add(String.format(Locale.ROOT,
					"    {\"case\": \"%s\", \"server\": \"%s\", \"config\": %s, \"requests_per_second\": %.0f, "
							+ "\"p99_ms\": %.2f, \"failed\": %.0f, \"ratio_to_gunicorn_direct\": %.3f, "
							+ "\"ratio_to_best_reference\": %s}",
					entry.getKey(), c.server(), (c.config() != null) ? "\"" + c.config() + "\"" : "null", rps,
					entry.getValue()[1] / 1000.0, entry.getValue()[2], rps / direct,
					Double.isNaN(ofReference) ? "null" : String.format(Locale.ROOT, "%.3f", ofReference)));
		}
		json.append(String.join(",\n", rows)).append("\n  ]\n}\n");
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, json.toString());
		System.out.println("Written to " + out);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	record Case(String server, String config, java.net.SocketAddress address) {
	}

	/** A web server started from a configuration file for the benchmark. */
	record BenchServer(WebServerKind kind, int port, Process process) {

		static BenchServer generated(WebServerKind kind, Path dir, Path socket) throws Exception {
			int port = freePort();
			RenderSettings settings = new RenderSettings(dir.resolve(kind.value() + "-generated"), isRoot(), null, 1,
					true, Duration.ofHours(1), 32, Path.of("/usr/lib/apache2/modules"), Duration.ofSeconds(60));
			MountTargets targets = (app) -> Optional.of(MountTarget.socket(socket, List.of()));
			RenderModel model = RenderModel.of(
					List.of(new VirtualServer("bench", List.of("bench.test"), "127.0.0.1:" + port, null, true)),
					List.of(Mount.app("bench", "/", "hello")), targets);
			ConfigRenderer renderer = switch (kind) {
				case NGINX -> new NginxRenderer();
				case APACHE -> new ApacheRenderer();
				case LIGHTTPD -> new LighttpdRenderer();
			};
			for (String sub : List.of("run", "logs", "empty", "tmp/" + kind.value())) {
				Files.createDirectories(settings.directory().resolve(sub));
			}
			Path config = settings.config(kind);
			Files.writeString(config, renderer.main(model, settings));
			workerLogs(kind, settings.directory());
			return start(kind, settings.directory(), config, port, false);
		}

		/**
		 * A web server running a configuration the server rendered for its own managed
		 * instance (its paths are below {@code directory}, the server's
		 * {@code webserver/}).
		 */
		static BenchServer rendered(WebServerKind kind, Path directory, String text, int port) throws Exception {
			for (String sub : List.of("run", "logs", "empty", "tmp/" + kind.value())) {
				Files.createDirectories(directory.resolve(sub));
			}
			Path config = directory.resolve("bench-" + kind.value() + ".conf");
			Files.writeString(config, text);
			workerLogs(kind, directory);
			return start(kind, directory, config, port, true);
		}

		/**
		 * lighttpd opens its logs after it has dropped root to the web server's user, as
		 * the server's managed instance prepares them: they are that user's.
		 */
		private static void workerLogs(WebServerKind kind, Path directory) throws IOException {
			if (kind != WebServerKind.LIGHTTPD || !isRoot()) {
				return;
			}
			java.nio.file.attribute.UserPrincipalLookupService users = directory.getFileSystem()
				.getUserPrincipalLookupService();
			for (String name : List.of("lighttpd-error.log", "lighttpd-access.log")) {
				Path log = directory.resolve("logs").resolve(name);
				if (!Files.exists(log)) {
					Files.createFile(log);
				}
				Files.setOwner(log, users.lookupPrincipalByName("www-data"));
			}
		}

		static BenchServer reference(WebServerKind kind, Path dir, String name, String text) throws Exception {
			return reference(kind, dir, name, text, false);
		}

		/**
		 * @param ownSession whether it runs in a session of its own ({@code setsid}), as
		 * a daemon does: with Linux's autogroup scheduling, processes of one session
		 * share one CPU share, so a stack whose processes share the load client's session
		 * is scheduled differently from one whose processes each have their own
		 */
		static BenchServer reference(WebServerKind kind, Path dir, String name, String text, boolean ownSession)
				throws Exception {
			int port = freePort();
			Path directory = dir.resolve(kind.value() + "-" + name);
			for (String sub : List.of("run", "logs", "empty", "tmp")) {
				Files.createDirectories(directory.resolve(sub));
			}
			Path config = directory.resolve(kind.value() + ".conf");
			Files.writeString(config,
					text.replace("@PORT@", Integer.toString(port))
						.replace("@DIR@", directory.toString())
						.replace("@USER@", isRoot() ? "" : "#"));
			return start(kind, directory, config, port, ownSession);
		}

		private static BenchServer start(WebServerKind kind, Path directory, Path config, int port, boolean ownSession)
				throws Exception {
			List<String> command = new ArrayList<>(ownSession ? List.of("setsid") : List.of());
			command.addAll(switch (kind) {
				case NGINX -> List.of("/usr/sbin/nginx", "-p", directory + "/", "-c", config.toString());
				case APACHE -> List.of("/usr/sbin/apache2", "-f", config.toString(), "-DFOREGROUND");
				case LIGHTTPD -> List.of("/usr/sbin/lighttpd", "-D", "-f", config.toString());
			});
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(directory.resolve("logs/stdout.log").toFile())
				.start();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (true) {
				try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
					break;
				}
				catch (IOException ex) {
					if (!process.isAlive() || System.nanoTime() > deadline) {
						throw new IllegalStateException(kind + " did not start: " + config, ex);
					}
					Thread.sleep(50);
				}
			}
			return new BenchServer(kind, port, process);
		}

		void stop() throws InterruptedException {
			this.process.destroy();
			if (!this.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly();
				this.process.waitFor();
			}
		}

		private static boolean isRoot() {
			try {
				return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

}
