package dev.pyapp.server.hooks;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tasks.list} and {@code tasks.run} name their fields in snake_case, as every
 * other result of the API.
 */
class TaskStatusJsonTests {

	@Test // GH-15: tasks.list used lastRun and exitCode
	void namesFieldsInSnakeCase() {
		Instant at = Instant.parse("2024-05-01T12:00:00Z");
		TaskRun run = new TaskRun("r1", "gb", "purge", "1.0-x", "manual", at, at, "succeeded", 0, "done\n");
		String json = JsonMapper.builder()
			.build()
			.writeValueAsString(new TaskStatus("purge", "* * * * *", "gb.tasks:purge", true, false, at, run));

		assertThat(json).contains("\"last_run\":{")
			.contains("\"exit_code\":0")
			.doesNotContain("lastRun")
			.doesNotContain("exitCode");
	}

}
