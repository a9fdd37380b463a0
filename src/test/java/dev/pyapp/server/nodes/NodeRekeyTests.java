package dev.pyapp.server.nodes;

import java.time.Duration;
import java.time.Instant;

import com.jcraft.jsch.Session;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.internal.NodeConnections;
import dev.pyapp.server.nodes.internal.NodeDocument;
import dev.pyapp.server.nodes.internal.NodeInstaller;
import dev.pyapp.server.nodes.internal.NodeSecrets;
import dev.pyapp.server.nodes.internal.NodeStates;
import dev.pyapp.server.nodes.internal.NodesProperties;
import org.junit.jupiter.api.Test;

import org.springframework.data.mongodb.core.MongoOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * {@link NodeRegistry#rekey}: a node's new host key is pinned only once the host
 * presented it, and nothing else of the node changes.
 */
class NodeRekeyTests {

	private static final String OLD = "SHA256:" + "a".repeat(43);

	private static final String NEW = "SHA256:" + "b".repeat(43);

	private final MongoOperations mongo = mock(MongoOperations.class);

	private final NodeConnections connections = mock(NodeConnections.class);

	private final NodeRegistry registry = new NodeRegistry(this.mongo, this.connections, mock(NodeStates.class),
			mock(NodeSecrets.class), mock(NodeInstaller.class), mock(NodeClient.class),
			new NodesProperties(false, null, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMinutes(15),
					Duration.ofMinutes(3), false));

	private final NodeDocument node = node("installed");

	@Test
	void pinsTheNewKeyOnceTheHostPresentedItAndConnectsAnew() {
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(this.node);
		Session session = mock(Session.class);
		given(this.connections.connect(eq(this.node), any())).willReturn(session);

		NodeStatus rekeyed = this.registry.rekey("n1", NEW + "=", false);

		assertThat(rekeyed.hostKey()).isEqualTo(NEW);
		verify(session).disconnect();
		// the agent, its state and the credentials stay as they were
		verify(this.mongo).save(argThat((NodeDocument saved) -> saved.hostKey().equals(NEW)
				&& saved.state().equals("installed") && saved.agent() == this.node.agent()));
		verify(this.connections).close("n1");
	}

	@Test
	void aHostPresentingAnotherKeyKeepsTheOldPin() {
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(this.node);
		given(this.connections.connect(eq(this.node), any()))
			.willThrow(new PyappException(ErrorKind.FORBIDDEN, "host key mismatch: root@127.0.0.1:22 presented …"));

		PyappException ex = catchThrowableOfType(PyappException.class, () -> this.registry.rekey("n1", NEW, false));

		assertThat(ex.getKind()).isEqualTo(ErrorKind.FORBIDDEN);
		verify(this.mongo, never()).save(any());
		verify(this.connections, never()).close(any());
	}

	@Test
	void theSameKeyChangesNothing() {
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(this.node);
		given(this.connections.connect(eq(this.node), any())).willReturn(mock(Session.class));

		assertThat(this.registry.rekey("n1", OLD, false).hostKey()).isEqualTo(OLD);
		verify(this.mongo, never()).save(any());
	}

	@Test
	void aNodeBeingInstalledIsNotRekeyed() {
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(node("installing"));

		PyappException ex = catchThrowableOfType(PyappException.class, () -> this.registry.rekey("n1", NEW, false));

		assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT);
		assertThat(ex.getMessage()).contains("being installed");
		verify(this.connections, never()).connect(any(NodeDocument.class), any());
	}

	@Test
	void exactlyOneOfAKeyAndAcceptingThePresentedOne() {
		assertThat(problem(null, false)).contains("give the new host key");
		assertThat(problem(NEW, true)).contains("not both");
		assertThat(problem("not a key", false)).contains("expected a SHA256:");
		assertThat(NodeRegistry.rekeyPin(null, true)).isNull();
		assertThat(NodeRegistry.rekeyPin(NEW, false)).isEqualTo(NEW);
	}

	private static String problem(String hostKey, boolean accept) {
		PyappException ex = catchThrowableOfType(PyappException.class, () -> NodeRegistry.rekeyPin(hostKey, accept));
		assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
		assertThat(ex.getProblems()).extracting(Problem::path).containsExactly("host_key");
		return ex.getProblems().get(0).message();
	}

	private static NodeDocument node(String state) {
		return new NodeDocument("n1", "127.0.0.1", 22, "root", OLD, "sealed", null, state,
				new NodeDocument.Agent("/srv/pyapp", 9876, "systemd", "nginx", "token", "1", Instant.now()), null,
				Instant.now());
	}

}
