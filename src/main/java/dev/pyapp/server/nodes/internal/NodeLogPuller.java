package dev.pyapp.server.nodes.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.NodeLogSink;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Pulls the log records of every installed, reachable node into this server's store: one
 * thread per node long-polls the agent's {@code logs.tail} through the tunnel and hands
 * what arrives to the {@link NodeLogSink}. The cursor is kept with the node, so nothing
 * is pulled twice across restarts; a node that was unreachable is caught up once it
 * recovers.
 */
@Component
class NodeLogPuller implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(NodeLogPuller.class);

	private final MongoOperations mongo;

	private final NodeClient client;

	private final NodeStates states;

	private final NodesProperties properties;

	private final ObjectProvider<NodeLogSink> sinks;

	private final Map<String, Thread> pullers = new ConcurrentHashMap<>();

	private final Map<String, Instant> failed = new ConcurrentHashMap<>();

	private volatile boolean running;

	private @Nullable ScheduledExecutorService scheduler;

	NodeLogPuller(MongoOperations mongo, NodeClient client, NodeStates states, NodesProperties properties,
			ObjectProvider<NodeLogSink> sinks) {
		this.mongo = mongo;
		this.client = client;
		this.states = states;
		this.properties = properties;
		this.sinks = sinks;
	}

	private void supervise() {
		for (NodeDocument node : this.mongo.findAll(NodeDocument.class)) {
			NodeStates.Health health = this.states.health(node.name());
			Instant lastFailure = this.failed.get(node.name());
			boolean due = lastFailure == null || lastFailure.isBefore(Instant.now().minusSeconds(5));
			if (node.agent() != null && "installed".equals(node.state()) && health != null && health.reachable() && due
					&& !this.pullers.containsKey(node.name())) {
				Thread thread = new Thread(() -> pull(node.name(), node.logCursor()), "pyapp-node-logs-" + node.name());
				thread.setDaemon(true);
				this.pullers.put(node.name(), thread);
				thread.start();
			}
		}
	}

	private void pull(String node, @Nullable String initialCursor) {
		String cursor = initialCursor;
		try {
			while (this.running) {
				ObjectNode params = JsonNodeFactory.instance.objectNode();
				if (cursor != null) {
					params.put("after", cursor);
				}
				JsonNode tail = this.client.call(node, "logs.tail", params);
				List<JsonNode> records = new ArrayList<>();
				tail.path("records").forEach(records::add);
				if (!records.isEmpty()) {
					this.sinks.orderedStream().forEach((sink) -> sink.received(node, records));
				}
				String next = tail.path("cursor").asString(null);
				if (next != null && !next.equals(cursor)) {
					cursor = next;
					this.mongo.updateFirst(Query.query(Criteria.where("_id").is(node)),
							Update.update("logCursor", next), NodeDocument.class);
				}
			}
		}
		catch (RuntimeException ex) {
			// unreachable, removed or reinstalled: the supervisor starts
			// over when it is back
			this.failed.put(node, Instant.now());
			logger.debug("Stopped pulling the logs of node '{}': {}", node, ex.getMessage());
		}
		finally {
			this.pullers.remove(node);
		}
	}

	@Override
	public void start() {
		if (this.properties.agent() || !this.properties.logPull()) {
			return;
		}
		this.running = true;
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-node-logs");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(() -> {
			try {
				supervise();
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot start pulling node logs: {}", ex.toString());
			}
		}, 1, 1, TimeUnit.SECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		this.running = false;
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			this.scheduler = null;
		}
		this.pullers.values().forEach(Thread::interrupt);
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
