package dev.pyapp.server.nodes;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Takes the log records pulled from a node's agent into this server's store. Implemented
 * where the record format is known (the API adapter), so that {@code nodes} does not
 * depend on {@code logs}.
 */
public interface NodeLogSink {

	/**
	 * Stores records of a node's apps; called on the puller's thread, oldest first.
	 * @param node the node's name
	 * @param records the records as the agent's {@code logs.tail} returned them
	 */
	void received(String node, List<JsonNode> records);

}
