package dev.pyapp.server.install;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param keep how many releases of an app are kept for rollbacks, the live one included
 */
@ConfigurationProperties("pyapp.releases")
record ReleaseProperties(@DefaultValue("5") int keep) {
}
