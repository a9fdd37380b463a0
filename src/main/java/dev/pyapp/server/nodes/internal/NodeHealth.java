package dev.pyapp.server.nodes.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.RemoteCallException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Component;

/**
 * Checks every node periodically: an installed node's agent is asked for its apps through
 * the tunnel (which also keeps {@code apps.list} of the manager current), a node without
 * agent is asked to run {@code true} over SSH. A node that does not answer is marked
 * unreachable with the error; one that answers again recovers.
 */
@Component
class NodeHealth implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(NodeHealth.class);

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

	private final MongoOperations mongo;

	private final NodeClient client;

	private final NodeConnections connections;

	private final NodeStates states;

	private final NodesProperties properties;

	private @Nullable ScheduledExecutorService scheduler;

	NodeHealth(MongoOperations mongo, NodeClient client, NodeConnections connections, NodeStates states,
			NodesProperties properties) {
		this.mongo = mongo;
		this.client = client;
		this.connections = connections;
		this.states = states;
		this.properties = properties;
	}

	void checkAll() {
		for (NodeDocument node : this.mongo.findAll(NodeDocument.class)) {
			if (!"installing".equals(node.state()) && !"removing".equals(node.state())) {
				check(node);
			}
		}
	}

	private void check(NodeDocument node) {
		try {
			if (node.agent() != null) {
				this.states.apps(node.name(), this.client.probe(node, "apps.list", null, PROBE_TIMEOUT));
			}
			else {
				ExecResult result = new SshNodeShell(node.name(), () -> this.connections.session(node))
					.exec(ExecRequest.of("true").withTimeout(PROBE_TIMEOUT));
				if (result.timedOut()) {
					throw PyappException.failed("the node did not answer within " + PROBE_TIMEOUT.toSeconds() + " s",
							null);
				}
			}
			this.states.reachable(node.name());
		}
		catch (RemoteCallException ex) {
			// the agent answered, with an error of its own: the node is reachable
			this.states.reachable(node.name());
		}
		catch (RuntimeException ex) {
			this.connections.closeIfBroken(node.name());
			this.states.unreachable(node.name(), String.valueOf(ex.getMessage()));
		}
	}

	@Override
	public void start() {
		if (this.properties.agent()) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "pyapp-node-health");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.healthInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> {
			try {
				checkAll();
			}
			catch (RuntimeException ex) {
				// MongoDB away for a moment: the next round tries again
				logger.warn("Node health check failed: {}", ex.toString());
			}
		}, Math.min(interval, 1000), interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
