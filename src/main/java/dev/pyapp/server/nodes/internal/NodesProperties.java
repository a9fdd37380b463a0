package dev.pyapp.server.nodes.internal;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Remote app servers.
 *
 * @param agent whether this server is itself the agent of a manager ({@code nodes.*} are
 * refused then); set in the {@code agent.properties} the installer writes
 * @param agentJar the server jar uploaded to nodes; by default the jar this server runs
 * from
 * @param healthInterval how often every node is checked
 * @param connectTimeout how long an SSH connection may take to open
 * @param callTimeout how long a call forwarded to an agent may take (installs run
 * synchronously)
 * @param agentStartTimeout how long a freshly installed agent may take to answer
 * @param logPull whether the log records of the nodes' apps are pulled into this server's
 * store
 */
@ConfigurationProperties("pyapp.nodes")
public record NodesProperties(@DefaultValue("false") boolean agent, @Nullable Path agentJar,
		@DefaultValue("15s") Duration healthInterval, @DefaultValue("10s") Duration connectTimeout,
		@DefaultValue("15m") Duration callTimeout, @DefaultValue("3m") Duration agentStartTimeout,
		@DefaultValue("true") boolean logPull) {
}
