package dev.pyapp.server.appconfig.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the app configuration module.
 *
 * @param patternTimeout how long the regular expressions of one field may take on one
 * value before validation gives up on it with an error (guards against patterns that
 * backtrack catastrophically)
 */
@ConfigurationProperties("pyapp.appconfig")
public record AppConfigProperties(@DefaultValue("200ms") Duration patternTimeout) {

	public static AppConfigProperties defaults() {
		return new AppConfigProperties(Duration.ofMillis(200));
	}

}
