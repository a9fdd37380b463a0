package dev.pyapp.server.core;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings every module shares.
 *
 * @param home the directory that holds everything kept outside MongoDB
 * ({@code PYAPP_HOME}); {@code ./var} when run from a checkout
 */
@ConfigurationProperties("pyapp")
public record CoreProperties(@DefaultValue("./var") Path home) {
}
