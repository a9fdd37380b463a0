package dev.pyapp.server.rpc.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Ends the server's process shortly after the call that asked for it has been answered
 * ({@code server.stop}): the context is closed (its beans let the apps and the managed
 * web server run on unless they were stopped before), then the JVM exits.
 */
@Component
class ServerExit {

	private static final Logger logger = LoggerFactory.getLogger(ServerExit.class);

	private final ConfigurableApplicationContext context;

	ServerExit(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Ends the process in the background, once the current response has gone out.
	 */
	void soon() {
		Thread thread = new Thread(() -> {
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			logger.info("Stopping the server, as asked by server.stop");
			int code = SpringApplication.exit(this.context, () -> 0);
			System.exit(code);
		}, "pyapp-exit");
		thread.setDaemon(false);
		thread.start();
	}

}
