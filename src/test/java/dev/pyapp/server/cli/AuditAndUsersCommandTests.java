package dev.pyapp.server.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pyapp audit}, {@code pyapp users ...} and {@code pyapp tokens ...} send the
 * params of {@code audit.query}, {@code users.*} and {@code tokens.*} and print their
 * answers.
 */
class AuditAndUsersCommandTests extends CliCommandTests {

	@Test
	void auditSendsItsFiltersAndPrintsOldestFirst() {
		this.server.result("audit.query", "{\"records\": ["
				+ "{\"id\": 2, \"time\": \"2024-05-01T12:01:00Z\", \"principal\": \"token:ci\", \"method\": \"apps.update\","
				+ " \"params\": {\"name\": \"wiki\"}, \"outcome\": \"error\", \"error\": {\"code\": -32005, \"message\": \"hook failed\"},"
				+ " \"duration_ms\": 1200},"
				+ "{\"id\": 1, \"time\": \"2024-05-01T12:00:00Z\", \"principal\": \"alice\", \"method\": \"apps.install\","
				+ " \"params\": {\"archive\": \"a1\"}, \"outcome\": \"ok\", \"duration_ms\": 900}], \"next\": null}");
		CliRun run = pyapp("audit", "--principal", "token:ci", "--method", "apps.*", "-n", "20");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(this.server.params("audit.query").toString())
			.isEqualTo("{\"principal\":\"token:ci\",\"method\":\"apps.*\",\"limit\":20}");
		assertThat(run.out().indexOf("apps.install")).isLessThan(run.out().indexOf("apps.update"));
		assertThat(run.out()).contains("error -32005: hook failed").contains("{\"archive\":\"a1\"}");
		assertThat(pyapp("audit", "--since", "yesterday-ish").exitCode()).isEqualTo(2);
	}

	@Test
	void usersAndTokensCarryTheirRoles() {
		this.server.result("users.create",
				"{\"username\": \"carol\", \"role\": \"deployer\", \"password\": \"generated-password\"}");
		this.server.result("users.update", "{\"username\": \"carol\", \"role\": \"viewer\"}");
		this.server.result("tokens.create",
				"{\"id\": \"t1\", \"name\": \"ci\", \"role\": \"deployer\", \"token\": \"pyapp_x\"}");
		assertThat(pyapp("users", "create", "carol", "--role", "deployer").out()).contains("generated-password");
		assertThat(this.server.params("users.create").toString())
			.isEqualTo("{\"username\":\"carol\",\"role\":\"deployer\"}");
		assertThat(pyapp("users", "role", "carol", "viewer").out()).isEqualTo("carol is viewer now\n");
		assertThat(pyapp("tokens", "create", "ci", "--role", "deployer").out()).contains("pyapp_x");
		assertThat(this.server.params("tokens.create").toString()).isEqualTo("{\"name\":\"ci\",\"role\":\"deployer\"}");
	}

}
