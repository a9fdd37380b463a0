package dev.pyapp.server.rpc;

import java.util.List;

import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The {@code data} of every kind of error the dispatcher answers with (SPEC §6, §10).
 */
class RpcErrorDataTests {

	private final Callers callers = mock(Callers.class);

	private final JsonRpcDispatcher dispatcher = dispatcher();

	@Test
	void notFound() {
		assertJson(data("t.notFound", "{}"), "{'type':'not-found'}");
	}

	@Test
	void invalidListsEveryProblem() {
		assertJson(data("t.invalid", "{}"),
				"{'type':'invalid','errors':[{'path':'site.title','message':'is required'}]}");
	}

	@Test
	void failedCarriesTheLog() {
		assertJson(data("t.failed", "{}"), "{'type':'failed','log':'pip said no'}");
	}

	@Test // a client reads data.log of every -32005, also when the step printed nothing
	void failedWithoutOutputHasAnEmptyLog() {
		assertJson(data("t.failedSilently", "{}"), "{'type':'failed','log':''}");
	}

	@Test // real-apps: config.set ran a post-install hook that wrote into the release
	void failedThatWroteIntoItsReleaseSaysWhereToWrite() {
		JsonNode data = RpcJson.mapper.readTree(RpcJson.mapper.writeValueAsString(data("t.failedWriting", "{}")));
		assertThat(data.get("hint").asString()).isEqualTo("the app wrote to /h/apps/blog/releases/1.0-a/src/instance, "
				+ "inside its release, which it may only read: write to its data directory (the environment variable "
				+ "PYAPP_DATA_PATH; kept across upgrades) or to PYAPP_TMP_PATH instead");
		assertThat(data.get("log").asString()).endsWith("src/instance'");
	}

	@Test
	void internalNamesTheException() {
		assertJson(data("t.internal", "{}"), "{'type':'internal','detail':'IllegalStateException: boom'}");
	}

	@Test
	void methodNotFound() {
		assertJson(data("t.nope", "{}"), "{'method':'t.nope'}");
	}

	@Test
	void invalidParams() {
		assertJson(data("t.needs", "{}"), "{'type':'invalid-params','detail':'missing required param(s): value',"
				+ "'errors':[{'path':'value','message':'required'}]}");
	}

	@Test
	void forbiddenNamesBothRoles() {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.VIEWER));
		assertJson(data("t.admin", "{}"),
				"{'type':'forbidden','method':'t.admin','required_role':'admin','role':'viewer'}");
	}

	private JsonNode data(String method, String params) {
		JsonNode reply = this.dispatcher
			.dispatch("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}");
		return reply.get("error").get("data");
	}

	private JsonRpcDispatcher dispatcher() {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.ADMIN));
		RpcMethodRegistry registry = new RpcMethodRegistry(null);
		registry.register(new Failing(), Failing.class);
		return new JsonRpcDispatcher(registry, RpcJson.mapper, mock(NodesRpc.class), this.callers, mock(AuditLog.class),
				mock(AuditParams.class), new ListingText(RpcJson.mapper));
	}

	/** Methods that fail each in their way (not an endpoint of the server). */
	static class Failing {

		@RpcMethod(value = "t.notFound", role = Role.VIEWER, readOnly = true)
		String notFound() {
			throw PyappException.notFound("no app named 'x'");
		}

		@RpcMethod(value = "t.invalid", role = Role.VIEWER, readOnly = true)
		String invalid() {
			throw PyappException.invalid("invalid values", List.of(new Problem("site.title", "is required")));
		}

		@RpcMethod(value = "t.failed", role = Role.VIEWER, readOnly = true)
		String failed() {
			throw PyappException.failed("the build failed", "pip said no");
		}

		@RpcMethod(value = "t.failedSilently", role = Role.VIEWER, readOnly = true)
		String failedSilently() {
			throw PyappException.failed("the health check timed out", null);
		}

		@RpcMethod(value = "t.failedWriting", role = Role.VIEWER, readOnly = true)
		String failedWriting() {
			throw PyappException.failed("the post-install hook failed",
					"OSError: [Errno 30] Read-only file system: '/h/apps/blog/releases/1.0-a/src/instance'");
		}

		@RpcMethod(value = "t.internal", role = Role.VIEWER, readOnly = true)
		String internal() {
			throw new IllegalStateException("boom");
		}

		@RpcMethod(value = "t.needs", role = Role.VIEWER, readOnly = true)
		String needs(Needs params) {
			return params.value();
		}

		@RpcMethod(value = "t.admin", role = Role.ADMIN, readOnly = true)
		String admin() {
			return "ok";
		}

	}

	/**
	 * @param value a required value
	 */
	record Needs(String value) {
	}

}
