package dev.pyapp.server.runtime;

import java.util.Locale;

/**
 * What an app daemon's socket (or port) speaks: what the web server must send to it and
 * what the health probe sends.
 */
public enum WireProtocol {

	/** HTTP/1.1 (gunicorn): the web server proxies requests ({@code proxy_pass}). */
	HTTP,

	/**
	 * The uwsgi protocol (uWSGI): the web server sends the request's variables as one
	 * binary packet ({@code uwsgi_pass}, {@code mod_proxy_uwsgi}, lighttpd's
	 * {@code scgi.protocol = "uwsgi"}) and reads back an HTTP response.
	 */
	UWSGI;

	/**
	 * The name the API uses.
	 * @return the lower-case name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
