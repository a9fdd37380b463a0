package dev.pyapp.server.nodes.internal;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.nodes.NodeRecovered;
import dev.pyapp.server.nodes.NodeStatus;
import dev.pyapp.server.nodes.NodeUnreachable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * What is known about each node right now (kept in memory): whether it answered the last
 * time it was asked, the last error, the step of an install running for it, and the apps
 * it reported last.
 */
@Component
public class NodeStates {

	private static final Logger logger = LoggerFactory.getLogger(NodeStates.class);

	private final Map<String, Health> health = new ConcurrentHashMap<>();

	private final Map<String, NodeStatus.Progress> progress = new ConcurrentHashMap<>();

	private final Map<String, JsonNode> apps = new ConcurrentHashMap<>();

	private final ApplicationEventPublisher events;

	NodeStates(ApplicationEventPublisher events) {
		this.events = events;
	}

	public void reachable(String node) {
		Health previous = this.health.put(node, new Health(true, null, Instant.now()));
		if (previous != null && !previous.reachable()) {
			logger.info("Node '{}' is reachable again", node);
			this.events.publishEvent(new NodeRecovered(node));
		}
	}

	public void unreachable(String node, String error) {
		Health previous = this.health.put(node, new Health(false, error, Instant.now()));
		if (previous == null || previous.reachable()) {
			logger.warn("Node '{}' is unreachable: {}", node, error);
			this.events.publishEvent(new NodeUnreachable(node, error));
		}
	}

	public @Nullable Health health(String node) {
		return this.health.get(node);
	}

	public void progress(String node, String step, String message) {
		this.progress.put(node, new NodeStatus.Progress(step, message));
		logger.info("Node '{}': [{}] {}", node, step, message);
	}

	public void done(String node) {
		this.progress.remove(node);
	}

	public NodeStatus.@Nullable Progress progress(String node) {
		return this.progress.get(node);
	}

	public void apps(String node, JsonNode list) {
		this.apps.put(node, list);
	}

	public @Nullable JsonNode apps(String node) {
		return this.apps.get(node);
	}

	public boolean anyApps() {
		return !this.apps.isEmpty();
	}

	public void forget(String node) {
		this.health.remove(node);
		this.progress.remove(node);
		this.apps.remove(node);
	}

	/**
	 * The outcome of the last contact.
	 *
	 * @param reachable whether it answered
	 * @param error what went wrong, if it did not
	 * @param checked when
	 */
	public record Health(boolean reachable, @Nullable String error, Instant checked) {
	}

}
