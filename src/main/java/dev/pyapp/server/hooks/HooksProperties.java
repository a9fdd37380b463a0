package dev.pyapp.server.hooks;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How hooks and tasks run.
 *
 * @param timeout how long a lifecycle hook may run before it is killed and counts as
 * failed
 * @param taskTimeout how long one run of a recurring task may take
 * @param cronSeconds the seconds field put before an app's 5-field schedule: {@code 0}
 * runs at the start of the minute (tests use {@code *}&#47;2 to run every two seconds)
 * @param keepRuns how many runs per task are kept
 * @param commandTimeout how long an {@code apps.run} command may run when the call names
 * no timeout
 * @param commandMaxTimeout the longest timeout an {@code apps.run} call may ask for
 * @param commandMaxOutput how much of an {@code apps.run} command's output is returned
 * (its end) and logged (its start)
 */
@ConfigurationProperties("pyapp.hooks")
record HooksProperties(@DefaultValue("10m") Duration timeout, @DefaultValue("1h") Duration taskTimeout,
		@DefaultValue("0") String cronSeconds, @DefaultValue("20") int keepRuns,
		@DefaultValue("10m") Duration commandTimeout, @DefaultValue("1h") Duration commandMaxTimeout,
		@DefaultValue("1MB") DataSize commandMaxOutput) {
}
