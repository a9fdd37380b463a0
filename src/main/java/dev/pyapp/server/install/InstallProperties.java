package dev.pyapp.server.install;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param uploadLimit the largest archive {@code POST /api/archives} accepts
 */
@ConfigurationProperties("pyapp.install")
record InstallProperties(@DefaultValue("512MB") DataSize uploadLimit) {
}
