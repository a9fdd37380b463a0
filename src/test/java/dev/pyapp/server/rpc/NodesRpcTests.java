package dev.pyapp.server.rpc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.NodeRegistry;
import dev.pyapp.server.nodes.NodeStatus;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

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
		given(this.nodes.get("n1")).willReturn(installed());
		given(this.nodes.remove("n1", true)).willReturn(true);
		assertJson(this.rpc.remove(new NodesRpc.RemoveParams("n1", true)),
				"{'name':'n1','removed':true,'uninstalled':true,'warning':null}");
	}

	@Test
	void nodesRemoveWarnsOfAnAgentItCouldNotReach() {
		NodeStatus unreachable = new NodeStatus("n1", "10.0.0.1", 2222, "root", "SHA256:abc", "private_key",
				"installed", false, "host key mismatch", null, null, "/var/lib/pyapp", 8765, "process", "1.2.3");
		given(this.nodes.get("n1")).willReturn(unreachable);
		given(this.nodes.remove("n1", false)).willReturn(false);
		assertJson(this.rpc.remove(new NodesRpc.RemoveParams("n1", null)),
				"{'name':'n1','removed':true,'uninstalled':false,'warning':'the agent in /var/lib/pyapp on "
						+ "root@10.0.0.1:2222 could not be reached to stop it (host key mismatch): it, its apps and "
						+ "its web server keep running there; stop them on the host, or add the node again and "
						+ "remove it while it answers'}");
	}

	@Test
	void nodesRemoveOfANodeWithoutAgentWarnsOfNothing() {
		given(this.nodes.get("n2")).willReturn(added());
		assertJson(this.rpc.remove(new NodesRpc.RemoveParams("n2", null)),
				"{'name':'n2','removed':true,'uninstalled':false,'warning':null}");
	}

	@Test
	void appsOfANodeThatDoesNotAnswerSaySo() {
		// found in a trial: with the node's sshd stopped, its app was listed "running"
		NodeStatus down = new NodeStatus("n1", "10.0.0.1", 2222, "root", "SHA256:abc", "private_key", "installed",
				false, "connection refused", null, null, "/var/lib/pyapp", 8765, "process", "1.2.3");
		given(this.nodes.list()).willReturn(List.of(down, added()));
		given(this.nodes.apps()).willReturn(
				Map.of("n1", JsonMapper.builder().build().readTree("[{\"name\": \"fsq\", \"state\": \"running\"}]")));
		assertJson(this.rpc.withNodeApps(List.of()),
				"[{'name':'fsq','state':'running','node':'n1','node_reachable':false}]");
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
