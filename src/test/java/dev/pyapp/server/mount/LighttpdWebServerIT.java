package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web server contract of {@link AbstractWebServerIT} (its tests assert routing,
 * SCRIPT_NAME/PATH_INFO, forwarding headers, redirects, static files, TLS, refused
 * configurations and zero-downtime backend switches) against a real lighttpd in front of
 * gunicorn (HTTP).
 */
class LighttpdWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.LIGHTTPD, "gunicorn");
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.LIGHTTPD;
	}

	@Override
	String appServer() {
		return "gunicorn";
	}

}
