package dev.pyapp.server.nodes;

import org.jspecify.annotations.Nullable;

/**
 * How to install the agent on a node.
 *
 * @param name the node
 * @param allowPackages whether missing Debian packages may be installed with apt-get
 * @param webserver the web server the agent manages: {@code nginx} (default),
 * {@code apache} or {@code lighttpd}
 * @param home the agent's {@code PYAPP_HOME} on the node, or {@code null} for
 * {@code /srv/pyapp-agent} (root) or {@code ~/.pyapp-agent}
 * @param agentPort the agent's API port on the node's 127.0.0.1, or {@code null} for a
 * free one
 */
public record NodeInstallRequest(String name, boolean allowPackages, @Nullable String webserver, @Nullable String home,
		@Nullable Integer agentPort) {
}
