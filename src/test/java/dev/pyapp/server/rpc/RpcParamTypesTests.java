package dev.pyapp.server.rpc;

import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.internal.AuditRpc;
import dev.pyapp.server.rpc.internal.LogsRpc;
import dev.pyapp.server.rpc.internal.MountsRpc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * A param of the wrong JSON type is -32602 naming the param and the type it takes, for
 * every method alike (the dispatcher checks before binding): Jackson coerced
 * {@code apps.get {"name": 5}} to the app "5", which was then not found.
 */
class RpcParamTypesTests {

	private final Callers callers = mock(Callers.class);

	private final JsonRpcDispatcher dispatcher = dispatcher();

	@ParameterizedTest(name = "{0} {1}") // leftovers: apps.get {"name": 5} answered as an
											// unknown app
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					apps.get        | {"name": 5}                                   | 'name' must be a string, got a number
					apps.get        | {"name": ["blog"]}                            | 'name' must be a string, got an array
					apps.get        | {"name": {"app": "blog"}}                     | 'name' must be a string, got an object
					apps.get        | {"name": true}                                | 'name' must be a string, got a boolean
					apps.rollback   | [5]                                           | 'name' must be a string, got a number
					apps.remove     | {"name": "blog", "keep_data": "yes"}          | 'keep_data' must be a boolean, got a string
					apps.remove     | {"name": 5, "keep_data": 1}                   | 'name' must be a string, got a number; 'keep_data' must be a boolean, got a number
					apps.env.set    | {"name": "blog", "env": {"PORT": 80}}         | 'env.PORT' must be a string, got a number
					config.set      | {"name": "blog", "values": []}                | 'values' must be an object, got an array
					logs.query      | {"limit": "10"}                               | 'limit' must be an integer, got a string
					logs.query      | {"limit": 1.5}                                | 'limit' must be an integer, got a number
					servers.add     | {"name": "main", "hostnames": "a.test"}       | 'hostnames' must be an array, got a string
					servers.add     | {"name": "main", "hostnames": ["a.test", 1]}  | 'hostnames[1]' must be a string, got a number
					servers.add     | {"name": "main", "tls": {"cert": 1}}          | 'tls.cert' must be a string, got a number
					nodes.add       | {"name": "n1", "host": "h", "port": "22"}     | 'port' must be an integer, got a string
					""")
	void aParamOfTheWrongTypeIsInvalidParams(String method, String params, String detail) {
		JsonNode error = call(method, params).get("error");
		assertThat(error.get("code").asInt()).isEqualTo(-32602);
		assertThat(error.get("message").asString()).isEqualTo("Invalid params");
		assertThat(error.get("data").get("type").asString()).isEqualTo("invalid-params");
		assertThat(error.get("data").get("detail").asString()).isEqualTo(detail);
		// and each param at fault as -32002's data.errors has them (SPEC §6)
		assertThat(error.get("data")
			.get("errors")
			.valueStream()
			.map((problem) -> "'" + problem.get("path").asString() + "' " + problem.get("message").asString())
			.toList()).containsExactly(detail.split("; "));
	}

	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			textBlock = """
					apps.get        | {"name": "blog"}
					apps.rollback   | ["blog", "1.0-a"]
					apps.remove     | {"name": "blog", "keep_data": false}
					apps.env.set    | {"name": "blog", "env": {"PORT": "80"}}
					config.set      | {"name": "blog", "values": {"site": {"port": 80, "debug": true, "tags": ["a", 1]}}}
					logs.query      | {"limit": 10, "app": null}
					servers.add     | {"name": "main", "hostnames": ["a.test"], "tls": {"cert": "c", "key": "k"}, "default": true}
					nodes.add       | {"name": "n1", "host": "h", "port": 22}
					audit.query     | {"limit": 1, "before": 1796490409529000}
					audit.query     | {"limit": 1, "before": "1796490409529000"}
					""")
	void paramsOfTheRightTypeReachTheMethod(String method, String params) {
		assertThat(call(method, params).has("result")).as(method + " " + params).isTrue();
	}

	// the CLI tells an older server by this answer to a param it does not know yet
	// (pyapp env set/unset's merge): the detail names the param
	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			apps.get        | {"name": "blog", "merge": true}                         | merge
			apps.env.set    | {"name": "blog", "env": {}, "merge": true, "since": 1}  | since
			""")
	void anUnknownParamIsInvalidParamsNamingIt(String method, String params, String unknown) {
		JsonNode error = call(method, params).get("error");
		assertThat(error.get("code").asInt()).isEqualTo(-32602);
		assertThat(error.get("message").asString()).isEqualTo("Invalid params");
		assertThat(error.get("data").get("type").asString()).isEqualTo("invalid-params");
		// in the caller's words: no Java class
		assertThat(error.get("data").get("detail").asString())
			.startsWith("unknown param '" + unknown + "': expected one of ")
			.contains("name")
			.doesNotContain("class")
			.doesNotContain("dev.pyapp");
		assertThat(error.get("data").get("errors").get(0).get("path").asString()).isEqualTo(unknown);
		assertThat(error.get("data").get("errors").get(0).get("message").asString())
			.startsWith("unknown param; expected one of ")
			.contains("name");
	}

	private JsonNode call(String method, String params) {
		return this.dispatcher
			.dispatch("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}");
	}

	private JsonRpcDispatcher dispatcher() {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.ADMIN));
		RpcMethodRegistry registry = new RpcMethodRegistry(null);
		// mocks: the types are checked before a method runs
		registry.register(mock(AppsRpc.class), AppsRpc.class);
		registry.register(mock(ConfigRpc.class), ConfigRpc.class);
		registry.register(mock(LogsRpc.class), LogsRpc.class);
		registry.register(mock(MountsRpc.class), MountsRpc.class);
		registry.register(mock(NodesRpc.class), NodesRpc.class);
		// audit.query's next is a number: a client passes it back as before as it came
		registry.register(mock(AuditRpc.class), AuditRpc.class);
		return new JsonRpcDispatcher(registry, RpcJson.mapper, mock(NodesRpc.class), this.callers, mock(AuditLog.class),
				mock(AuditParams.class), new ListingText(RpcJson.mapper));
	}

}
