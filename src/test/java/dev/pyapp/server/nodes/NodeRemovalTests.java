package dev.pyapp.server.nodes;

import java.time.Duration;
import java.time.Instant;

import dev.pyapp.server.nodes.internal.NodeConnections;
import dev.pyapp.server.nodes.internal.NodeDocument;
import dev.pyapp.server.nodes.internal.NodeInstaller;
import dev.pyapp.server.nodes.internal.NodeSecrets;
import dev.pyapp.server.nodes.internal.NodeStates;
import dev.pyapp.server.nodes.internal.NodesProperties;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.data.mongodb.core.MongoOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;

/**
 * What {@link NodeRegistry#remove} stops on a node before its agent goes.
 */
class NodeRemovalTests {

	private final MongoOperations mongo = mock(MongoOperations.class);

	private final NodeInstaller installer = mock(NodeInstaller.class);

	private final NodeClient client = mock(NodeClient.class);

	private final NodeRegistry registry = new NodeRegistry(this.mongo, mock(NodeConnections.class),
			mock(NodeStates.class), mock(NodeSecrets.class), this.installer, this.client,
			new NodesProperties(false, null, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMinutes(15),
					Duration.ofMinutes(3), false));

	private final NodeDocument node = new NodeDocument("n1", "127.0.0.1", 22, "root", "ssh-ed25519 AAAA", null, null,
			"installed",
			new NodeDocument.Agent("/srv/pyapp", 9876, "supervisor", "nginx", "sealed", "1", Instant.now()), null,
			Instant.now());

	@Test
	void stopsTheAppsThenTheNodesWebServerAndAgentBeforeUninstallingIt() {
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(this.node);
		JsonNode apps = JsonNodeFactory.instance.arrayNode()
			.add(JsonNodeFactory.instance.objectNode().put("name", "blog"));
		given(this.client.probe(any(), eq("apps.list"), isNull(), any())).willReturn(apps);

		assertThat(this.registry.remove("n1", false)).isTrue();

		InOrder order = inOrder(this.client, this.installer);
		order.verify(this.client)
			.probe(any(), eq("apps.stop"), argThat((p) -> "blog".equals(p.path("name").asString())), any());
		// the managed web server outlives an agent that stops: server.stop {all: true}
		// stops it
		order.verify(this.client).probe(any(), eq("server.stop"), argThat((p) -> p.path("all").asBoolean()), any());
		order.verify(this.installer).uninstall(any(), any(), eq(false));
	}

	@Test
	void uninstallsTheAgentEvenWhenItCannotStopItsWebServer() {
		given(this.mongo.findById("n1", NodeDocument.class)).willReturn(this.node);
		given(this.client.probe(any(), eq("apps.list"), isNull(), any()))
			.willReturn(JsonNodeFactory.instance.arrayNode());
		given(this.client.probe(any(), eq("server.stop"), any(), any()))
			.willThrow(new NodeException("the agent did not answer", null));

		assertThat(this.registry.remove("n1", true)).isTrue();

		InOrder order = inOrder(this.installer);
		order.verify(this.installer).uninstall(any(), any(), eq(true));
	}

}
