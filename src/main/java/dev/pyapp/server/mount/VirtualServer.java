package dev.pyapp.server.mount;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A virtual server of the web server (SPEC §5): the host names it answers to on one
 * listen address. Values are validated by {@link MountManager#addServer} before they are
 * kept, so every component is safe to write into a web server configuration.
 *
 * @param name its name, {@code ^[a-z][a-z0-9-]{0,39}$}
 * @param hostnames the host names (RFC 1123) it answers to, at least one
 * @param listen {@code HOST:PORT}: an IPv4 address, a bracketed IPv6 address or
 * {@code *}, and a port
 * @param tls the certificate and key, or {@code null} for plain HTTP
 * @param defaultServer whether it answers requests for host names no server of its listen
 * address names (otherwise the first server of that address does)
 */
public record VirtualServer(String name, List<String> hostnames, String listen, @Nullable Tls tls,
		boolean defaultServer) {

	public VirtualServer {
		// nulls inside are kept: MountValidator reports them with their paths
		hostnames = (hostnames != null) ? Collections.unmodifiableList(new ArrayList<>(hostnames)) : List.of();
	}

	/**
	 * The host part of {@link #listen()}, as written ({@code 127.0.0.1}, {@code [::1]},
	 * {@code *}).
	 * @return the host
	 */
	public String listenHost() {
		return this.listen.substring(0, this.listen.lastIndexOf(':'));
	}

	/**
	 * The port of {@link #listen()}.
	 * @return the port
	 */
	public int listenPort() {
		return Integer.parseInt(this.listen.substring(this.listen.lastIndexOf(':') + 1));
	}

	/**
	 * The absolute URL of a path on this server, as a browser reaches it: the first host
	 * name that is not a wildcard (else the listen address), the port unless it is the
	 * scheme's default.
	 * @param path a path starting with {@code /}
	 * @return the URL, for example {@code http://localhost:8080/guestbook/}
	 */
	public String url(String path) {
		boolean https = this.tls != null;
		String host = this.hostnames.stream()
			.filter((name) -> name != null && !name.contains("*") && !name.startsWith("."))
			.findFirst()
			.orElse(null);
		if (host == null) {
			String listenHost = listenHost();
			host = ("*".equals(listenHost) || "0.0.0.0".equals(listenHost)) ? "localhost" : listenHost;
		}
		int port = listenPort();
		boolean defaultPort = (https && port == 443) || (!https && port == 80);
		return (https ? "https://" : "http://") + host + (defaultPort ? "" : ":" + port) + path;
	}

	/**
	 * A TLS certificate and its key (PEM files, absolute paths).
	 *
	 * @param cert the certificate (chain) file
	 * @param key the private key file
	 */
	public record Tls(String cert, String key) {
	}

}
