package dev.pyapp.server.rpc.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.PendingChanges;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerState;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.rpc.RpcJson;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code servers.*}, {@code mounts.*} and {@code webserver.*} results (SPEC
 * §6, §9 "Servers and mounts").
 */
class MountsRpcTests {

	private final MountManager manager = mock(MountManager.class);

	private final MountsRpc rpc = new MountsRpc(this.manager);

	@Test
	void serversListShowsTlsAndDefault() {
		given(this.manager.servers()).willReturn(List.of(
				new VirtualServer("main", List.of("example.com"), "0.0.0.0:443",
						new VirtualServer.Tls("/etc/c.pem", "/etc/k.pem"), true),
				new VirtualServer("plain", List.of("a", "b"), "127.0.0.1:8080", null, false)));
		assertJson(this.rpc.servers(), "[{'name':'main','hostnames':['example.com'],'listen':'0.0.0.0:443',"
				+ "'tls':{'cert':'/etc/c.pem','key':'/etc/k.pem'},'default':true},"
				+ "{'name':'plain','hostnames':['a','b'],'listen':'127.0.0.1:8080','tls':null,'default':false}]");
	}

	@Test
	void serversAddReturnsTheServer() {
		given(this.manager.addServer(any()))
			.willReturn(new VirtualServer("plain", List.of("a"), "127.0.0.1:8080", null, false));
		assertJson(this.rpc.addServer(new MountsRpc.ServerParams("plain", List.of("a"), "127.0.0.1:8080", null, null)),
				"{'name':'plain','hostnames':['a'],'listen':'127.0.0.1:8080','tls':null,'default':false}");
	}

	@Test
	void serversRemoveNamesTheServer() {
		assertJson(this.rpc.removeServer(new MountsRpc.ServerKeyParams("plain", null, null, null, null)),
				"{'name':'plain','removed':true}");
	}

	@Test
	void mountsListShowsAppsAndFoldersWithNulls() {
		given(this.manager.mounts()).willReturn(
				List.of(new Mount("main", "/blog", "blog", null), new Mount("main", "/static", null, "/srv/static")));
		assertJson(this.rpc.mounts(), "[{'server':'main','path':'/blog','app':'blog','folder':null},"
				+ "{'server':'main','path':'/static','app':null,'folder':'/srv/static'}]");
	}

	@Test
	void mountsAddReturnsTheMount() {
		given(this.manager.addMount(any())).willReturn(new Mount("main", "/blog", "blog", null));
		assertJson(this.rpc.addMount(new MountsRpc.MountParams("main", "/blog", "blog", null)),
				"{'server':'main','path':'/blog','app':'blog','folder':null}");
	}

	@Test
	void mountsRemoveNamesTheMount() {
		assertJson(this.rpc.removeMount(new MountsRpc.MountKeyParams("main", "/blog", null)),
				"{'server':'main','path':'/blog','removed':true}");
	}

	@Test
	void webserverApplyShowsTheStatus() {
		given(this.manager.apply()).willReturn(running());
		assertJson(this.rpc.apply(), "{'kind':'nginx','managed':true,'state':'running','pid':4242,"
				+ "'config':'/home/webserver/nginx.conf','applied':'2026-01-02T03:04:05Z','message':null}");
	}

	@Test
	void webserverApplyOfASystemServerHasNulls() {
		given(this.manager.apply()).willReturn(new WebServerStatus(WebServerKind.APACHE, false, WebServerState.SYSTEM,
				null, Path.of("/etc/apache2/pyapp.conf"), null, "not reachable"));
		assertJson(this.rpc.apply(), "{'kind':'apache','managed':false,'state':'system','pid':null,"
				+ "'config':'/etc/apache2/pyapp.conf','applied':null,'message':'not reachable'}");
	}

	@Test
	void webserverStatusAddsThePendingChanges() {
		given(this.manager.status()).willReturn(running());
		given(this.manager.pending()).willReturn(new PendingChanges(true, List.of("adds mount main/blog"), "--- a"));
		assertJson(this.rpc.webserverStatus(),
				"{'kind':'nginx','managed':true,'state':'running','pid':4242,"
						+ "'config':'/home/webserver/nginx.conf','applied':'2026-01-02T03:04:05Z','message':null,"
						+ "'pending':true,'changes':['adds mount main/blog'],'diff':'--- a'}");
	}

	static WebServerStatus running() {
		return new WebServerStatus(WebServerKind.NGINX, true, WebServerState.RUNNING, 4242L,
				Path.of("/home/webserver/nginx.conf"), Instant.parse("2026-01-02T03:04:05Z"), null);
	}

}
