package dev.pyapp.server.logs.internal;

import java.time.Instant;

import dev.pyapp.server.core.Redaction;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.nodes.NodeRecovered;
import dev.pyapp.server.nodes.NodeUnreachable;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores what happens to the nodes, with logger {@code pyapp.nodes}, no app and the
 * node's name: a node that stops answering (ERROR) and one that answers again (INFO). The
 * records go through the collector like every other, so the notification rules that name
 * no app (at their level, with their pattern) report them.
 */
@Component
public class NodeLogListener {

	static final String LOGGER = "pyapp.nodes";

	private final LogCollector collector;

	public NodeLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	public void on(NodeUnreachable event) {
		// an SSH error may quote a URL with credentials in it
		log(event.node(), LogLevel.ERROR,
				"node '" + event.node() + "' is unreachable: " + Redaction.urls(event.error()));
	}

	@EventListener
	public void on(NodeRecovered event) {
		log(event.node(), LogLevel.INFO, "node '" + event.node() + "' is reachable again");
	}

	private void log(String node, LogLevel level, String message) {
		this.collector.collect(new LogRecord(0, Instant.now(), null, null, level, LOGGER, message, null,
				(int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null, node));
	}

}
