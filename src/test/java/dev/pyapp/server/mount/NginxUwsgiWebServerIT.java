package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web server contract of {@link AbstractWebServerIT} (its tests assert routing,
 * SCRIPT_NAME/PATH_INFO, forwarding headers, redirects, static files, TLS, refused
 * configurations and zero-downtime backend switches) against a real nginx in front of
 * uWSGI (the uwsgi protocol).
 */
class NginxUwsgiWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.NGINX, "uwsgi");
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.NGINX;
	}

	@Override
	String appServer() {
		return "uwsgi";
	}

}
