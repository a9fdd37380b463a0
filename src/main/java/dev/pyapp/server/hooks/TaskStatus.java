package dev.pyapp.server.hooks;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A task of an app and how it has been running. The API shows its fields in snake_case
 * ({@code last_run}), as every other result.
 *
 * @param name the task's name
 * @param schedule its 5-field cron expression
 * @param call {@code module:callable}
 * @param scheduled whether it is on its schedule now (the app is running)
 * @param running whether a run is in progress
 * @param next when it runs next, or {@code null} when not scheduled
 * @param lastRun its last run, or {@code null}
 */
public record TaskStatus(String name, String schedule, String call, boolean scheduled, boolean running,
		@Nullable Instant next, @JsonProperty("last_run") @Nullable TaskRun lastRun) {
}
