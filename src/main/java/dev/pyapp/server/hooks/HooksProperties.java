package dev.pyapp.server.hooks;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How hooks and tasks run.
 *
 * @param timeout how long a lifecycle hook may run before it is killed and counts as
 * failed
 * @param taskTimeout how long one run of a recurring task may take
 * @param cronSeconds the seconds field put before an app's 5-field schedule: {@code 0}
 * runs at the start of the minute (tests use {@code *}&#47;2 to run every two seconds)
 * @param keepRuns how many runs per task are kept
 */
@ConfigurationProperties("pyapp.hooks")
record HooksProperties(@DefaultValue("10m") Duration timeout, @DefaultValue("1h") Duration taskTimeout,
		@DefaultValue("0") String cronSeconds, @DefaultValue("20") int keepRuns) {
}
