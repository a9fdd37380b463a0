package dev.pyapp.server.rpc;

import java.time.Instant;
import java.util.List;

import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.NodeRegistry;
import dev.pyapp.server.nodes.NodeStatus;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code nodes.*} results: a node never shows its private key or the agent's
 * token.
 */
class NodesRpcTests {

	private final NodeRegistry nodes = mock(NodeRegistry.class);

	private final NodesRpc rpc = new NodesRpc(this.nodes, mock(NodeClient.class), mock(ArchiveStore.class),
			mock(LogCollector.class));

	@Test
	void nodesListShowsAnInstalledNodeWithItsAgent() {
		given(this.nodes.list()).willReturn(List.of(installed(), added()));
		assertJson(this.rpc.list(), "[" + INSTALLED + "," + ADDED + "]");
	}

	@Test
	void nodesAddReturnsTheNode() {
		given(this.nodes.add(any())).willReturn(added());
		assertJson(this.rpc.add(new NodesRpc.AddParams("n2", "10.0.0.2", null, "deploy", null, true, null, "/k")),
				ADDED);
	}

	@Test
	void nodesInstallReturnsTheNode() {
		given(this.nodes.install(any())).willReturn(installed());
		assertJson(this.rpc.install(new NodesRpc.InstallParams("n1", null, null, null, null)), INSTALLED);
	}

	@Test
	void nodesRemoveSaysWhetherTheAgentWasUninstalled() {
		given(this.nodes.remove("n1", true)).willReturn(true);
		assertJson(this.rpc.remove(new NodesRpc.RemoveParams("n1", true)),
				"{'name':'n1','removed':true,'uninstalled':true}");
	}

	private static final String INSTALLED = "{'name':'n1','host':'10.0.0.1','port':2222,'user':'root',"
			+ "'host_key':'SHA256:abc','key':'private_key','state':'installed','reachable':true,'last_error':null,"
			+ "'checked':'2026-01-02T03:04:05Z','progress':null,"
			+ "'agent':{'home':'/var/lib/pyapp','port':8765,'service':'systemd','version':'1.2.3'}}";

	private static final String ADDED = "{'name':'n2','host':'10.0.0.2','port':22,'user':'deploy',"
			+ "'host_key':'SHA256:def','key':'key_path','state':'installing','reachable':null,"
			+ "'last_error':'refused','checked':null,'progress':{'step':'upload','message':'uploading the agent'},"
			+ "'agent':null}";

	private static NodeStatus installed() {
		return new NodeStatus("n1", "10.0.0.1", 2222, "root", "SHA256:abc", "private_key", "installed", true, null,
				Instant.parse("2026-01-02T03:04:05Z"), null, "/var/lib/pyapp", 8765, "systemd", "1.2.3");
	}

	private static NodeStatus added() {
		return new NodeStatus("n2", "10.0.0.2", 22, "deploy", "SHA256:def", "key_path", "installing", null, "refused",
				null, new NodeStatus.Progress("upload", "uploading the agent"), null, null, null, null);
	}

}
