package dev.pyapp.server.rpc;

import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.install.AppSource;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * {@code apps.list}'s kept JSON text ({@link ListingText}): written through the
 * dispatcher it is, byte for byte, what the mapper writes for the same entries; every
 * change of an entry, an app added or removed, shows in the next call; and a listing with
 * a node's apps is written as it is.
 */
class ListingTextTests {

	private static final String ID = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":";

	private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"apps.list\"}";

	private final Listed listed = new Listed();

	private final NodesRpc nodes = mock(NodesRpc.class);

	private final ListingText text = new ListingText(RpcJson.mapper);

	private final JsonRpcDispatcher dispatcher = dispatcher();

	@Test
	void writesWhatTheMapperWritesAndEveryChangeInTheNextCall() {
		this.listed.entries.add(app("blog", "1.0.0", "running", "up", "http://main.test/blog/"));
		this.listed.entries.add(new AppSummary.Installing("fresh", null, AppSource.archive()));
		this.listed.entries.add(app("shop", "2.0.0", "stopped", "stopped", null));
		this.listed.entries.add(app("wiki \"ü\" </script>", "1.0.0", "failed", "down", null));
		String first = call();
		assertThat(first).isEqualTo(expected());
		assertThat(call()).isEqualTo(first);

		// a state, a health, a URL, a version: each shows in the next call
		this.listed.entries.set(2, app("shop", "2.0.0", "running", "up", null));
		assertThat(call()).isEqualTo(expected()).isNotEqualTo(first).contains("\"state\":\"running\"");
		this.listed.entries.set(2, app("shop", "2.0.0", "running", "down", null));
		assertThat(call()).isEqualTo(expected()).contains("\"status\":\"down\"");
		this.listed.entries.set(0, app("blog", "1.0.0", "running", "up", "http://other.test/blog/"));
		assertThat(call()).isEqualTo(expected()).contains("http://other.test/blog/");
		this.listed.entries.set(0, app("blog", "1.1.0", "running", "up", "http://other.test/blog/"));
		assertThat(call()).isEqualTo(expected()).contains("\"version\":\"1.1.0\"");
		// an app added, one installed, one removed
		this.listed.entries.add(1, app("cms", "0.1.0", "needs-configuration", "stopped", null));
		assertThat(call()).isEqualTo(expected()).contains("\"name\":\"cms\"");
		this.listed.entries.set(2, app("fresh", "0.1.0", "starting", "starting", null));
		assertThat(call()).isEqualTo(expected()).doesNotContain("\"state\":\"installing\"");
		this.listed.entries.remove(3);
		assertThat(call()).isEqualTo(expected()).doesNotContain("\"name\":\"shop\"");
		this.listed.entries.clear();
		assertThat(call()).isEqualTo(ID + "[]}");
	}

	@Test
	void keepsTheTextWhileTheEntriesAreEqual() {
		List<AppSummary> entries = List.of(app("blog", "1.0.0", "running", "up", null));
		RawValue first = this.text.json(entries);
		assertThat(this.text.json(List.of(app("blog", "1.0.0", "running", "up", null)))).isSameAs(first);
		assertThat(this.text.json(List.of(app("blog", "1.0.0", "stopped", "stopped", null)))).isNotSameAs(first)
			.isNotEqualTo(first);
	}

	@Test
	void writesAListingWithANodesAppsAsItIs() {
		this.listed.entries.add(app("blog", "1.0.0", "running", "up", null));
		ObjectNode remote = JsonNodeFactory.instance.objectNode().put("name", "api").put("node", "n1");
		willAnswer((invocation) -> {
			List<Object> all = new ArrayList<>(invocation.<List<?>>getArgument(0));
			all.add(remote);
			return all;
		}).given(this.nodes).withNodeApps(any());
		String reply = call();
		List<Object> all = new ArrayList<>(this.listed.entries);
		all.add(remote);
		assertThat(reply).isEqualTo(ID + RpcJson.mapper.writeValueAsString(all) + "}");
	}

	private String expected() {
		return ID + RpcJson.mapper.writeValueAsString(this.listed.entries) + "}";
	}

	private String call() {
		JsonNode reply = this.dispatcher.dispatch(CALL);
		return RpcJson.mapper.writeValueAsString(reply);
	}

	private static AppSummary.Installed app(String name, String version, String state, String health,
			@Nullable String url) {
		return new AppSummary.Installed(name, version, state, List.of(new AppSummary.MountPoint("main", "/" + name)),
				AppSource.archive(), new AppSummary.Health(health, "process", null, "because"),
				(url != null) ? List.of(url) : List.of(), null);
	}

	private JsonRpcDispatcher dispatcher() {
		Callers callers = mock(Callers.class);
		given(callers.current()).willReturn(new Caller("token:ci", null, Role.VIEWER));
		willAnswer((invocation) -> invocation.getArgument(0)).given(this.nodes).withNodeApps(any());
		RpcMethodRegistry registry = new RpcMethodRegistry(null);
		registry.register(this.listed, Listed.class);
		return new JsonRpcDispatcher(registry, RpcJson.mapper, this.nodes, callers, mock(AuditLog.class),
				mock(AuditParams.class), this.text);
	}

	/** {@code apps.list} answering what a test put in its entries (a copy each call). */
	static class Listed {

		final List<AppSummary> entries = new ArrayList<>();

		@RpcMethod(value = "apps.list", role = Role.VIEWER, readOnly = true)
		List<AppSummary> list() {
			return new ArrayList<>(this.entries);
		}

	}

}
