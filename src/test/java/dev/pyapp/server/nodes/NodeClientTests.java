package dev.pyapp.server.nodes;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.internal.NodeConnections;
import dev.pyapp.server.nodes.internal.NodeDocument;
import dev.pyapp.server.nodes.internal.NodeSecrets;
import dev.pyapp.server.nodes.internal.NodeStates;
import dev.pyapp.server.nodes.internal.NodesProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.mongodb.core.MongoOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * How {@link NodeClient} fails a call to a node known to be unreachable.
 */
class NodeClientTests {

	private final NodeStates states = mock(NodeStates.class);

	private final MongoOperations mongo = mock(MongoOperations.class);

	private final NodeConnections connections = mock(NodeConnections.class);

	private final NodeSecrets secrets = mock(NodeSecrets.class);

	private final NodeClient client = new NodeClient(this.mongo, this.connections, this.states, this.secrets,
			new NodesProperties(false, null, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMinutes(15),
					Duration.ofMinutes(3), false),
			JsonMapper.builder().build());

	@Test
	void saysOnceThatANodeFoundUnreachableByTheHealthCheckIsUnreachable() {
		// what the health check records: the message of its probe's failure
		given(this.states.health("n1")).willReturn(new NodeStates.Health(false,
				"node 'n1' is unreachable: cannot connect to root@127.0.0.1:2299: connection refused", Instant.now()));
		PyappException ex = catchThrowableOfType(PyappException.class, () -> this.client.call("n1", "apps.get", null));
		assertThat(ex.getMessage())
			.isEqualTo("node 'n1' is unreachable: cannot connect to root@127.0.0.1:2299: connection refused");
		assertThat(ex.getLog()).isEqualTo("cannot connect to root@127.0.0.1:2299: connection refused");
	}

	@Test
	void namesTheNodeBeforeTheReason() {
		given(this.states.health("n1"))
			.willReturn(new NodeStates.Health(false, "the agent did not answer through the tunnel", Instant.now()));
		PyappException ex = catchThrowableOfType(PyappException.class, () -> this.client.call("n1", "apps.get", null));
		assertThat(ex.getMessage()).isEqualTo("node 'n1' is unreachable: the agent did not answer through the tunnel");
	}

	@Test
	void saysWhetherTheSshConnectionBrokeOrOnlyTheAgentDidNotAnswer() throws Exception {
		NodeDocument node = new NodeDocument("n1", "127.0.0.1", 22, "root", "ssh-ed25519 AAAA", null, null, "installed",
				new NodeDocument.Agent("/srv/pyapp", 9876, "supervisor", "nginx", "sealed", "1", Instant.now()), null,
				Instant.now());
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(node);
		given(this.secrets.decrypt("sealed")).willReturn("token");
		int port;
		try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = free.getLocalPort();
		}
		// the tunnel's local end, with nothing behind it
		given(this.connections.tunnel(node)).willReturn(port);

		given(this.connections.closeIfBroken("n1")).willReturn(false);
		PyappException agentDown = catchThrowableOfType(PyappException.class,
				() -> this.client.call("n1", "apps.list", null));
		assertThat(agentDown.getMessage())
			.startsWith(
					"node 'n1' is unreachable: the agent did not answer through the SSH tunnel (it may be stopped or "
							+ "restarting): ")
			.doesNotContain("java.");

		given(this.connections.closeIfBroken("n1")).willReturn(true);
		PyappException broken = catchThrowableOfType(PyappException.class,
				() -> this.client.call("n1", "apps.list", null));
		assertThat(broken.getMessage()).startsWith("node 'n1' is unreachable: the SSH connection to the node broke: ")
			.doesNotContain("java.");
	}

}
