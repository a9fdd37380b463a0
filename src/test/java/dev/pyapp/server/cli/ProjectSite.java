package dev.pyapp.server.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AtomicFiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user does with a project of their own (GH-15): {@code pyapp init},
 * {@code pyapp package} and every other command through the CLI against the real server,
 * and requests through the managed web server under a host name that is not
 * {@code localhost} (curl's {@code --resolve}, one cookie jar per site, as a browser
 * keeps them). Records how long the slow steps took.
 */
final class ProjectSite {

	final Path home;

	final Path workspace;

	final String hostname;

	final int webPort;

	private final Path cookies;

	private final List<String> timings = new ArrayList<>();

	private int apiPort;

	ProjectSite(Path home, String hostname) throws IOException {
		this.home = home;
		this.workspace = Files.createTempDirectory(Path.of("/tmp"), "ws");
		this.hostname = hostname;
		this.webPort = freePort();
		this.cookies = this.workspace.resolve("cookies.txt");
	}

	static Path newHome() {
		// short: app sockets live below it
		return dev.pyapp.server.venv.ServerPackagesTemplate.copyInto(TestHomes.create(Path.of("/tmp"), "pa"));
	}

	void apiPort(int port) {
		this.apiPort = port;
	}

	/** Runs {@code pyapp ARGS...} in the workspace and expects exit code 0. */
	CliRun pyapp(String... args) {
		CliRun run = pyappExit(args);
		assertThat(run.exitCode()).as("pyapp %s: %s%s", String.join(" ", args), run.out(), run.err()).isZero();
		return run;
	}

	/** Runs {@code pyapp ARGS...} in the workspace, whatever its exit code. */
	CliRun pyappExit(String... args) {
		return CliRun.run(
				Map.of("PYAPP_URL", "http://127.0.0.1:" + this.apiPort + "/rpc", "PYAPP_HOME", this.home.toString()),
				this.workspace, args);
	}

	/** Runs {@code pyapp ARGS...} and notes how long it took under {@code what}. */
	CliRun timed(String what, String... args) {
		long started = System.nanoTime();
		CliRun run = pyapp(args);
		this.timings.add(what + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
		return run;
	}

	List<String> timings() {
		return List.copyOf(this.timings);
	}

	/** The origin a browser sends for pages of the site. */
	String origin() {
		return "http://" + this.hostname + ":" + this.webPort;
	}

	Response get(String path) throws IOException {
		return curl(this.hostname, path, List.of());
	}

	/** A GET for another host name on the same listen address. */
	Response getAs(String hostname, String path) throws IOException {
		return curl(hostname, path, List.of());
	}

	/** A form POST as a browser sends it: Origin and Referer of the site, the cookies. */
	Response post(String path, Map<String, String> form) throws IOException {
		List<String> args = new ArrayList<>(List.of("-H", "Origin: " + origin(), "-H", "Referer: " + origin() + path));
		form.forEach((name, value) -> {
			args.add("--data-urlencode");
			args.add(name + "=" + value);
		});
		return curl(this.hostname, path, args);
	}

	private Response curl(String host, String path, List<String> extra) throws IOException {
		List<String> command = new ArrayList<>(
				List.of("curl", "-s", "-i", "--max-time", "60", "--resolve", host + ":" + this.webPort + ":127.0.0.1",
						"-b", this.cookies.toString(), "-c", this.cookies.toString()));
		command.addAll(extra);
		command.add("http://" + host + ":" + this.webPort + path);
		Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
		String raw = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		try {
			assertThat(curl.waitFor(90, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		int end = raw.indexOf("\r\n\r\n");
		assertThat(end).as("a response to %s: %s", path, raw).isPositive();
		String head = raw.substring(0, end);
		Matcher status = Pattern.compile("^HTTP/\\S+ (\\d{3})").matcher(head);
		assertThat(status.find()).as(head).isTrue();
		return new Response(Integer.parseInt(status.group(1)), head, raw.substring(end + 4));
	}

	/** Removes the workspace and stops what outlives the server by design. */
	void cleanUp() throws IOException {
		if (Files.isDirectory(this.home)) {
			try (var files = Files.walk(this.home)) {
				for (Path pidFile : files.filter((file) -> file.toString().endsWith(".pid")).toList()) {
					try {
						long pid = Long.parseLong(Files.readString(pidFile).trim());
						ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
					}
					catch (IOException | NumberFormatException ex) {
						// gone already
					}
				}
			}
		}
		AtomicFiles.deleteTree(this.workspace);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * One HTTP response.
	 *
	 * @param status its status code
	 * @param head the status line and the headers
	 * @param body the body
	 */
	record Response(int status, String head, String body) {

		List<String> headers(String name) {
			return head().lines()
				.filter((line) -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
				.map((line) -> line.substring(name.length() + 1).trim())
				.toList();
		}

		/** The value of a hidden form field, such as a CSRF token. */
		String field(String name) {
			Matcher value = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(body());
			assertThat(value.find()).as("a field %s in %s", name, body()).isTrue();
			return value.group(1);
		}

	}

}
