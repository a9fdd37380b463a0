package dev.pyapp.server.mount;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class LighttpdWebServerIT extends AbstractWebServerIT {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		register(registry, WebServerKind.LIGHTTPD);
	}

	@Override
	WebServerKind kind() {
		return WebServerKind.LIGHTTPD;
	}

}
