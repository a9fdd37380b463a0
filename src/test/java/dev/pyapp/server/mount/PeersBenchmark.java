package dev.pyapp.server.mount;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.runtime.AppSupervisor;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PyApp Server against Piku's stack, in one run on this machine (SPEC §10 "App servers",
 * issue 14). A hello-world WSGI app in two shapes, two single-threaded processes and one
 * process with 8 threads, reached with {@code wrk -t2 -c32} through:
 * <ul>
 * <li>{@code pyapp-<web>-uwsgi-<shape>}: the server itself (in this JVM, with its managed
 * nginx) installed the app with {@code daemon.server: uwsgi}; nginx runs the
 * configuration it applied, Apache httpd and lighttpd the configuration it renders for
 * them;</li>
 * <li>{@code pyapp-<web>-gunicorn-<shape>}: the same with {@code daemon.server:
 * gunicorn};</li>
 * <li>{@code hand-<web>-uwsgi-<shape>}: the Piku-style stack: a hand-written
 * configuration of the same web server ({@code uwsgi_pass}, {@code mod_proxy_uwsgi},
 * lighttpd's {@code scgi.protocol = "uwsgi"}) in front of uWSGI started by hand with the
 * same processes and threads;</li>
 * <li>{@code gunicorn-direct-<shape>}: gunicorn on a TCP port with the same workers,
 * without a web server.</li>
 * </ul>
 * Every case runs once per round; the rounds rotate the order, and each PyApp uWSGI case
 * runs right next to the hand-written one it is compared with (and, for {@code p2}, to
 * PyApp's gunicorn case: the uWSGI case sits between the two, the group reversed every
 * other round), so that a busy neighbour disturbs both sides of a ratio alike. The ratios
 * are taken within each round and their median counts.
 * <p>
 * Against noise, the same for every case: before the counted rounds the server in this
 * JVM is left to settle (its own CPU use below {@link #QUIET_CPU} of one CPU, at most
 * {@link #QUIET_WAIT}) and one whole round runs that does not count (JIT, caches, the
 * daemons' first requests); {@code wrk} runs pinned to one CPU with {@code taskset} (the
 * last one), so that its two threads do not spread over both CPUs of a 2-core machine and
 * take time from the stack under test in one case and not in the next. Run by
 * {@code bench/peers.sh}; writes {@code bench/results/peers.json}.
 */
public final class PeersBenchmark {

	private static final String INDEX = "file:///opt/pypi/simple";

	private static final List<String> ALL_WEB = List.of("nginx", "apache", "lighttpd");

	/**
	 * The web servers measured: all, or those {@code PEERS_WEB} names (comma-separated),
	 * for a reduced run.
	 */
	private static final List<String> WEB = selected("PEERS_WEB", ALL_WEB);

	/**
	 * The app shapes measured: all, or those {@code PEERS_SHAPE} names ({@code p2,t8}).
	 */
	private static final List<Shape> SHAPES = selected("PEERS_SHAPE",
			List.of(Shape.values()).stream().map(Shape::key).toList())
		.stream()
		.map((key) -> Shape.valueOf(key.toUpperCase(Locale.ROOT)))
		.toList();

	/**
	 * Whether this is a reduced run ({@code PEERS_WEB} or {@code PEERS_SHAPE} set): it
	 * measures only the cases its targets compare (no gunicorn direct, no PyApp gunicorn
	 * {@code t8}).
	 */
	private static final boolean REDUCED = WEB.size() < ALL_WEB.size() || SHAPES.size() < Shape.values().length;

	private static final Pattern REQUESTS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

	private static final Pattern COUNT = Pattern.compile("(\\d+) requests in");

	private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");

	private static final Pattern ERRORS = Pattern.compile(
			"Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)|Non-2xx or 3xx responses: (\\d+)");

	/** The server in this JVM counts as settled below this share of one CPU. */
	static final double QUIET_CPU = 0.05;

	/** How long to wait at most for the server in this JVM to settle. */
	static final Duration QUIET_WAIT = Duration.ofSeconds(90);

	/** {@code taskset -c <cpu>} for wrk, or nothing on a single-CPU machine. */
	private static final List<String> PIN = pin();

	private PeersBenchmark() {
	}

	private static List<String> selected(String variable, List<String> all) {
		String value = System.getenv(variable);
		if (value == null || value.isBlank()) {
			return all;
		}
		List<String> chosen = new ArrayList<>();
		for (String name : value.toLowerCase(Locale.ROOT).split(",")) {
			if (!all.contains(name.strip())) {
				throw new IllegalArgumentException(variable + ": " + name + " is none of " + all);
			}
			chosen.add(name.strip());
		}
		return all.stream().filter(chosen::contains).toList();
	}

	private static List<String> pin() {
		int cpus = Runtime.getRuntime().availableProcessors();
		if (cpus < 2 || !Files.isExecutable(Path.of("/usr/bin/taskset"))) {
			return List.of();
		}
		return List.of("/usr/bin/taskset", "-c", Integer.toString(cpus - 1));
	}

	/** The two app shapes. */
	enum Shape {

		/** Two single-threaded worker processes. */
		P2("2 processes", 2, 1),

		/** One process with 8 threads. */
		T8("1 process x 8 threads", 1, 8);

		final String label;

		final int processes;

		final int threads;

		Shape(String label, int processes, int threads) {
			this.label = label;
			this.processes = processes;
			this.threads = threads;
		}

		String key() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * One thing measured.
	 *
	 * @param name such as {@code pyapp-nginx-uwsgi-p2}
	 * @param stack {@code pyapp-uwsgi}, {@code pyapp-gunicorn}, {@code hand-uwsgi} or
	 * {@code gunicorn-direct}
	 * @param web the web server, or {@code null}
	 * @param shape the app's shape
	 * @param port where wrk sends its requests
	 * @param host the Host header
	 */
	record Case(String name, String stack, String web, Shape shape, int port, String host) {
	}

	/**
	 * One wrk run.
	 *
	 * @param rps requests per second
	 * @param p99ms the 99th percentile of the latency
	 * @param errors socket errors and non-2xx/3xx answers
	 * @param webUs CPU time of the web server's processes per request (microseconds; NaN
	 * without a web server)
	 * @param appUs CPU time of the app server's processes per request (microseconds)
	 */
	record Measurement(double rps, double p99ms, long errors, double webUs, double appUs) {
	}

	/**
	 * The processes whose CPU time a case counts, each with every process below it.
	 *
	 * @param web the web server's main process (0: none)
	 * @param app the app server's main process
	 */
	record Roots(long web, long app) {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		Path out = Path.of((args.length > 2) ? args[2] : "bench/results/peers.json");
		String loadBefore = loadAverage();
		Path dir = Files.createTempDirectory(Path.of("/tmp"), "pp");
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
		List<Process> processes = new ArrayList<>();
		List<WebServerBenchmark.BenchServer> servers = new ArrayList<>();
		ConfigurableApplicationContext context = null;
		try {
			Path home = Files.createDirectories(dir.resolve("home"));
			context = new SpringApplicationBuilder(PyappServerApplication.class).run("--pyapp.home=" + home,
					"--pyapp.storage.persistent=false", "--server.port=0", "--pyapp.python.index=" + INDEX,
					"--pyapp.python.provision=true", "--pyapp.webserver.kind=nginx", "--logging.level.root=WARN");
			context.getBean(dev.pyapp.server.venv.VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(5));
			String python = run(List.of("/usr/bin/python3", "-c", "import platform; print(platform.python_version())"))
				.strip();
			Map<String, Case> cases = new LinkedHashMap<>();
			install(context, dir, python);
			Map<String, Integer> ports = pyappWebServers(context, home, servers);
			for (String web : WEB) {
				for (Shape shape : SHAPES) {
					for (String server : List.of("uwsgi", "gunicorn")) {
						if (REDUCED && server.equals("gunicorn") && shape != Shape.P2) {
							continue;
						}
						String app = app(server, shape);
						cases.put("pyapp-" + web + "-" + server + "-" + shape.key(),
								new Case("pyapp-" + web + "-" + server + "-" + shape.key(), "pyapp-" + server, web,
										shape, ports.get(web), app + ".bench"));
					}
				}
			}
			Path hello = Files.createDirectories(dir.resolve("hello"));
			Files.writeString(hello.resolve("hello.py"), HELLO);
			Path venv = Gunicorn.venv();
			Map<Shape, Process> handUwsgi = new LinkedHashMap<>();
			Map<Shape, Process> direct = new LinkedHashMap<>();
			for (Shape shape : SHAPES) {
				Path socket = dir.resolve("hand-" + shape.key() + ".sock");
				handUwsgi.put(shape, handUwsgi(venv, hello, socket, shape, dir));
				processes.add(handUwsgi.get(shape));
				for (String web : WEB) {
					WebServerBenchmark.BenchServer server = WebServerBenchmark.BenchServer.reference(
							WebServerKind.valueOf(web.toUpperCase(Locale.ROOT)), dir, "hand-" + shape.key(),
							handConfig(web, socket), true);
					servers.add(server);
					String name = "hand-" + web + "-uwsgi-" + shape.key();
					cases.put(name, new Case(name, "hand-uwsgi", web, shape, server.port(), "hand.bench"));
				}
				if (REDUCED) {
					continue;
				}
				int port = WebServerBenchmark.freePort();
				direct.put(shape, gunicornDirect(venv, hello, port, shape, dir));
				processes.add(direct.get(shape));
				String name = "gunicorn-direct-" + shape.key();
				cases.put(name, new Case(name, "gunicorn-direct", null, shape, port, "direct.bench"));
			}
			awaitAnswers(cases.values());
			if (System.getenv("PEERS_HOLD") != null) {
				// for looking at the stacks by hand: wrk -H 'Host:
				// <host>' http://127.0.0.1:<port>/
				cases.values().forEach((c) -> System.out.println("HOLD " + c));
				Thread.sleep(Duration.ofSeconds(Long.parseLong(System.getenv("PEERS_HOLD"))).toMillis());
			}

			Map<String, Roots> roots = roots(context, home, cases, servers, handUwsgi, direct);
			List<List<String>> orders = orders(cases, rounds);
			double settled = awaitQuiet();
			System.out.printf(Locale.ROOT, "server in this JVM settled: %.1f%% of one CPU%n", settled * 100);
			// a whole round that does not count: the JIT, caches and every daemon's first
			// requests, in the order of the first counted round
			for (String name : orders.get(0)) {
				wrk(cases.get(name), 1, null);
				wrk(cases.get(name), Math.min(seconds, 2), null);
			}
			long jvmCpuBefore = jvmCpuNanos();
			long wallBefore = System.nanoTime();
			List<Map<String, Measurement>> results = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				Map<String, Measurement> measured = new LinkedHashMap<>();
				for (String name : orders.get(round)) {
					Case c = cases.get(name);
					wrk(c, 1, null);
					Measurement m = wrk(c, seconds, roots.get(name));
					measured.put(name, m);
					System.out.printf(Locale.ROOT,
							"round %d %-30s %9.0f req/s  CPU/request: web %5.1f us, app %5.1f us%n", round + 1, name,
							m.rps(), m.webUs(), m.appUs());
				}
				results.add(measured);
			}
			double jvmShare = (jvmCpuNanos() - jvmCpuBefore) / (double) (System.nanoTime() - wallBefore);
			report(cases, results, seconds, rounds, loadBefore, python, out, settled, jvmShare);
		}
		finally {
			for (WebServerBenchmark.BenchServer server : servers) {
				server.stop();
			}
			for (Process process : processes) {
				stop(process);
			}
			if (context != null) {
				AppDeployer deployer = context.getBean(AppDeployer.class);
				for (Shape shape : Shape.values()) {
					for (String server : List.of("uwsgi", "gunicorn")) {
						try {
							deployer.remove(AppId.of(app(server, shape)), false);
						}
						catch (RuntimeException ex) {
							// not installed
						}
					}
				}
				context.getBean(MountManager.class).stop();
				context.close();
			}
			if (System.getenv("PEERS_KEEP") == null) {
				AtomicFiles.deleteTree(dir);
			}
			else {
				System.out.println("Kept " + dir);
			}
		}
	}

	private static final String HELLO = """
			def application(environ, start_response):
			    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
			    return [b"Hello world\\n"]
			""";

	private static String app(String server, Shape shape) {
		return (server.equals("uwsgi") ? "u" : "g") + shape.key();
	}

	/** The four apps, each with its server and shape, on this host's Debian Python. */
	private static void install(ConfigurableApplicationContext context, Path dir, String python) throws IOException {
		AppDeployer deployer = context.getBean(AppDeployer.class);
		AppSupervisor supervisor = context.getBean(AppSupervisor.class);
		for (Shape shape : Shape.values()) {
			for (String server : List.of("uwsgi", "gunicorn")) {
				String name = app(server, shape);
				String daemon = (shape == Shape.P2) ? "  method: processes\n  workers: 2\n"
						: "  method: threading\n  workers: 1\n  threads: 8\n";
				String metadata = "format: 1\nname: " + name + "\nversion: 1.0.0\npython: \"==" + python
						+ "\"\nentry:\n  wsgi: hello:application\ndaemon:\n  server: " + server + "\n" + daemon;
				Path archive = dir.resolve(name + ".pyapp");
				try (OutputStream file = Files.newOutputStream(archive);
						ZipOutputStream zip = new ZipOutputStream(file)) {
					zip.putNextEntry(new ZipEntry("metadata.yaml"));
					zip.write(metadata.getBytes(StandardCharsets.UTF_8));
					zip.closeEntry();
					zip.putNextEntry(new ZipEntry("src/hello.py"));
					zip.write(HELLO.getBytes(StandardCharsets.UTF_8));
					zip.closeEntry();
				}
				deployer.install(InstallRequest.archive(archive, name + ".pyapp"));
				String running = supervisor.status(AppId.of(name)).server();
				if (!server.equals(running)) {
					throw new IllegalStateException(name + " runs on " + running + ", not " + server);
				}
			}
		}
	}

	/**
	 * The managed nginx with the configuration the server applied, and Apache httpd and
	 * lighttpd with the configuration it renders for them (each on its own port: the
	 * virtual servers are staged again with that port before rendering).
	 */
	private static Map<String, Integer> pyappWebServers(ConfigurableApplicationContext context, Path home,
			List<WebServerBenchmark.BenchServer> servers) throws Exception {
		MountManager mounts = context.getBean(MountManager.class);
		Map<String, Integer> ports = new LinkedHashMap<>();
		for (String web : WEB) {
			int port = WebServerBenchmark.freePort();
			ports.put(web, port);
			for (Mount mount : mounts.mounts()) {
				mounts.removeMount(mount.server(), mount.path());
			}
			for (VirtualServer server : mounts.servers()) {
				mounts.removeServer(server.name());
			}
			for (Shape shape : Shape.values()) {
				for (String server : List.of("uwsgi", "gunicorn")) {
					String app = app(server, shape);
					mounts.addServer(new VirtualServer(app, List.of(app + ".bench"), "127.0.0.1:" + port, null,
							app.equals("up2")));
					mounts.addMount(Mount.app(app, "/", app));
				}
			}
			if (web.equals("nginx")) {
				mounts.apply();
			}
			else {
				WebServerKind kind = WebServerKind.valueOf(web.toUpperCase(Locale.ROOT));
				servers.add(WebServerBenchmark.BenchServer.rendered(kind, home.resolve("webserver"),
						mounts.render(kind), port));
			}
		}
		return ports;
	}

	/**
	 * uWSGI as one would start it by hand for Piku's stack: master, the processes and
	 * threads, the Python plugin and the app's venv, a unix socket in the uwsgi protocol;
	 * no request log (a strong reference: Piku's writes one).
	 */
	private static Process handUwsgi(Path venv, Path hello, Path socket, Shape shape, Path dir) throws IOException {
		List<String> command = new ArrayList<>(List.of("uwsgi", "--plugin", "python3", "--master", "--processes",
				Integer.toString(shape.processes), "--enable-threads", "--virtualenv", venv.toString(), "--chdir",
				hello.toString(), "--module", "hello:application", "--socket", socket.toString(), "--chmod-socket=666",
				"--disable-logging", "--listen", "1024"));
		if (shape.threads > 1) {
			command.addAll(List.of("--threads", Integer.toString(shape.threads)));
		}
		return start(command, hello, dir.resolve("hand-uwsgi-" + shape.key() + ".log"));
	}

	private static Process gunicornDirect(Path venv, Path hello, int port, Shape shape, Path dir) throws IOException {
		List<String> command = new ArrayList<>(List.of(venv.resolve("bin/gunicorn").toString(), "--bind",
				"127.0.0.1:" + port, "--workers", Integer.toString(shape.processes)));
		command.addAll((shape.threads > 1) ? List.of("--worker-class", "gthread", "--threads", "8")
				: List.of("--worker-class", "sync"));
		command.add("hello:application");
		return start(command, hello, dir.resolve("gunicorn-direct-" + shape.key() + ".log"));
	}

	private static String handConfig(String web, Path socket) {
		String sock = socket.toString();
		return switch (web) {
			case "nginx" -> """
					daemon off;
					@USER@user root;
					worker_processes 1;
					pid @DIR@/run/nginx.pid;
					error_log @DIR@/logs/error.log warn;
					events { worker_connections 4096; }
					http {
					  access_log off;
					  client_body_temp_path @DIR@/tmp/client;
					  proxy_temp_path @DIR@/tmp/proxy;
					  fastcgi_temp_path @DIR@/tmp/fastcgi;
					  uwsgi_temp_path @DIR@/tmp/uwsgi;
					  scgi_temp_path @DIR@/tmp/scgi;
					  keepalive_requests 10000;
					  server {
					    listen 127.0.0.1:@PORT@;
					    location / {
					      include /etc/nginx/uwsgi_params;
					      uwsgi_pass unix:SOCK;
					    }
					  }
					}
					""".replace("SOCK", sock);
			case "apache" -> """
					ServerRoot "@DIR@"
					DefaultRuntimeDir "@DIR@/run"
					PidFile "@DIR@/run/httpd.pid"
					ErrorLog "@DIR@/logs/error.log"
					LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
					LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
					LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
					LoadModule proxy_uwsgi_module /usr/lib/apache2/modules/mod_proxy_uwsgi.so
					@USER@User www-data
					@USER@Group www-data
					ServerName localhost
					KeepAlive On
					MaxKeepAliveRequests 10000
					Listen 127.0.0.1:@PORT@
					<VirtualHost 127.0.0.1:@PORT@>
					  ProxyPass "/" "unix:SOCK|uwsgi://localhost/"
					</VirtualHost>
					""".replace("SOCK", sock);
			case "lighttpd" -> """
					server.modules = ( "mod_scgi" )
					server.document-root = "@DIR@/empty"
					server.bind = "127.0.0.1"
					server.port = @PORT@
					server.pid-file = "@DIR@/run/lighttpd.pid"
					server.errorlog = "@DIR@/logs/error.log"
					server.max-keep-alive-requests = 10000
					scgi.protocol = "uwsgi"
					scgi.server = ( "/" => ( ( "socket" => "SOCK", "check-local" => "disable",
					                           "fix-root-scriptname" => "enable" ) ) )
					""".replace("SOCK", sock);
			default -> throw new IllegalArgumentException(web);
		};
	}

	/**
	 * The order of each round: the case list rotated by the round, with each PyApp uWSGI
	 * case next to its hand-written peer (and for {@code p2} also next to PyApp's
	 * gunicorn case), the group reversed every other round.
	 */
	private static List<List<String>> orders(Map<String, Case> cases, int rounds) {
		List<List<String>> groups = new ArrayList<>();
		for (Case c : cases.values()) {
			if (c.stack().equals("hand-uwsgi") || (c.stack().equals("pyapp-gunicorn") && c.shape() == Shape.P2)) {
				continue;
			}
			String hand = "hand-" + c.web() + "-uwsgi-" + c.shape().key();
			if (c.stack().equals("pyapp-uwsgi") && c.shape() == Shape.P2) {
				// both of its targets paired: the uWSGI case between its two references
				groups.add(List.of(hand, c.name(), "pyapp-" + c.web() + "-gunicorn-" + c.shape().key()));
			}
			else if (c.stack().equals("pyapp-uwsgi")) {
				groups.add(List.of(c.name(), hand));
			}
			else {
				groups.add(List.of(c.name()));
			}
		}
		List<List<String>> orders = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			List<String> order = new ArrayList<>();
			int shift = (round * groups.size()) / Math.max(1, rounds);
			for (int i = 0; i < groups.size(); i++) {
				List<String> group = groups.get((i + shift) % groups.size());
				if (round % 2 == 1) {
					group = new ArrayList<>(group);
					java.util.Collections.reverse(group);
				}
				order.addAll(group);
			}
			orders.add(order);
		}
		return orders;
	}

	private static Measurement wrk(Case c, int seconds, Roots roots) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(PIN);
		command.addAll(List.of("wrk", "-t2", "-c32", "-d" + seconds + "s", "--latency", "-H", "Host: " + c.host(),
				"http://127.0.0.1:" + c.port() + "/"));
		Map<Long, Long> webBefore = (roots != null) ? cpuNanos(roots.web()) : Map.of();
		Map<Long, Long> appBefore = (roots != null) ? cpuNanos(roots.app()) : Map.of();
		String output = run(command);
		Map<Long, Long> webAfter = (roots != null) ? cpuNanos(roots.web()) : Map.of();
		Map<Long, Long> appAfter = (roots != null) ? cpuNanos(roots.app()) : Map.of();
		Matcher rps = REQUESTS.matcher(output);
		Matcher p99 = P99.matcher(output);
		Matcher count = COUNT.matcher(output);
		if (!rps.find() || !p99.find() || !count.find()) {
			throw new IllegalStateException("cannot read wrk's output for " + c.name() + ":\n" + output);
		}
		double latency = Double.parseDouble(p99.group(1));
		latency = switch (p99.group(2)) {
			case "us" -> latency / 1000;
			case "s" -> latency * 1000;
			default -> latency;
		};
		long errors = 0;
		Matcher error = ERRORS.matcher(output);
		while (error.find()) {
			for (int group = 1; group <= error.groupCount(); group++) {
				if (error.group(group) != null) {
					errors += Long.parseLong(error.group(group));
				}
			}
		}
		if (errors > 0) {
			System.out.println(c.name() + ": " + output.strip());
		}
		long requests = Math.max(1, Long.parseLong(count.group(1)));
		double webUs = (roots != null && roots.web() != 0) ? spent(webBefore, webAfter) / 1000.0 / requests
				: Double.NaN;
		double appUs = (roots != null) ? spent(appBefore, appAfter) / 1000.0 / requests : Double.NaN;
		return new Measurement(Double.parseDouble(rps.group(1)), latency, errors, webUs, appUs);
	}

	/**
	 * The processes each case counts CPU time of: PyApp's managed nginx (its pid file) or
	 * the Apache httpd / lighttpd running PyApp's rendered configuration, and the app's
	 * daemon as the supervisor knows it (the sandbox around it included); the
	 * hand-written stack's web server and uWSGI; gunicorn direct.
	 */
	private static Map<String, Roots> roots(ConfigurableApplicationContext context, Path home, Map<String, Case> cases,
			List<WebServerBenchmark.BenchServer> servers, Map<Shape, Process> handUwsgi, Map<Shape, Process> direct)
			throws IOException {
		AppSupervisor supervisor = context.getBean(AppSupervisor.class);
		long nginx = WEB.contains("nginx")
				? Long.parseLong(Files.readString(home.resolve("webserver/run/nginx.pid")).strip()) : 0;
		Map<Integer, Long> byPort = new LinkedHashMap<>();
		for (WebServerBenchmark.BenchServer server : servers) {
			byPort.put(server.port(), server.process().pid());
		}
		Map<String, Roots> roots = new LinkedHashMap<>();
		for (Case c : cases.values()) {
			long web = 0;
			if (c.web() != null) {
				web = (c.stack().startsWith("pyapp-") && c.web().equals("nginx")) ? nginx
						: byPort.getOrDefault(c.port(), 0L);
			}
			long app = switch (c.stack()) {
				case "hand-uwsgi" -> handUwsgi.get(c.shape()).pid();
				case "gunicorn-direct" -> direct.get(c.shape()).pid();
				default -> {
					Long pid = supervisor.status(AppId.of(app(c.stack().substring("pyapp-".length()), c.shape())))
						.pid();
					yield (pid != null) ? pid : 0;
				}
			};
			roots.put(c.name(), new Roots(web, app));
		}
		return roots;
	}

	/**
	 * CPU time (user + system, every thread) of a process and of every process below it
	 * now, by pid.
	 */
	private static Map<Long, Long> cpuNanos(long root) {
		Map<Long, Long> cpu = new LinkedHashMap<>();
		if (root == 0) {
			return cpu;
		}
		ProcessHandle.of(root).ifPresent((handle) -> {
			List<ProcessHandle> all = new ArrayList<>(List.of(handle));
			handle.descendants().forEach(all::add);
			for (ProcessHandle process : all) {
				process.info().totalCpuDuration().ifPresent((d) -> cpu.put(process.pid(), d.toNanos()));
			}
		});
		return cpu;
	}

	/**
	 * CPU time spent between two snapshots: a process that started in between counts from
	 * zero; one that ended in between is lost (rare: the servers keep their processes).
	 */
	private static long spent(Map<Long, Long> before, Map<Long, Long> after) {
		long total = 0;
		for (Map.Entry<Long, Long> entry : after.entrySet()) {
			total += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
		}
		return total;
	}

	private static void awaitAnswers(Iterable<Case> cases) throws Exception {
		for (Case c : cases) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (true) {
				try (HttpLoad.Connection connection = new HttpLoad.Connection(HttpLoad.tcp(c.port()))) {
					HttpLoad.Response response = connection
						.send("GET / HTTP/1.1\r\nHost: " + c.host() + "\r\nConnection: close\r\n\r\n");
					if (response.status() == 200 && response.body().equals("Hello world\n")) {
						break;
					}
					throw new IOException("status " + response.status() + ": " + response.body());
				}
				catch (IOException ex) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException(c.name() + " does not answer: " + ex.getMessage(), ex);
					}
					Thread.sleep(200);
				}
			}
		}
	}

	private static void report(Map<String, Case> cases, List<Map<String, Measurement>> results, int seconds, int rounds,
			String loadBefore, String python, Path out, double settled, double jvmShare) throws IOException {
		String loadAfter = loadAverage();
		StringBuilder json = new StringBuilder();
		json.append("{\n  \"date\": \"")
			.append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
			.append("\",\n  \"app\": \"hello world WSGI, ")
			.append(Shape.P2.label)
			.append(" and ")
			.append(Shape.T8.label)
			.append("\",\n  \"python\": \"")
			.append(python)
			.append("\",\n  \"load\": \"wrk -t2 -c32 -d")
			.append(seconds)
			.append("s, 1 s warm-up per case\",\n  \"wrk_pinning\": \"")
			.append(PIN.isEmpty() ? "none" : String.join(" ", PIN))
			.append("\",\n  \"cpu_us_per_request\": \"CPU time (user + system) of the web server's processes and of "
					+ "the app server's processes (each with every process below it: workers, the sandbox) during "
					+ "the counted wrk run, per request answered; median of the rounds\"")
			.append(",\n  \"warm_up_round\": \"one whole round (1 s + ")
			.append(Math.min(seconds, 2))
			.append(" s per case) before the counted ones, not counted\",\n  \"jvm_cpu_share_when_started\": ")
			.append(String.format(Locale.ROOT, "%.3f", settled))
			.append(",\n  \"jvm_cpu_share_during_rounds\": ")
			.append(String.format(Locale.ROOT, "%.3f", jvmShare))
			.append(",\n  \"rounds\": ")
			.append(rounds)
			.append(",\n  \"cpus\": ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(",\n  \"load_average_before\": \"")
			.append(loadBefore)
			.append("\",\n  \"load_average_after\": \"")
			.append(loadAfter)
			.append("\",\n  \"cases\": [\n");
		List<String> rows = new ArrayList<>();
		System.out.printf("%n%-30s %10s %9s %7s %8s %8s  %s%n", "case (median of " + rounds + " rounds)", "req/s",
				"p99 ms", "errors", "web us", "app us", "rounds");
		for (Case c : cases.values()) {
			List<Measurement> all = results.stream().map((round) -> round.get(c.name())).toList();
			double rps = median(all.stream().mapToDouble(Measurement::rps).toArray());
			double p99 = median(all.stream().mapToDouble(Measurement::p99ms).toArray());
			long errors = all.stream().mapToLong(Measurement::errors).sum();
			String each = String.join(", ",
					all.stream().map((m) -> String.format(Locale.ROOT, "%.0f", m.rps())).toList());
			double webUs = median(all.stream().mapToDouble(Measurement::webUs).toArray());
			double appUs = median(all.stream().mapToDouble(Measurement::appUs).toArray());
			System.out.printf(Locale.ROOT, "%-30s %10.0f %9.2f %7d %8.1f %8.1f  %s%n", c.name(), rps, p99, errors,
					webUs, appUs, each);
			rows.add(String.format(Locale.ROOT,
					"    {\"case\": \"%s\", \"stack\": \"%s\", \"web_server\": %s, \"shape\": \"%s\", "
							+ "\"requests_per_second\": %.0f, \"p99_ms\": %.2f, \"errors\": %d, "
							+ "\"cpu_us_per_request\": {\"web_server\": %s, \"app_server\": %s}, \"by_round\": [%s]}",
					c.name(), c.stack(), (c.web() != null) ? "\"" + c.web() + "\"" : "null", c.shape().label, rps, p99,
					errors, number(webUs), number(appUs), each));
		}
		json.append(String.join(",\n", rows)).append("\n  ],\n  \"targets\": [\n");
		List<String> targets = new ArrayList<>();
		System.out.printf("%n%-44s %8s %8s  %s%n", "target (median of the rounds' ratios)", "ratio", "needed", "met");
		for (String web : WEB) {
			for (Shape shape : SHAPES) {
				String pyapp = "pyapp-" + web + "-uwsgi-" + shape.key();
				targets.add(target(results, pyapp, "hand-" + web + "-uwsgi-" + shape.key(), 0.95,
						web + " " + shape.key() + ": PyApp uWSGI / hand-written uWSGI"));
				if (shape == Shape.P2) {
					targets.add(target(results, pyapp, "pyapp-" + web + "-gunicorn-" + shape.key(), 3.0,
							web + " " + shape.key() + ": PyApp uWSGI / PyApp gunicorn"));
				}
			}
		}
		json.append(String.join(",\n", targets)).append("\n  ]\n}\n");
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, json.toString());
		System.out.printf(Locale.ROOT,
				"%nload average before: %s, after: %s%nserver in this JVM during the rounds: %.1f%% of one CPU%nWritten to %s%n",
				loadBefore, loadAfter, jvmShare * 100, out);
	}

	private static String target(List<Map<String, Measurement>> results, String measured, String against, double needed,
			String label) {
		double[] ratios = results.stream()
			.mapToDouble((round) -> round.get(measured).rps() / round.get(against).rps())
			.toArray();
		double ratio = median(ratios);
		boolean met = ratio >= needed;
		System.out.printf(Locale.ROOT, "%-44s %8.3f %8.2f  %s%n", label, ratio, needed, met ? "yes" : "NO");
		List<String> each = new ArrayList<>();
		for (double r : ratios) {
			each.add(String.format(Locale.ROOT, "%.3f", r));
		}
		return String.format(Locale.ROOT,
				"    {\"target\": \"%s\", \"case\": \"%s\", \"against\": \"%s\", \"ratio\": %.3f, \"needed\": %.2f, "
						+ "\"met\": %s, \"by_round\": [%s]}",
				label, measured, against, ratio, needed, met, String.join(", ", each));
	}

	private static String number(double value) {
		return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.1f", value);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	/**
	 * Starts a daemon in a session of its own, as PyApp starts its daemons and as a
	 * service manager starts a hand-written stack's: Linux's autogroup scheduling gives
	 * each session one CPU share, so a server left in this JVM's session (with wrk) would
	 * be scheduled differently from PyApp's, and the comparison would measure that.
	 */
	private static Process start(List<String> command, Path directory, Path log) throws IOException {
		List<String> own = new ArrayList<>(List.of("setsid"));
		own.addAll(command);
		return new ProcessBuilder(own).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
	}

	private static void stop(Process process) throws InterruptedException, IOException {
		// uWSGI 2.0 started by hand reloads on SIGTERM and stops on SIGINT, as gunicorn
		// (setsid exec()s the server: it is this process, not a child of it)
		new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
		if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
			process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
	}

	private static String run(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IllegalStateException(command + " failed:\n" + output);
		}
		return output;
	}

	/**
	 * Waits until the server in this JVM (provisioning, JIT compilation, log ingest of
	 * the installs) uses less than {@link #QUIET_CPU} of one CPU over 2 s, for at most
	 * {@link #QUIET_WAIT}. Returns the last share measured.
	 */
	private static double awaitQuiet() throws InterruptedException {
		long deadline = System.nanoTime() + QUIET_WAIT.toNanos();
		double share;
		do {
			long cpu = jvmCpuNanos();
			long wall = System.nanoTime();
			Thread.sleep(2000);
			share = (jvmCpuNanos() - cpu) / (double) (System.nanoTime() - wall);
		}
		while (share > QUIET_CPU && System.nanoTime() < deadline);
		return share;
	}

	/**
	 * CPU time of this JVM (its threads only; wrk and the daemons are other processes).
	 */
	private static long jvmCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).strip();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

}
