package dev.pyapp.server.nodes;

/**
 * A node stopped answering; its apps keep running there, but calls for it fail until it
 * recovers.
 *
 * @param node the node's name
 * @param error what went wrong
 */
public record NodeUnreachable(String node, String error) {
}
