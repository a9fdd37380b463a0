package dev.pyapp.server.hooks;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One run of a task, kept in MongoDB. The API shows its fields in snake_case
 * ({@code exit_code}), as every other result.
 *
 * @param id a generated id
 * @param app the app's name
 * @param task the task's name
 * @param release the release that ran it
 * @param trigger {@code schedule} or {@code manual}
 * @param started when it started
 * @param finished when it ended, or {@code null} while it runs
 * @param outcome {@code running}, {@code succeeded}, {@code failed} (also when it could
 * not start), {@code timed-out} or {@code interrupted} (the server stopped during it)
 * @param exitCode the exit code, or {@code null} while it runs
 * @param output what it printed (the last 64 KiB)
 */
@Document("task_runs")
public record TaskRun(@Id @Nullable String id, String app, String task, String release, String trigger, Instant started,
		@Nullable Instant finished, String outcome, @JsonProperty("exit_code") @Nullable Integer exitCode,
		String output) {
}
