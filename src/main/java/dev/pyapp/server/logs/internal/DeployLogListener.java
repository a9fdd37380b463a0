package dev.pyapp.server.logs.internal;

import java.time.Instant;

import dev.pyapp.server.deploy.DeployProgressed;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores the steps of installs, upgrades and rollbacks under their app, with logger
 * {@code pyapp.deploy} (SPEC §9 "Long work").
 */
@Component
public class DeployLogListener {

	public static final String LOGGER = "pyapp.deploy";

	private final LogCollector collector;

	DeployLogListener(LogCollector collector) {
		this.collector = collector;
	}

	@EventListener
	void on(DeployProgressed event) {
		LogLevel level = LogLevel.parse(event.level());
		this.collector.collect(new LogRecord(0, Instant.now(), event.app().value(), event.release(),
				(level != null) ? level : LogLevel.INFO, LOGGER, "[" + event.step() + "] " + event.message(), null,
				(int) ProcessHandle.current().pid(), Thread.currentThread().getName(), null));
	}

}
