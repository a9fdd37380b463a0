package dev.pyapp.server.nodes;

import java.time.Duration;
import java.time.Instant;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.internal.NodeConnections;
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

	private final NodeClient client = new NodeClient(mock(MongoOperations.class), mock(NodeConnections.class),
			this.states, mock(NodeSecrets.class), new NodesProperties(false, null, Duration.ofSeconds(15),
					Duration.ofSeconds(10), Duration.ofMinutes(15), Duration.ofMinutes(3), false),
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

}
