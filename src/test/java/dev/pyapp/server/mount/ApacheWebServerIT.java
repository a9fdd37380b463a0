package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class ApacheWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.APACHE);
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.APACHE;
	}

}
