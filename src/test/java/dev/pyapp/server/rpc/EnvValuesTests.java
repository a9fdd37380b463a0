package dev.pyapp.server.rpc;

import java.util.List;
import java.util.Map;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Role;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The operator's environment variables: no value in a viewer's {@code apps.get} (here or
 * from a node), none in the audit log.
 */
class EnvValuesTests {

	@Test
	void onlyAViewersAppsGetIsMasked() {
		assertThat(EnvValues.hidden("apps.get", new Caller("carol", "carol", Role.VIEWER))).isTrue();
		assertThat(EnvValues.hidden("apps.get", null)).isTrue();
		assertThat(EnvValues.hidden("apps.get", new Caller("dave", "dave", Role.DEPLOYER))).isFalse();
		assertThat(EnvValues.hidden("apps.get", new Caller("api-token", null, Role.ADMIN))).isFalse();
		assertThat(EnvValues.hidden("apps.list", new Caller("carol", "carol", Role.VIEWER))).isFalse();
	}

	@Test
	void aNodesAnswerKeepsItsNamesAndEverythingElse() {
		JsonNode node = RpcJson.mapper.readTree("""
				{"name": "blog", "env": {"SECRET_KEY": "abc", "API_URL": "https://u:p@api.test"}, "state": "running"}
				""");
		Object masked = EnvValues.masked(node);
		assertThat(masked.toString()).isEqualTo(
				"{\"name\":\"blog\",\"env\":{\"API_URL\":\"***\",\"SECRET_KEY\":\"***\"},\"state\":\"running\"}");
		// the node's answer itself is left as it was
		assertThat(node.path("env").path("SECRET_KEY").asString()).isEqualTo("abc");
		assertThat(EnvValues.masked(RpcJson.mapper.readTree("{\"env\": \"A=b\"}")).toString())
			.isEqualTo("{\"env\":{}}");
		assertThat(EnvValues.masked(RpcJson.mapper.readTree("{\"name\": \"x\"}")).toString())
			.isEqualTo("{\"name\":\"x\"}");
	}

	@Test
	void theAuditLogKeepsTheNamesOfAppsEnvSetAndNoValue() {
		AuditParams audit = new AuditParams(RpcJson.mapper, mock(AppConfigurator.class));
		Object params = audit.of("apps.env.set", RpcJson.mapper.readTree("""
				{"name": "blog", "env": {"DATABASE_URL": "postgresql://blog:s3cret@db/blog", "STRIPE_KEY": "sk_live_1",
				 "DEBUG": "0"}, "restart": false}
				"""));
		assertThat(params).isEqualTo(Map.of("name", "blog", "restart", false, "env",
				Map.of("DATABASE_URL", "***", "STRIPE_KEY", "***", "DEBUG", "***")));
		// a wrong type is refused (-32602) but still recorded: without its text
		assertThat(audit.of("apps.env.set", RpcJson.mapper.readTree("{\"name\": \"blog\", \"env\": \"K=sk_live_1\"}")))
			.isEqualTo(Map.of("name", "blog", "env", "***"));
		// merge and unset: names only, even when a value was given where a name belongs
		assertThat(audit.of("apps.env.set", RpcJson.mapper.readTree("""
				{"name": "blog", "env": {"A": "1", "K=sk_live_1": ""}, "merge": true,
				 "unset": ["DEBUG", "STRIPE_KEY=sk_live_1", 5]}
				"""))).isEqualTo(Map.of("name", "blog", "merge", true, "env", Map.of("A", "***", "K=…", "***"), "unset",
				List.of("DEBUG", "STRIPE_KEY=…", "***")));
		assertThat(audit.of("apps.env.set", RpcJson.mapper.readTree("""
				{"name": "blog", "env": {}, "merge": true, "unset": "STRIPE_KEY=sk_live_1"}
				"""))).isEqualTo(Map.of("name", "blog", "merge", true, "env", Map.of(), "unset", "***"));
	}

}
