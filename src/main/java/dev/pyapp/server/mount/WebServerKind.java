package dev.pyapp.server.mount;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The web servers a configuration is rendered for ({@code pyapp.webserver.kind}).
 */
public enum WebServerKind {

	/**
	 * nginx: an upstream with keepalive per app, {@code proxy_pass} and {@code alias}.
	 */
	NGINX,

	/** Apache httpd 2.4: mod_proxy_http to {@code unix:} sockets, {@code Alias}. */
	APACHE,

	/** lighttpd 1.4: mod_proxy to the socket, {@code alias.url}. */
	LIGHTTPD;

	/**
	 * The name used in the API and in properties.
	 * @return {@code nginx}, {@code apache} or {@code lighttpd}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The kind with this name.
	 * @param value {@code nginx}, {@code apache} or {@code lighttpd} (any case)
	 * @return the kind, or {@code null} if the name is unknown
	 */
	public static @Nullable WebServerKind of(String value) {
		for (WebServerKind kind : values()) {
			if (kind.value().equalsIgnoreCase(value)) {
				return kind;
			}
		}
		return null;
	}

}
