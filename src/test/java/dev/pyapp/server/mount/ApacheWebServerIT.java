package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web server contract of {@link AbstractWebServerIT} (its tests assert routing,
 * SCRIPT_NAME/PATH_INFO, forwarding headers, redirects, static files, TLS, refused
 * configurations and zero-downtime backend switches) against a real Apache httpd in front
 * of gunicorn (HTTP).
 */
class ApacheWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.APACHE, "gunicorn");
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.APACHE;
	}

	@Override
	String appServer() {
		return "gunicorn";
	}

	@Override
	int timedOutStatus() {
		// mod_proxy_http answers a timed-out read of the status line as a bad gateway
		return 502;
	}

}
