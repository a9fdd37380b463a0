package dev.pyapp.server.security.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * @param publicAccess {@code pyapp.api.public}: whether the API and UI listen on every
 * address ({@code true}) or only on 127.0.0.1 (the default)
 */
@ConfigurationProperties("pyapp.api")
public record SecurityProperties(@Name("public") @DefaultValue("false") boolean publicAccess) {
}
