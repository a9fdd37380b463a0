package dev.pyapp.server.rpc;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * A result is written straight from its records, character for character as it was
 * written when it went through a tree first (the golden results of {@link AppsRpcTests}
 * are the records written by the same mapper).
 */
class RpcResultWritingTests {

	private static final String ID = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":";

	private final Callers callers = mock(Callers.class);

	@Test
	void writesTheResultAsTheTreeOfItWasWritten() {
		JsonNode reply = dispatcher().dispatch("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"t.result\"}");
		Object result = Results.result();
		String viaTree = RpcJson.mapper.writeValueAsString(RpcJson.mapper.valueToTree(result));
		assertThat(RpcJson.mapper.writeValueAsString(reply)).isEqualTo(ID + viaTree + "}")
			.isEqualTo(ID + RpcJson.mapper.writeValueAsString(result) + "}");
	}

	@Test
	void writesEachResultOfABatch() {
		JsonNode reply = dispatcher().dispatch("[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"t.result\"},"
				+ "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"t.list\"}]");
		assertThat(RpcJson.mapper.writeValueAsString(reply))
			.isEqualTo("[" + ID + RpcJson.mapper.writeValueAsString(Results.result()) + "}," + ID + "[\"a\",null,3]}]");
	}

	private JsonRpcDispatcher dispatcher() {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.ADMIN));
		RpcMethodRegistry registry = new RpcMethodRegistry(null);
		registry.register(new Results(), Results.class);
		return new JsonRpcDispatcher(registry, RpcJson.mapper, mock(NodesRpc.class), this.callers, mock(AuditLog.class),
				mock(AuditParams.class), new ListingText(RpcJson.mapper));
	}

	/** Methods with results of many kinds of values (not an endpoint of the server). */
	static class Results {

		static Summary result() {
			Map<String, @Nullable Object> free = new LinkedHashMap<>();
			free.put("z", 1);
			free.put("a", List.of(1.5, "x"));
			free.put("n", null);
			return new Summary("blog", null, null, 3, 12345678901L, 0.1, new BigDecimal("1.50"),
					Instant.parse("2026-12-03T10:00:00.120Z"), Duration.ofMillis(1500), Kind.RUNNING,
					List.of(new Part("/", true), new Part("/x", false)), free, "ü \"quoted\" </script>");
		}

		@RpcMethod(value = "t.result", role = Role.VIEWER, readOnly = true)
		Summary summary() {
			return result();
		}

		@RpcMethod(value = "t.list", role = Role.VIEWER, readOnly = true)
		List<@Nullable Object> list() {
			return java.util.Arrays.asList("a", null, 3);
		}

	}

	enum Kind {

		RUNNING;

		@com.fasterxml.jackson.annotation.JsonValue
		String value() {
			return "running";
		}

	}

	record Part(String path, boolean live) {
	}

	record Summary(String name, @Nullable String version,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String hidden, int count,
			@JsonProperty("big_count") long bigCount, double ratio, BigDecimal money, Instant time, Duration took,
			Kind state, List<Part> parts, Map<String, @Nullable Object> free, String text) {
	}

}
