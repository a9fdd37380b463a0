package dev.pyapp.server.mount;

import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.internal.MountTarget;
import dev.pyapp.server.mount.internal.MountTargets;
import dev.pyapp.server.runtime.WireProtocol;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * The test app {@code echo} without the runtime: its stable socket, the protocol its
 * backend speaks ({@code pyapp.test.echo-protocol}: {@code http} or {@code uwsgi}) and
 * its static directory below {@code apps/echo/current/}.
 */
@TestConfiguration(proxyBeanMethods = false)
class EchoTargets {

	@Bean
	@Primary
	MountTargets echoTargets(PyappHome home, Environment environment) {
		WireProtocol protocol = WireProtocol
			.valueOf(environment.getProperty("pyapp.test.echo-protocol", "http").toUpperCase(java.util.Locale.ROOT));
		return (app) -> app.value().equals("echo") ? Optional.of(MountTarget.socket(
				home.app(app).socket(), List.of(new MountTarget.StaticDirectory("/static",
						home.app(app).root().resolve("current/static"), List.of("staticfiles.json", "css/*.map"))),
				protocol)) : Optional.empty();
	}

}
