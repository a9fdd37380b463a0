package dev.pyapp.server.runtime;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the server is up, adopts the daemons that outlived its last run and starts the
 * apps that should run but do not, in the background.
 */
@Component
class SupervisorStartup {

	private static final Logger logger = LoggerFactory.getLogger(SupervisorStartup.class);

	private final AppRegistry registry;

	private final AppSupervisor supervisor;

	SupervisorStartup(AppRegistry registry, AppSupervisor supervisor) {
		this.registry = registry;
		this.supervisor = supervisor;
	}

	@EventListener(ApplicationReadyEvent.class)
	void onReady() {
		Thread thread = new Thread(this::adoptAll, "pyapp-adopt");
		thread.setDaemon(true);
		thread.start();
	}

	private void adoptAll() {
		for (InstalledApp installed : this.registry.list()) {
			try {
				this.supervisor.adopt(AppId.of(installed.name()));
			}
			catch (RuntimeException ex) {
				logger.error("Cannot adopt {}: {}", installed.name(), ex.getMessage());
			}
		}
	}

}
