package dev.pyapp.server.rpc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.rpc.internal.AppParams;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How {@code apps.list} and {@code apps.get} scale with the number of apps (issue 17,
 * item 7). Starts the server in this JVM on a fresh home with the embedded store as in
 * production (mongo-java-server, H2 file backend), registers APPS apps directly through
 * the registry (a release directory with a manifest and a configuration spec on disk, the
 * records in the store; no daemon runs), stages a mount for every fifth app, and then
 * calls {@code apps.list} and {@code apps.get} (a random app each time) CALLS times each
 * over HTTP ({@code POST /rpc} with the local API token, keep-alive), after WARMUP calls.
 * The apps are a mix: configured and stopped; waiting for a required setting
 * ({@code needs-configuration}); with a newer failed release beside the live one; with a
 * retired release; and first installs under way (listed as {@code installing}). Prints
 * p50/p99/max per method and the store commands per call, and writes the figures with the
 * load average before and after to the results file. Run by {@code bench/registry.sh}.
 */
public final class RegistryBenchmark {

	private static final AtomicLong commands = new AtomicLong();

	private RegistryBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int apps = (args.length > 0) ? Integer.parseInt(args[0]) : 500;
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 1000;
		Path out = Path.of((args.length > 2) ? args[2] : "bench/results/registry.json");
		String label = (args.length > 3) ? args[3] : "this build";
		// long enough for the JIT to compile the listing's loops before the timed calls
		int warmup = Math.max(5, Math.min(200, calls / 5));
		String loadBefore = loadAverage();
		Path home = Files.createTempDirectory("pyapp-bench-registry");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PyappServerApplication.class,
				CountCommands.class)
			.run("--pyapp.home=" + home, "--server.port=0", "--pyapp.webserver.managed=false",
					"--pyapp.isolation.users=false", "--pyapp.isolation.sandbox=false",
					"--pyapp.python.provision=false", "--pyapp.dropbox.enabled=false", "--logging.level.root=WARN");
		try {
			long setupStart = System.nanoTime();
			List<String> names = register(context, apps);
			double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
			// a real server's apps were installed before: files changed within the last
			// 2 s are read again on every call (ConfigStates), which is the exception
			Thread.sleep(2500);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			Rpc rpc = new Rpc(port, home);
			JsonNode listed = rpc.call("apps.list", null);
			int listedApps = listed.get("result").size();
			Map<String, Integer> states = new LinkedHashMap<>();
			listed.get("result").forEach((app) -> states.merge(app.get("state").asString(), 1, Integer::sum));
			System.out.printf(Locale.ROOT, "%d apps registered in %.1f s; apps.list shows %d: %s%n", apps, setupSeconds,
					listedApps, states);
			Random random = new Random(17);
			breakdown(context, names, Math.max(20, calls / 10));
			Map<String, Figures> figures = new LinkedHashMap<>();
			figures.put("apps.list", measure(warmup, calls, () -> rpc.send("apps.list", null)));
			// a server that has run a while has shown each app once: the first
			// apps.get of an app since the start reads its releases, newest error
			// and isolation record from the store (once each), which is not what
			// this measures
			for (String name : names) {
				rpc.call("apps.get", Map.of("name", name));
			}
			figures.put("apps.get", measure(warmup, calls,
					() -> rpc.send("apps.get", Map.of("name", names.get(random.nextInt(names.size()))))));
			String loadAfter = loadAverage();
			System.out.println("responses that set a cookie: " + rpc.cookies);
			rpc.close();
			report(apps, calls, warmup, label, listedApps, states, figures, loadBefore, loadAfter, out);
		}
		finally {
			context.close();
			deleteQuietly(home);
		}
	}

	/**
	 * Where an {@code apps.list} and an {@code apps.get} spend their time, in this JVM
	 * without HTTP: the median of each part over {@code rounds} rounds (printed only).
	 */
	private static void breakdown(ConfigurableApplicationContext context, List<String> names, int rounds) {
		AppsRpc apps = context.getBean(AppsRpc.class);
		AppRegistry registry = context.getBean(AppRegistry.class);
		MountManager mounts = context.getBean(MountManager.class);
		ConfigStates configStates = context.getBean(ConfigStates.class);
		JsonMapper mapper = context.getBean(JsonMapper.class);
		Map<String, Runnable> parts = new LinkedHashMap<>();
		parts.put("list: registry.listing()", registry::listing);
		parts.put("list: mounts.mounts() + urls()", () -> {
			mounts.mounts();
			mounts.urls();
		});
		parts.put("list: configStates.of(each)", () -> names.forEach((name) -> configStates.of(AppId.of(name))));
		parts.put("list: AppsRpc.list()", apps::list);
		List<AppSummary> listed = apps.list();
		parts.put("list: JSON of the result", () -> mapper.writeValueAsBytes(listed));
		parts.put("list: result -> tree -> JSON", () -> mapper.writeValueAsBytes(mapper.valueToTree(listed)));
		// what the dispatcher writes now: the kept text of equal entries (ListingText)
		ListingText text = context.getBean(ListingText.class);
		parts.put("list: AppsRpc.list() + kept JSON", () -> text.json(apps.list()));
		AppId one = AppId.of(names.get(names.size() / 2));
		parts.put("get: registry.find + releases", () -> {
			registry.find(one);
			registry.releases(one);
		});
		parts.put("get: mounts(app) + urls(app)", () -> {
			mounts.mounts(one);
			mounts.urls(one);
		});
		parts.put("get: AppsRpc.get()", () -> apps.get(new AppParams(one.value())));
		// every tenth app: its newest release failed (and printed nothing)
		String failed = names.stream()
			.filter((name) -> Integer.parseInt(name.substring(3)) % 10 == 5)
			.findFirst()
			.orElseThrow();
		parts.put("get: AppsRpc.get(), failed upgrade", () -> apps.get(new AppParams(failed)));
		AppDetails details = apps.get(new AppParams(one.value()));
		parts.put("get: JSON of the result", () -> mapper.writeValueAsBytes(details));
		// what ConfigStates' background thread does every second, beside the calls
		parts.put("background: configStates.recheck()", configStates::recheck);
		parts.put("background: configStates.recheck(0)", () -> configStates.recheck(0));
		// the other passes over every app that run beside the calls (package-private
		// in their modules, reached by reflection; none writes what the calls read)
		background(context, parts, "dev.pyapp.server.logs.OutputFileTailer", "poll", "every tail-interval");
		background(context, parts, "dev.pyapp.server.runtime.internal.CrashWatcher", "watchAll", "every poll-interval");
		parts.forEach((name, part) -> {
			long[] nanos = new long[rounds];
			for (int i = 0; i < rounds; i++) {
				long start = System.nanoTime();
				part.run();
				nanos[i] = System.nanoTime() - start;
			}
			Arrays.sort(nanos);
			System.out.printf(Locale.ROOT, "  %-34s p50 %8.3f ms%n", name, millis(nanos[rounds / 2]));
		});
		// passes that write to the store or run rarely: a few rounds each
		Map<String, Runnable> rare = new LinkedHashMap<>();
		background(context, rare, "dev.pyapp.server.metrics.MetricsSampler", "sample", "every sample-interval");
		background(context, rare, "dev.pyapp.server.runtime.HealthMonitor", "checkAll", "every 30 s");
		rare.forEach((name, part) -> {
			long[] nanos = new long[3];
			for (int i = 0; i < nanos.length; i++) {
				long start = System.nanoTime();
				part.run();
				nanos[i] = System.nanoTime() - start;
			}
			Arrays.sort(nanos);
			System.out.printf(Locale.ROOT, "  %-34s p50 %8.3f ms (of 3)%n", name, millis(nanos[1]));
		});
	}

	/**
	 * Adds a background pass of a bean (a package-private method without parameters) to
	 * the breakdown.
	 */
	private static void background(ConfigurableApplicationContext context, Map<String, Runnable> parts, String type,
			String method, String when) {
		try {
			Class<?> beanType = Class.forName(type);
			Object bean = context.getBean(beanType);
			java.lang.reflect.Method pass = beanType.getDeclaredMethod(method);
			pass.setAccessible(true);
			parts.put("background: " + beanType.getSimpleName() + "." + method + "() (" + when + ")", () -> {
				try {
					pass.invoke(bean);
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			System.out.println("  (no " + type + "." + method + ": " + ex + ")");
		}
	}

	/** CPU time of every live thread of this JVM so far, in nanoseconds, by name. */
	private static Map<String, Long> threadCpu() {
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Long> cpu = new java.util.HashMap<>();
		for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info != null) {
				long nanos = threads.getThreadCpuTime(info.getThreadId());
				if (nanos > 0) {
					// pool threads by their pool's name
					cpu.merge(info.getThreadName().replaceAll("-\\d+$", "-N"), nanos, Long::sum);
				}
			}
		}
		return cpu;
	}

	/**
	 * The threads that used the most CPU between two {@link #threadCpu()} snapshots, in
	 * milliseconds, most first.
	 */
	private static Map<String, Long> busiest(Map<String, Long> before, Map<String, Long> after, int limit) {
		Map<String, Long> busiest = new LinkedHashMap<>();
		after.entrySet()
			.stream()
			.map((e) -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1_000_000))
			.filter((e) -> e.getValue() > 0)
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(limit)
			.forEach((e) -> busiest.put(e.getKey(), e.getValue()));
		return busiest;
	}

	/**
	 * Registers the apps as an install would leave them, without a daemon.
	 * @return the names of the stored apps
	 */
	private static List<String> register(ConfigurableApplicationContext context, int count) throws Exception {
		AppRegistry registry = context.getBean(AppRegistry.class);
		PyappHome home = context.getBean(PyappHome.class);
		MountManager mounts = context.getBean(MountManager.class);
		mounts.addServer(new VirtualServer("bench", List.of("bench.test"), "127.0.0.1:18080", null, true));
		Instant t0 = Instant.now().minus(1, ChronoUnit.DAYS);
		List<String> names = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String name = String.format(Locale.ROOT, "app%04d", i);
			if (i % 50 == 49) {
				// a first install under way: listed as installing, nothing stored yet
				registry.begin(AppId.of(name), "installing", "1.0." + i, AppSource.archive(), "checking the package");
				continue;
			}
			names.add(name);
			Path root = home.app(AppId.of(name)).root();
			Instant created = t0.plusSeconds(i * 10L);
			String live = "1.0." + i + "-20261201T000000Z";
			Files.createDirectories(root.resolve("config"));
			release(root, live, name, "1.0." + i);
			Files.createSymbolicLink(root.resolve("current"), Path.of("releases", live));
			boolean needsConfiguration = i % 10 == 3;
			if (!needsConfiguration) {
				Files.writeString(root.resolve("config/config.yaml"), "site:\n  title: App " + i + "\n");
			}
			registry
				.save(new InstalledApp(name, AppSource.archive(), live, Map.of("GREETING", "hello"), created, created));
			registry.save(releaseRecord(name, live, "1.0." + i, created, ReleaseState.LIVE, null));
			if (i % 10 == 5) {
				// a newer release whose environment failed: the old one stays live
				String failed = "1.1." + i + "-20261202T000000Z";
				release(root, failed, name, "1.1." + i);
				registry.save(releaseRecord(name, failed, "1.1." + i, created.plusSeconds(3600), ReleaseState.FAILED,
						"the health check failed"));
			}
			if (i % 4 == 0) {
				String retired = "0.9." + i + "-20261130T000000Z";
				registry.save(releaseRecord(name, retired, "0.9." + i, created.minusSeconds(3600), ReleaseState.RETIRED,
						null));
			}
			if (i % 5 == 0) {
				mounts.addMount(Mount.app("bench", "/" + name, name));
			}
		}
		return names;
	}

	private static void release(Path root, String releaseId, String name, String version) throws Exception {
		Path release = Files.createDirectories(root.resolve("releases").resolve(releaseId));
		Files.writeString(release.resolve("metadata.yaml"), String.join("\n", "format: 1", "name: " + name,
				"version: " + version, "entry:", "  wsgi: app:application", ""));
		Files.writeString(release.resolve("configuration.yaml"),
				String.join("\n", "format: 1", "sections:", "  - name: site", "    label: Site", "    fields:",
						"      - name: title", "        widget: text", "        required: true", "      - name: color",
						"        widget: text", "        default: blue", ""));
	}

	private static Release releaseRecord(String app, String releaseId, String version, Instant created,
			ReleaseState state, String message) {
		return new Release(Release.id(app, releaseId), app, releaseId, version, app + ".pyapp", "0".repeat(64), null,
				created, state, message);
	}

	private static Figures measure(int warmup, int calls, Call call) throws Exception {
		for (int i = 0; i < warmup; i++) {
			call.run();
		}
		long[] nanos = new long[calls];
		long gcCountBefore = gcCount();
		long gcMillisBefore = gcMillis();
		long allocatedBefore = allocated();
		long before = commands.get();
		Map<String, Long> cpuBefore = threadCpu();
		long wallStart = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			long start = System.nanoTime();
			Body response = call.run();
			nanos[i] = System.nanoTime() - start;
			if (!Rpc.succeeded(response)) {
				throw new IllegalStateException("call failed: " + response);
			}
		}
		long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
		Map<String, Long> cpu = busiest(cpuBefore, threadCpu(), 8);
		double perCall = (double) (commands.get() - before) / calls;
		double allocatedPerCall = (allocated() - allocatedBefore) / 1024.0 / calls;
		Arrays.sort(nanos);
		return new Figures(millis(nanos[calls / 2]), millis(nanos[(int) Math.ceil(calls * 0.99) - 1]),
				millis(nanos[calls - 1]), perCall, gcCount() - gcCountBefore, gcMillis() - gcMillisBefore,
				allocatedPerCall, wallMillis, cpu);
	}

	private static long gcCount() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionCount)
			.sum();
	}

	private static long gcMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionTime)
			.sum();
	}

	/** Bytes allocated by every live thread of this JVM (server and client) so far. */
	private static long allocated() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
			.filter((bytes) -> bytes > 0)
			.sum();
	}

	private static void report(int apps, int calls, int warmup, String label, int listed, Map<String, Integer> states,
			Map<String, Figures> figures, String loadBefore, String loadAfter, Path out) throws Exception {
		Map<String, Double> targets = Map.of("apps.list", 20.0, "apps.get", 5.0);
		System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s %16s %14s%n", "method", "p50 ms", "p99 ms", "max ms",
				"store cmds/call", "target p99");
		Map<String, Object> results = new LinkedHashMap<>();
		figures.forEach((method, f) -> {
			boolean met = f.p99() < targets.get(method);
			System.out.printf(Locale.ROOT, "%-10s %10.2f %10.2f %10.2f %16.1f %14s   GC %d pauses %d ms, %d KiB/call%n",
					method, f.p50(), f.p99(), f.max(), f.commandsPerCall(),
					"< " + targets.get(method) + (met ? " met" : " NOT met"), f.gcPauses(), f.gcMillis(),
					Math.round(f.allocatedKibPerCall()));
			System.out.printf(Locale.ROOT, "  %d ms of calls; CPU ms by thread: %s%n", f.wallMillis(),
					f.threadCpuMillis());
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("p50_ms", round(f.p50()));
			entry.put("p99_ms", round(f.p99()));
			entry.put("max_ms", round(f.max()));
			entry.put("store_commands_per_call", round(f.commandsPerCall()));
			entry.put("gc_pauses", f.gcPauses());
			entry.put("gc_pause_ms_total", f.gcMillis());
			entry.put("allocated_kib_per_call", Math.round(f.allocatedKibPerCall()));
			entry.put("wall_ms", f.wallMillis());
			entry.put("thread_cpu_ms", f.threadCpuMillis());
			entry.put("target_p99_ms", targets.get(method));
			entry.put("met", met);
			results.put(method, entry);
		});
		System.out.println("load average before: " + loadBefore + ", after: " + loadAfter);
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("benchmark", "apps.list and apps.get with many registered apps (issue 17, item 7)");
		json.put("code", label);
		json.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
		json.put("apps", apps);
		json.put("listed", listed);
		json.put("states", states);
		json.put("calls", calls);
		json.put("warmup_calls", warmup);
		json.put("setup",
				"embedded store (mongo-java-server, H2 file backend), HTTP POST /rpc with the API token, keep-alive, "
						+ "one blocking caller in the server's JVM; no daemons; apps.get of a random app per call");
		json.put("cores", Runtime.getRuntime().availableProcessors());
		json.put("jvm_options", ManagementFactory.getRuntimeMXBean().getInputArguments());
		json.put("results", results);
		json.put("load_average_before", loadBefore);
		json.put("load_average_after", loadAfter);
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out,
				JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
		System.out.println(out + " written");
	}

	private static double millis(long nanos) {
		return nanos / 1e6;
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).strip();
		}
		catch (java.io.IOException ex) {
			return "unknown";
		}
	}

	private static void deleteQuietly(Path home) {
		try (var paths = Files.walk(home)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (java.io.IOException | RuntimeException ex) {
			// a temporary directory: what is left is only disk space
		}
	}

	/** One call, answering its JSON-RPC response. */
	@FunctionalInterface
	interface Call {

		Body run() throws Exception;

	}

	/** Latencies of one method, in milliseconds, and store commands per call. */
	record Figures(double p50, double p99, double max, double commandsPerCall, long gcPauses, long gcMillis,
			double allocatedKibPerCall, long wallMillis, Map<String, Long> threadCpuMillis) {
	}

	/**
	 * {@code POST /rpc} with the local API token on one keep-alive HTTP/1.1 connection,
	 * blocking, in the caller's thread: the JDK's HttpClient hands every exchange between
	 * its selector thread and an executor, two more threads to schedule on two shared
	 * cores. The wall time of a call is from the first byte written to the last byte of
	 * the body read.
	 */
	static final class Rpc implements AutoCloseable {

		private final JsonMapper json = JsonMapper.builder().build();

		private final int port;

		private final String token;

		// one buffer for every response: the client's garbage would stop the server's
		// threads too (400-700 KiB a listing when each response had buffers of its own)
		private final Body body = new Body();

		private Socket socket;

		private InputStream in;

		private OutputStream out;

		private int cookies;

		Rpc(int port, Path home) throws Exception {
			this.port = port;
			this.token = Files.readString(home.resolve("api-token")).trim();
			connect();
		}

		private void connect() throws IOException {
			this.socket = new Socket("127.0.0.1", this.port);
			this.socket.setTcpNoDelay(true);
			this.in = new BufferedInputStream(this.socket.getInputStream(), 64 * 1024);
			this.out = this.socket.getOutputStream();
		}

		JsonNode call(String method, Map<String, ?> params) throws Exception {
			return this.json.readTree(send(method, params).copy());
		}

		/**
		 * Whether a response is a result: the server writes the members in the order
		 * {@code jsonrpc, id, result|error}. Timed calls check only that, rather than
		 * parse the 500 apps into a tree in this JVM, whose garbage would stop the
		 * server's threads too.
		 */
		static boolean succeeded(Body response) {
			byte[] prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":".getBytes(StandardCharsets.US_ASCII);
			return response.length() > prefix.length
					&& Arrays.equals(response.bytes(), 0, prefix.length, prefix, 0, prefix.length);
		}

		/**
		 * Sends a call and reads its response.
		 * @return the response's body, in a buffer the next call reuses
		 */
		Body send(String method, Map<String, ?> params) throws Exception {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("jsonrpc", "2.0");
			body.put("id", 1);
			body.put("method", method);
			if (params != null) {
				body.put("params", params);
			}
			byte[] content = this.json.writeValueAsBytes(body);
			String head = "POST /rpc HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
					+ "\r\nContent-Type: application/json\r\nAccept: application/json\r\nAuthorization: Bearer "
					+ this.token + "\r\nContent-Length: " + content.length + "\r\n\r\n";
			byte[] request = new byte[head.length() + content.length];
			System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, request, 0, head.length());
			System.arraycopy(content, 0, request, head.length(), content.length);
			this.out.write(request);
			this.out.flush();
			return response();
		}

		private Body response() throws IOException {
			String status = line();
			if (status == null || !status.startsWith("HTTP/1.1 200")) {
				throw new IOException("unexpected response: " + status);
			}
			long length = -1;
			boolean chunked = false;
			boolean close = false;
			String line;
			while ((line = line()) != null && !line.isEmpty()) {
				String lower = line.toLowerCase(Locale.ROOT);
				if (lower.startsWith("content-length:")) {
					length = Long.parseLong(lower.substring(15).trim());
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					chunked = true;
				}
				else if (lower.startsWith("connection:") && lower.contains("close")) {
					close = true;
				}
				else if (lower.startsWith("set-cookie:")) {
					// a token call must not make a session
					this.cookies++;
				}
			}
			Body body = this.body;
			body.reset();
			if (chunked) {
				int size;
				while ((size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0) {
					body.read(this.in, size);
					line();
				}
				while ((line = line()) != null && !line.isEmpty()) {
					// no trailers are sent
				}
			}
			else if (length >= 0) {
				body.read(this.in, (int) length);
			}
			else {
				throw new IOException("a response without a length");
			}
			if (close) {
				close();
				connect();
			}
			return body;
		}

		private String line() throws IOException {
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = this.in.read()) != -1) {
				if (c == '\n') {
					int end = line.length();
					return (end > 0 && line.charAt(end - 1) == '\r') ? line.substring(0, end - 1) : line.toString();
				}
				line.append((char) c);
			}
			return (line.length() == 0) ? null : line.toString();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

	/** A response body in a buffer that grows as needed and is reused. */
	static final class Body {

		private byte[] bytes = new byte[256 * 1024];

		private int length;

		void reset() {
			this.length = 0;
		}

		void read(InputStream in, int size) throws IOException {
			if (this.length + size > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.length + size));
			}
			int read = in.readNBytes(this.bytes, this.length, size);
			if (read < size) {
				throw new IOException("the response ended early");
			}
			this.length += size;
		}

		byte[] bytes() {
			return this.bytes;
		}

		int length() {
			return this.length;
		}

		byte[] copy() {
			return Arrays.copyOf(this.bytes, this.length);
		}

		@Override
		public String toString() {
			return new String(this.bytes, 0, this.length, StandardCharsets.UTF_8);
		}

	}

	/** Counts the commands the server sends to its store (queries, writes). */
	@Configuration(proxyBeanMethods = false)
	static class CountCommands {

		@Bean
		MongoClientSettingsBuilderCustomizer countCommands() {
			return (settings) -> settings.addCommandListener(new CommandListener() {

				@Override
				public void commandStarted(CommandStartedEvent event) {
					commands.incrementAndGet();
				}

			});
		}

	}

}
