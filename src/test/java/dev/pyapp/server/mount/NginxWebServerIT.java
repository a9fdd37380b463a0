package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web server contract of {@link AbstractWebServerIT} (its tests assert routing,
 * SCRIPT_NAME/PATH_INFO, static files, refused configurations and zero-downtime backend
 * switches) against a real nginx.
 */
class NginxWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.NGINX);
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.NGINX;
	}

}
