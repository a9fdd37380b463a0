package dev.pyapp.server.packaging.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pyapp.server.packaging.AppManifest.BindKind;
import dev.pyapp.server.packaging.AppManifest.Daemon;
import dev.pyapp.server.packaging.AppManifest.DaemonMethod;
import dev.pyapp.server.packaging.AppManifest.Health;
import dev.pyapp.server.packaging.AppManifest.Task;
import dev.pyapp.server.packaging.AppManifest.UpdateStrategy;
import dev.pyapp.server.packaging.AppManifest.Updates;
import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;

import org.springframework.scheduling.support.CronExpression;

/**
 * The sections of {@code metadata.yaml} about running an app: {@code daemon},
 * {@code health}, {@code updates}, {@code hooks} and {@code tasks}. Each method takes the
 * section's node ({@code null} when absent) and returns its value or its default,
 * recording problems in the tree.
 */
final class ManifestSections {

	static final int MAX_WORKERS = AppManifest.Daemon.MAX_WORKERS;

	static final int MAX_THREADS = AppManifest.Daemon.MAX_THREADS;

	private static final Pattern DURATION = Pattern.compile("^([0-9]{1,7})(ms|s|m|h)$");

	private static final Duration MAX_HEALTH_TIMEOUT = Duration.ofMinutes(10);

	private static final Pattern HEALTH_PATH = Pattern.compile("^/[^\\s\\p{Cntrl}#]{0,1999}$");

	/**
	 * A host name or an IPv4 address, or a bracketed IPv6 address, with an optional port.
	 */
	private static final Pattern HEALTH_HOST = Pattern
		.compile("^(?=[^:]{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
				+ "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$"
				+ "|^\\[[0-9A-Fa-f:.]{2,45}\\](?::[0-9]{1,5})?$");

	private static final Pattern BRANCH = Pattern.compile("^(?!-)(?!.*\\.\\.)[A-Za-z0-9._/-]{1,200}(?<![/.])$");

	private static final Pattern TAG_PATTERN = Pattern.compile("^[A-Za-z0-9._/*?\\[\\]!+-]{1,200}$");

	private static final Pattern TASK_NAME = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");

	private final YamlTree yaml;

	ManifestSections(YamlTree yaml) {
		this.yaml = yaml;
	}

	/**
	 * Defaults: threading runs 1 worker with 8 threads; processes runs 2 single-threaded
	 * workers; bind is socket.
	 */
	Daemon daemon(@Nullable Node node) {
		if (node == null) {
			return Daemon.DEFAULT;
		}
		Map<String, Node> keys = this.yaml.mapping(node, "daemon",
				List.of("method", "workers", "threads", "bind", "server"));
		if (keys == null) {
			return Daemon.DEFAULT;
		}
		DaemonMethod method = DaemonMethod.THREADING;
		String methodText = text(keys, "daemon.method", "threading or processes");
		if ("processes".equals(methodText)) {
			method = DaemonMethod.PROCESSES;
		}
		else if (methodText != null && !methodText.equals("threading")) {
			this.yaml.problem("daemon.method", "expected threading or processes; found '" + methodText + "'");
		}
		int workers = (method == DaemonMethod.PROCESSES) ? 2 : 1;
		int threads = (method == DaemonMethod.PROCESSES) ? 1 : 8;
		if (keys.get("workers") != null) {
			Integer value = this.yaml.integer(keys.get("workers"), "daemon.workers", 1, MAX_WORKERS);
			workers = (value != null) ? value : workers;
		}
		if (keys.get("threads") != null) {
			Integer value = this.yaml.integer(keys.get("threads"), "daemon.threads", 1, MAX_THREADS);
			threads = (value != null) ? value : threads;
		}
		BindKind bind = BindKind.SOCKET;
		String bindText = text(keys, "daemon.bind", "socket or port");
		if ("port".equals(bindText)) {
			bind = BindKind.PORT;
		}
		else if (bindText != null && !bindText.equals("socket")) {
			this.yaml.problem("daemon.bind", "expected socket or port; found '" + bindText + "'");
		}
		String server = text(keys, "daemon.server", String.join(" or ", Daemon.SERVERS));
		if (server != null && !Daemon.SERVERS.contains(server)) {
			this.yaml.problem("daemon.server",
					"expected " + String.join(" or ", Daemon.SERVERS) + "; found '" + server + "'");
			server = null;
		}
		return new Daemon(method, workers, threads, bind, server);
	}

	Health health(@Nullable Node node) {
		if (node == null) {
			return Health.DEFAULT;
		}
		Map<String, Node> keys = this.yaml.mapping(node, "health", List.of("path", "timeout", "host"));
		if (keys == null) {
			return Health.DEFAULT;
		}
		String path = text(keys, "health.path", "a path below the mount such as /health");
		if (path != null && !HEALTH_PATH.matcher(path).matches()) {
			this.yaml.problem("health.path",
					"expected a path below the mount starting with '/', such as /health; found '" + path + "'");
		}
		Duration timeout = Health.DEFAULT.timeout();
		String timeoutText = text(keys, "health.timeout", "a duration such as 10s, 500ms or 2m");
		if (timeoutText != null) {
			Duration parsed = duration(timeoutText);
			if (parsed == null || parsed.isZero() || parsed.compareTo(MAX_HEALTH_TIMEOUT) > 0) {
				this.yaml.problem("health.timeout",
						"expected a duration from 1ms to 10m such as 10s, 500ms or 2m; found '" + timeoutText + "'");
			}
			else {
				timeout = parsed;
			}
		}
		String host = text(keys, "health.host", "a host name such as www.example.org");
		if (host != null && !HEALTH_HOST.matcher(host).matches()) {
			this.yaml.problem("health.host", "expected a host name such as www.example.org (or an IP address), "
					+ "optionally with :port, as the Host header of the health check; found '" + host + "'");
			host = null;
		}
		return new Health((path != null) ? path : Health.DEFAULT.path(), timeout, host);
	}

	/** Parses {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}. */
	static @Nullable Duration duration(String text) {
		Matcher matcher = DURATION.matcher(text.trim());
		if (!matcher.matches()) {
			return null;
		}
		long amount = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2)) {
			case "ms" -> Duration.ofMillis(amount);
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofHours(amount);
		};
	}

	Updates updates(@Nullable Node node) {
		if (node == null) {
			return Updates.DEFAULT;
		}
		Map<String, Node> keys = this.yaml.mapping(node, "updates",
				List.of("strategy", "branch", "tag_pattern", "auto"));
		if (keys == null) {
			return Updates.DEFAULT;
		}
		UpdateStrategy strategy = UpdateStrategy.ALWAYS_LATEST;
		String strategyText = text(keys, "updates.strategy", "always-latest, one-branch or latest-tag");
		if (strategyText != null) {
			UpdateStrategy parsed = UpdateStrategy.of(strategyText);
			if (parsed == null) {
				this.yaml.problem("updates.strategy",
						"expected always-latest, one-branch or latest-tag; found '" + strategyText + "'");
			}
			else {
				strategy = parsed;
			}
		}
		String branch = text(keys, "updates.branch", "a branch name such as main");
		if (branch != null && !BRANCH.matcher(branch).matches()) {
			this.yaml.problem("updates.branch", "expected a git branch name such as main; found '" + branch + "'");
		}
		else if (branch == null && strategy == UpdateStrategy.ONE_BRANCH && !keys.containsKey("branch")) {
			this.yaml.problem("updates.branch",
					"required with strategy one-branch; expected a branch name such as main");
		}
		String tagPattern = text(keys, "updates.tag_pattern", "a glob such as v*");
		if (tagPattern != null && !TAG_PATTERN.matcher(tagPattern).matches()) {
			this.yaml.problem("updates.tag_pattern", "expected a tag glob such as v*; found '" + tagPattern + "'");
		}
		else if (tagPattern == null && strategy == UpdateStrategy.LATEST_TAG && !keys.containsKey("tag_pattern")) {
			this.yaml.problem("updates.tag_pattern", "required with strategy latest-tag; expected a glob such as v*");
		}
		boolean auto = true;
		if (keys.get("auto") != null) {
			Boolean value = this.yaml.bool(keys.get("auto"), "updates.auto");
			auto = (value != null) ? value : auto;
		}
		return new Updates(strategy, branch, tagPattern, auto);
	}

	Map<String, String> hooks(@Nullable Node node) {
		if (node == null) {
			return Map.of();
		}
		Map<String, Node> keys = this.yaml.mapping(node, "hooks", AppManifest.HOOK_NAMES);
		if (keys == null) {
			return Map.of();
		}
		Map<String, String> hooks = new LinkedHashMap<>();
		for (String name : AppManifest.HOOK_NAMES) {
			if (keys.get(name) != null) {
				String call = ManifestParser.callable(this.yaml, keys.get(name), "hooks." + name,
						"myapp.hooks:" + name.replace('-', '_'));
				if (call != null) {
					hooks.put(name, call);
				}
			}
		}
		return Collections.unmodifiableMap(hooks);
	}

	List<Task> tasks(@Nullable Node node) {
		if (node == null) {
			return List.of();
		}
		List<Node> items = this.yaml.list(node, "tasks", "{name, schedule, call} mappings");
		List<Task> tasks = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; items != null && i < items.size(); i++) {
			String path = YamlTree.item("tasks", i);
			Map<String, Node> keys = this.yaml.mapping(items.get(i), path, List.of("name", "schedule", "call"));
			if (keys == null) {
				continue;
			}
			String name = requiredText(keys, path + ".name", "a task name such as purge-sessions");
			if (name != null && !TASK_NAME.matcher(name).matches()) {
				this.yaml.problem(path + ".name",
						"expected lowercase letters, digits, '_' or '-' (^[a-z0-9][a-z0-9_-]*$); found '" + name + "'");
			}
			else if (name != null && !names.add(name)) {
				this.yaml.problem(path + ".name", "'" + name + "' is listed twice; task names must be unique");
			}
			String schedule = requiredText(keys, path + ".schedule",
					"a 5-field cron expression such as '*/30 * * * *'");
			if (schedule != null) {
				String problem = cronProblem(schedule);
				if (problem != null) {
					this.yaml.problem(path + ".schedule", problem);
				}
			}
			String call = null;
			if (keys.get("call") == null) {
				this.yaml.problem(path + ".call",
						"required; expected module.path:attribute, such as myapp.tasks:purge");
			}
			else {
				call = ManifestParser.callable(this.yaml, keys.get("call"), path + ".call", "myapp.tasks:purge");
			}
			tasks.add(new Task(String.valueOf(name), String.valueOf(schedule).trim(), String.valueOf(call)));
		}
		return List.copyOf(tasks);
	}

	/**
	 * @return what is wrong with a 5-field cron expression, or {@code null}
	 */
	static @Nullable String cronProblem(String schedule) {
		String[] fields = schedule.trim().split("\\s+");
		if (fields.length != 5 || schedule.isBlank()) {
			return "expected a 5-field cron expression (minute hour day-of-month month day-of-week) such as "
					+ "'*/30 * * * *'; found " + (schedule.isBlank() ? "nothing" : fields.length + " fields");
		}
		try {
			CronExpression.parse("0 " + String.join(" ", fields));
			return null;
		}
		catch (IllegalArgumentException ex) {
			// Spring's message ends with the six-field form it parsed ("0 61 * * * *"),
			// which is not what the app wrote
			String detail = String.valueOf(ex.getMessage()).replaceFirst(" in cron expression \".*\"$", "");
			return "'" + schedule + "' is not a valid cron expression: " + detail;
		}
	}

	private @Nullable String text(Map<String, Node> keys, String path, String expected) {
		Node node = keys.get(path.substring(path.lastIndexOf('.') + 1));
		return (node != null) ? this.yaml.text(node, path, expected) : null;
	}

	private @Nullable String requiredText(Map<String, Node> keys, String path, String expected) {
		String key = path.substring(path.lastIndexOf('.') + 1);
		if (keys.get(key) == null) {
			this.yaml.problem(path, "required; expected " + expected);
			return null;
		}
		return this.yaml.text(keys.get(key), path, expected);
	}

}
