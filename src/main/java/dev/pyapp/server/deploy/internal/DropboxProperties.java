package dev.pyapp.server.deploy.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled whether {@code PYAPP_HOME/dropbox/} is watched
 * @param settle how long a file's size and modification time must stay unchanged before
 * it is picked up
 * @param tick how often files seen but not yet complete are looked at again
 * @param rescan how often the whole folder is listed, for events the watch service lost
 * @param giveUp how long a file may stay unchanged without being a readable zip before it
 * is refused
 */
@ConfigurationProperties("pyapp.dropbox")
record DropboxProperties(@DefaultValue("true") boolean enabled, @DefaultValue("200ms") Duration settle,
		@DefaultValue("50ms") Duration tick, @DefaultValue("5s") Duration rescan,
		@DefaultValue("30s") Duration giveUp) {
}
