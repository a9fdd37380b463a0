package dev.pyapp.server.nodes;

/**
 * A node that was unreachable answers again.
 *
 * @param node the node's name
 */
public record NodeRecovered(String node) {
}
