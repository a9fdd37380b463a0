package dev.pyapp.server.mount;

import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.PyappHome;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The test app {@code echo} without the runtime: its stable socket and its static
 * directory below {@code apps/echo/current/}.
 */
@TestConfiguration(proxyBeanMethods = false)
class EchoTargets {

	@Bean
	@Primary
	MountTargets echoTargets(PyappHome home) {
		return (app) -> app.value().equals("echo")
				? Optional
					.of(MountTarget.socket(home.app(app).socket(), List.of(new MountTarget.StaticDirectory("/static",
							home.app(app).root().resolve("current/static"), List.of("staticfiles.json", "css/*.map")))))
				: Optional.empty();
	}

}
