package dev.pyapp.server.nodes.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.Sha256;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.NodeInstallRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Installs the agent on a node over SSH: checks the host (OS, python3 with venv, the web
 * server, Java 17+), installs what is missing with apt-get when allowed, uploads this
 * server's jar, and runs it in agent mode (API on the node's 127.0.0.1 only, its own
 * {@code PYAPP_HOME}) as a systemd service, or where there is no systemd as a supervised
 * background process. The agent makes its own API token; it is read over SSH and never
 * passes a command line.
 */
@Component
public class NodeInstaller {

	/** Small heap and quick start: an agent only runs the API and supervises. */
	static final List<String> JAVA_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

	/** The pause before an agent that listens but did not answer is waited for again. */
	private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

	private static final Map<String, String> WEBSERVER_BINARIES = Map.of("nginx", "nginx", "apache", "apache2",
			"lighttpd", "lighttpd");

	private static final Map<String, String> WEBSERVER_PACKAGES = Map.of("nginx", "nginx", "apache", "apache2",
			"lighttpd", "lighttpd");

	private final NodeStates states;

	private final NodeSecrets secrets;

	private final NodeClient client;

	private final NodesProperties properties;

	private volatile @Nullable String jarDigest;

	NodeInstaller(NodeStates states, NodeSecrets secrets, NodeClient client, NodesProperties properties) {
		this.states = states;
		this.secrets = secrets;
		this.client = client;
		this.properties = properties;
	}

	public NodeDocument install(NodeDocument node, NodeInstallRequest request, SshNodeShell shell) {
		String name = node.name();
		NodeDocument.Agent previous = node.agent();
		String webserver = (request.webserver() != null) ? request.webserver()
				: (previous != null) ? previous.webserver() : "nginx";
		if (!WEBSERVER_BINARIES.containsKey(webserver)) {
			throw PyappException.invalid("invalid install",
					List.of(new Problem("webserver", "expected one of nginx, apache, lighttpd")));
		}
		Path jar = jar();
		this.states.progress(name, "connect", "connecting to " + node.user() + "@" + node.host() + ":" + node.port());
		this.states.progress(name, "check", "checking the host");
		Map<String, String> facts = check(shell);
		List<String> missing = missing(facts, webserver);
		if (!missing.isEmpty()) {
			installPackages(name, shell, facts, missing, request.allowPackages());
			facts = check(shell);
			List<String> still = missing(facts, webserver);
			if (!still.isEmpty()) {
				throw PyappException.failed("node '" + name + "' still lacks " + still + " after apt-get",
						describe(facts));
			}
		}
		boolean root = "0".equals(facts.get("uid"));
		String home = (request.home() != null) ? request.home() : (previous != null) ? previous.home()
				: root ? "/srv/pyapp-agent" : facts.getOrDefault("home", "/tmp") + "/.pyapp-agent";
		if (!home.matches("^/[A-Za-z0-9._/-]+$") || home.contains("/../") || home.endsWith("/..")) {
			throw PyappException.invalid("invalid install", List.of(new Problem("home",
					"'" + home + "' must be an absolute path of letters, digits, '.', '_', '-' and '/'")));
		}
		String java = facts.get("java");
		String service = root && facts.containsKey("systemd") ? "systemd" : "process";

		this.states.progress(name, "upload", "stopping a running agent and uploading the server jar to " + home);
		run(shell, "stop", List.of("sh", "-c", AgentScripts.STOP, "sh", home), Duration.ofMinutes(2));
		run(shell, "upload", List.of("mkdir", "-p", home + "/logs"), Duration.ofSeconds(30));
		run(shell, "upload", List.of("chmod", "700", home, home + "/logs"), Duration.ofSeconds(30));
		uploadJar(shell, jar, home, facts.containsKey("sha256sum"));
		Integer wanted = (request.agentPort() != null) ? request.agentPort()
				: (previous != null) ? Integer.valueOf(previous.port()) : null;
		int port = Integer.parseInt(run(shell, "port",
				List.of("sh", "-c", AgentScripts.FREE_PORT, "sh", String.valueOf((wanted != null) ? wanted : 0)),
				Duration.ofSeconds(30))
			.trim());
		upload(shell, agentProperties(home, port, webserver), home + "/agent.properties", "600");

		this.states.progress(name, "service", "starting the agent as a " + service + " service on 127.0.0.1:" + port);
		long supervisor = 0;
		List<String> javaCommand = new ArrayList<>();
		javaCommand.add(java);
		javaCommand.addAll(JAVA_OPTIONS);
		if ("systemd".equals(service)) {
			upload(shell, AgentScripts.unit(node.user(), home, String.join(" ", javaCommand)),
					"/etc/systemd/system/pyapp-agent.service", "644");
			run(shell, "service", List.of("systemctl", "daemon-reload"), Duration.ofMinutes(1));
			run(shell, "service", List.of("systemctl", "enable", "pyapp-agent.service"), Duration.ofMinutes(1));
			run(shell, "service", List.of("systemctl", "restart", "pyapp-agent.service"), Duration.ofMinutes(1));
		}
		else {
			upload(shell, AgentScripts.RUN, home + "/agent-run.sh", "700");
			List<String> command = new ArrayList<>(List.of("sh", home + "/agent-run.sh"));
			command.addAll(javaCommand);
			supervisor = shell.start(ExecRequest.of(command).in(Path.of(home))).pid();
		}

		this.states.progress(name, "start", "waiting for the agent to answer");
		List<String> wait = List.of("sh", "-c", AgentScripts.WAIT, "sh", home, String.valueOf(port), service,
				String.valueOf(supervisor), String.valueOf(this.properties.agentStartTimeout().toSeconds()));
		try {
			NodeDocument installed = firstAnswer(() -> {
				run(shell, "start", wait, this.properties.agentStartTimeout().plusSeconds(30));
				// read on every attempt: a token left by an agent installed before is
				// replaced once the new one has started
				String token = shell.read(home + "/api-token")
					.map(String::trim)
					.filter((text) -> !text.isEmpty())
					.orElseThrow(
							() -> PyappException.failed("the agent on node '" + name + "' wrote no API token", null));
				NodeDocument.Agent agent = new NodeDocument.Agent(home, port, service, webserver,
						this.secrets.encrypt(token), null, Instant.now());
				NodeDocument asked = node.withAgent(agent, "installed");
				JsonNode info = this.client.probe(asked, "server.info", null, Duration.ofSeconds(30));
				return asked.withAgent(new NodeDocument.Agent(home, port, service, webserver, agent.sealedToken(),
						info.path("version").asString(null), agent.installed()), "installed");
			}, this.properties.agentStartTimeout(), RETRY_PAUSE, (problem) -> this.states.progress(name, "start",
					"the agent listens but did not answer (" + problem + "); waiting for it again"));
			NodeDocument.Agent agent = Objects.requireNonNull(installed.agent());
			this.states.progress(name, "done", "the agent " + agent.version() + " runs in " + home);
			return installed;
		}
		catch (RuntimeException ex) {
			// an agent that never answered is not left running (and restarting) behind a
			// failed install
			try {
				run(shell, "stop", List.of("sh", "-c", AgentScripts.STOP, "sh", home), Duration.ofMinutes(2));
			}
			catch (RuntimeException stop) {
				ex.addSuppressed(stop);
			}
			throw ex;
		}
	}

	/**
	 * The first answer of a freshly started agent. Listening is not answering yet: the
	 * agent may have ended and been started again by its supervisor, or the tunnel's
	 * first connection may have been a stale one. So an attempt (wait until the agent
	 * listens, then ask it something that changes nothing) that fails with {@code FAILED}
	 * is made again after a pause, until the timeout; any other failure ends it at once.
	 * @param attempt waits for the agent and asks it
	 * @param timeout how long attempts are started
	 * @param pause the pause after a failed attempt
	 * @param retrying told the failure of each attempt made again
	 * @return the first attempt's answer
	 */
	static <T> T firstAnswer(Supplier<T> attempt, Duration timeout, Duration pause, Consumer<String> retrying) {
		Instant deadline = Instant.now().plus(timeout);
		while (true) {
			try {
				return attempt.get();
			}
			catch (PyappException ex) {
				if (ex.getKind() != ErrorKind.FAILED || Instant.now().plus(pause).isAfter(deadline)) {
					throw ex;
				}
				retrying.accept(String.valueOf(ex.getMessage()));
			}
			pause(pause);
		}
	}

	private static void pause(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw PyappException.failed("interrupted while waiting for the agent", null);
		}
	}

	public void uninstall(NodeDocument node, SshNodeShell shell, boolean purge) {
		NodeDocument.Agent agent = node.agent();
		if (agent == null) {
			return;
		}
		String home = agent.home();
		run(shell, "stop", List.of("sh", "-c", AgentScripts.STOP, "sh", home), Duration.ofMinutes(2));
		run(shell, "uninstall", List.of("sh", "-c", AgentScripts.UNINSTALL, "sh", home, purge ? "yes" : "no"),
				Duration.ofMinutes(5));
	}

	private Map<String, String> check(SshNodeShell shell) {
		String output = run(shell, "check", List.of("sh", "-c", AgentScripts.CHECK), Duration.ofMinutes(1));
		Map<String, String> facts = new LinkedHashMap<>();
		for (String line : output.split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				facts.put(line.substring(0, equals), line.substring(equals + 1).trim());
			}
		}
		return facts;
	}

	static List<String> missing(Map<String, String> facts, String webserver) {
		List<String> packages = new ArrayList<>();
		if (!facts.containsKey("python")) {
			packages.add("python3");
		}
		if (!facts.containsKey("venv")) {
			packages.add("python3-venv");
		}
		if (!facts.containsKey("java") || javaVersion(facts.get("java.version")) < 17) {
			packages.add("openjdk-17-jre-headless");
		}
		if (!facts.containsKey("webserver." + WEBSERVER_BINARIES.get(webserver))) {
			packages.add(WEBSERVER_PACKAGES.get(webserver));
		}
		if (!facts.containsKey("setsid")) {
			packages.add("util-linux");
		}
		return packages;
	}

	private static int javaVersion(@Nullable String version) {
		try {
			return (version != null) ? Integer.parseInt(version.replaceFirst("^1\\.", "").replaceAll("\\D.*", "")) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private void installPackages(String name, SshNodeShell shell, Map<String, String> facts, List<String> missing,
			boolean allowed) {
		String command = "apt-get install -y --no-install-recommends " + String.join(" ", missing);
		if (!allowed) {
			throw PyappException.failed("node '" + name + "' lacks " + String.join(", ", missing) + ": install them ("
					+ command + ") or pass allow_packages: true", describe(facts));
		}
		List<String> apt = new ArrayList<>();
		if (!facts.containsKey("apt")) {
			throw PyappException.failed("node '" + name + "' lacks " + String.join(", ", missing)
					+ " and has no apt-get: install them by hand", describe(facts));
		}
		if (!"0".equals(facts.get("uid"))) {
			if (!facts.containsKey("sudo")) {
				throw PyappException.failed(
						"node '" + name + "' lacks " + String.join(", ", missing) + " and user "
								+ "cannot install packages (not root, no password-less sudo): run " + command,
						describe(facts));
			}
			apt.addAll(List.of("sudo", "-n"));
		}
		apt.addAll(List.of("sh", "-c", AgentScripts.APT, "sh"));
		apt.addAll(missing);
		this.states.progress(name, "packages", "installing " + String.join(" ", missing));
		run(shell, "packages", apt, Duration.ofMinutes(20), (line) -> this.states.progress(name, "packages", line));
	}

	private void uploadJar(SshNodeShell shell, Path jar, String home, boolean canCompare) {
		String digest = digest(jar);
		String target = home + "/pyapp-server.jar";
		if (canCompare) {
			ExecResult present = shell.exec(ExecRequest.of("sha256sum", target).withTimeout(Duration.ofMinutes(1)));
			if (present.succeeded() && present.output().startsWith(digest)) {
				return;
			}
		}
		try (InputStream content = Files.newInputStream(jar)) {
			shell.upload(content, target, "600");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + jar, ex);
		}
	}

	private static void upload(SshNodeShell shell, String text, String path, String mode) {
		shell.upload(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), path, mode);
	}

	static String agentProperties(String home, int port, String webserver) {
		Properties properties = new Properties();
		properties.setProperty("pyapp.home", home);
		properties.setProperty("pyapp.agent", "true");
		properties.setProperty("pyapp.nodes.agent", "true");
		properties.setProperty("pyapp.api.public", "false");
		properties.setProperty("server.address", "127.0.0.1");
		properties.setProperty("server.port", Integer.toString(port));
		// a stop must not wait for the manager's long-polling log tail to end
		properties.setProperty("server.shutdown", "immediate");
		properties.setProperty("pyapp.webserver.managed", "true");
		properties.setProperty("pyapp.webserver.kind", webserver);
		StringWriter text = new StringWriter();
		try {
			properties.store(text, "PyApp agent, written by the PyApp manager (nodes.install)");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString();
	}

	private Path jar() {
		return ServerJar.forAgent(this.properties.agentJar(), System.getProperty("java.class.path", ""));
	}

	private String digest(Path jar) {
		String cached = this.jarDigest;
		if (cached != null) {
			return cached;
		}
		String digest = Sha256.of(jar);
		this.jarDigest = digest;
		return digest;
	}

	private String run(SshNodeShell shell, String step, List<String> command, Duration timeout) {
		return run(shell, step, command, timeout, null);
	}

	private String run(SshNodeShell shell, String step, List<String> command, Duration timeout,
			java.util.function.@Nullable Consumer<String> lines) {
		ExecResult result = shell.exec(ExecRequest.of(command).withTimeout(timeout).withLines(lines));
		if (!result.succeeded()) {
			throw PyappException.failed(
					"step '" + step + "' failed on the node"
							+ (result.timedOut() ? " (timed out)" : " (exit code " + result.exitCode() + ")"),
					result.output());
		}
		return result.output();
	}

	private static String describe(Map<String, String> facts) {
		StringBuilder text = new StringBuilder();
		facts.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
		return text.toString();
	}

}
