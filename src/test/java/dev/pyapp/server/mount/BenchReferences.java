package dev.pyapp.server.mount;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand-written configurations the generated ones are measured against: what an operator
 * would write for a single app on a unix socket, stripped to what serves it (no access
 * log, no static files, no forwarded headers beyond Host). {@code @PORT@}, {@code @DIR@}
 * and {@code @USER@} (a comment mark when not root) are filled in.
 */
final class BenchReferences {

	private BenchReferences() {
	}

	static Map<String, String> of(WebServerKind kind, Path dir, Path socket) {
		Map<String, String> references = new LinkedHashMap<>();
		String sock = socket.toString();
		switch (kind) {
			case NGINX -> {
				String head = """
						daemon off;
						@USER@user root;
						worker_processes 1;
						pid @DIR@/run/nginx.pid;
						error_log @DIR@/logs/error.log warn;
						events { worker_connections 4096; }
						http {
						  access_log off;
						  client_body_temp_path @DIR@/tmp/client;
						  proxy_temp_path @DIR@/tmp/proxy;
						  fastcgi_temp_path @DIR@/tmp/fastcgi;
						  uwsgi_temp_path @DIR@/tmp/uwsgi;
						  scgi_temp_path @DIR@/tmp/scgi;
						  keepalive_requests 10000;
						""";
				references.put("plain-proxy-pass", head + """
						  server {
						    listen 127.0.0.1:@PORT@;
						    location / { proxy_pass http://unix:SOCK; proxy_set_header Host $http_host; }
						  }
						}
						""".replace("SOCK", sock));
				references.put("tuned", head + """
						  upstream app { server unix:SOCK; keepalive 64; keepalive_requests 100000; }
						  server {
						    listen 127.0.0.1:@PORT@;
						    location / {
						      proxy_pass http://app;
						      proxy_http_version 1.1;
						      proxy_set_header Connection "";
						      proxy_set_header Host $http_host;
						    }
						  }
						}
						""".replace("SOCK", sock));
			}
			case APACHE -> references.put("tuned", """
					ServerRoot "@DIR@"
					DefaultRuntimeDir "@DIR@/run"
					PidFile "@DIR@/run/httpd.pid"
					ErrorLog "@DIR@/logs/error.log"
					LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
					LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
					LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
					LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
					@USER@User www-data
					@USER@Group www-data
					ServerName localhost
					KeepAlive On
					MaxKeepAliveRequests 10000
					Listen 127.0.0.1:@PORT@
					<VirtualHost 127.0.0.1:@PORT@>
					  ProxyPreserveHost On
					  ProxyPass "/" "unix:SOCK|http://localhost/"
					</VirtualHost>
					""".replace("SOCK", sock));
			case LIGHTTPD -> references.put("tuned", """
					server.modules = ( "mod_proxy" )
					server.document-root = "@DIR@/empty"
					server.bind = "127.0.0.1"
					server.port = @PORT@
					server.pid-file = "@DIR@/run/lighttpd.pid"
					server.errorlog = "@DIR@/logs/error.log"
					server.max-keep-alive-requests = 10000
					proxy.server = ( "" => ( ( "host" => "SOCK" ) ) )
					""".replace("SOCK", sock));
		}
		return references;
	}

}
