package dev.pyapp.server.mount.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pyapp.server.mount.WebServerKind;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the web server is run.
 *
 * @param kind which web server the configuration is rendered for
 * @param managed whether the server starts and supervises its own instance (its files
 * under {@code PYAPP_HOME/webserver/}); false: it writes an include file for the system
 * web server and runs {@code testCommand} and {@code reloadCommand}
 * @param nginx the nginx binary
 * @param apache the Apache httpd binary
 * @param lighttpd the lighttpd binary
 * @param apacheModules the directory of Apache's {@code mod_*.so} files
 * @param testCommand system web server: the argument vector that tests its whole
 * configuration once the include file is in place (empty: none)
 * @param reloadCommand system web server: the argument vector that reloads it gracefully
 * @param user the user the managed instance's workers run as when it is started as root
 * (empty: {@code pyapp.isolation.web-user}, {@code www-data} by default; never root)
 * @param workers worker processes of the managed nginx (Apache's event MPM keeps its
 * defaults; lighttpd has one process)
 * @param accessLog whether the managed instance logs requests (buffered) to
 * {@code webserver/logs/}
 * @param staticMaxAge how long browsers may cache static files
 * @param keepalive idle connections to each app the web server keeps for reuse
 * @param appTimeout how long the web server waits for an app to accept a request's next
 * bytes or to send the next bytes of its response; then it answers 504 (or closes a
 * response it has begun)
 * @param startTimeout how long the managed instance may take to listen
 * @param commandTimeout how long a configuration test or reload command may take
 */
@ConfigurationProperties("pyapp.webserver")
public record WebServerProperties(@DefaultValue("nginx") WebServerKind kind, @DefaultValue("true") boolean managed,
		@DefaultValue("/usr/sbin/nginx") Path nginx, @DefaultValue("/usr/sbin/apache2") Path apache,
		@DefaultValue("/usr/sbin/lighttpd") Path lighttpd, @DefaultValue("/usr/lib/apache2/modules") Path apacheModules,
		@DefaultValue List<String> testCommand, @DefaultValue List<String> reloadCommand, @DefaultValue("") String user,
		@DefaultValue("1") int workers, @DefaultValue("true") boolean accessLog,
		@DefaultValue("1h") Duration staticMaxAge, @DefaultValue("32") int keepalive,
		@DefaultValue("60s") Duration appTimeout, @DefaultValue("15s") Duration startTimeout,
		@DefaultValue("30s") Duration commandTimeout) {

	Path binary(WebServerKind kind) {
		switch (kind) {
			case NGINX:
				return this.nginx;
			case APACHE:
				return this.apache;
			default:
				return this.lighttpd;
		}
	}

	@Nullable String workerUser() {
		return this.user.isBlank() ? null : this.user;
	}

}
