package dev.pyapp.server.install.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param keep how many releases of an app are kept for rollbacks, the live one included
 */
@ConfigurationProperties("pyapp.releases")
public record ReleaseProperties(@DefaultValue("5") int keep) {
}
