/**
 * The internals of {@code nodes}, which Modulith keeps from other modules: the stored
 * nodes ({@code NodeDocument}) and their sealed secrets, the SSH side (JSch sessions with
 * the pinned host key, one per node with the tunnel to its agent, and
 * {@code SshNodeShell}), the agent's installer and its scripts, the periodic health
 * check, the pull of the nodes' logs, what is known about each node now
 * ({@code NodeStates}), and the module's configuration properties.
 */
@NullMarked
package dev.pyapp.server.nodes.internal;

import org.jspecify.annotations.NullMarked;
