package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web server contract of {@link AbstractWebServerIT} (its tests assert routing,
 * SCRIPT_NAME/PATH_INFO, forwarding headers, redirects, static files, TLS, refused
 * configurations and zero-downtime backend switches) against a real Apache httpd in front
 * of uWSGI (the uwsgi protocol).
 */
class ApacheUwsgiWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.APACHE, "uwsgi");
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.APACHE;
	}

	@Override
	String appServer() {
		return "uwsgi";
	}

	@Override
	int timedOutStatus() {
		// mod_proxy_uwsgi answers a timed-out read as any other failure
		return 500;
	}

}
