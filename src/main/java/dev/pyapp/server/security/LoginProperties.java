package dev.pyapp.server.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxFailures failed logins of one user name from one address before further
 * attempts are refused
 * @param window how long failures are counted: one older than this is forgotten
 * @param lockout how long attempts are refused once {@code maxFailures} is reached
 */
@ConfigurationProperties("pyapp.security.login")
record LoginProperties(@DefaultValue("5") int maxFailures, @DefaultValue("15m") Duration window,
		@DefaultValue("15m") Duration lockout) {
}
