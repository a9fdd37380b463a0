package dev.pyapp.server;

import dev.pyapp.server.core.HomeLock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * PyApp Server: a self-hosted application server for Python WSGI apps.
 */
@SpringBootApplication
@Modulithic(sharedModules = "core")
@ConfigurationPropertiesScan
@EnableAsync
@EnableScheduling
public class PyappServerApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(PyappServerApplication.class);
		// one server per PYAPP_HOME, said in one line when it is taken
		application.addListeners(new HomeLock.OnStart());
		// the ahead-of-time start (-Dspring.aot.enabled=true) only with the settings it
		// was computed for
		application.addListeners(new AotStartGuard());
		application.run(args);
	}

}
